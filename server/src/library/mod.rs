//! The collateral library: catalogue, versions, attachments.

pub mod markdown;
pub mod model;
pub mod service;
