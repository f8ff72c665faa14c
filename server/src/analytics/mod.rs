//! Analytics: how far announcements and library items reached and how they
//! were read.

pub mod baseline;
pub mod breakdown;
mod dashboard;
pub mod figures;
pub mod reading;
pub mod svg;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/read", post(reading::record))
        .route("/analytics/announcements/{id}", get(dashboard::page))
        .route("/analytics/announcements/{id}/export.csv", get(dashboard::export))
}
