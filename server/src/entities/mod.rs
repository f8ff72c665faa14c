//! sea-orm entities, one file per table.

pub mod api_token;
pub mod attachment;
pub mod collateral;
pub mod collateral_change;
pub mod collateral_version;
pub mod login_failure;
pub mod session;
pub mod user;
