//! Analytics: how far announcements and library items reached and how they
//! were read.

pub mod reading;

use axum::routing::post;
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/read", post(reading::record))
}
