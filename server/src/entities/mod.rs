//! sea-orm entities, one file per table.

pub mod api_token;
pub mod login_failure;
pub mod session;
pub mod user;
