//! Comments and feedback: threaded discussions on announcements and library
//! items, anonymous comments that stay anonymous (docs/anonymity.md),
//! reactions, private questions to HR with official answers, and the
//! posting limits that keep it civil.

mod access;
pub mod answers;
pub mod api;
mod export;
pub mod feelings;
pub mod inbox;
mod inbox_pages;
pub mod mine;
pub mod model;
pub mod moderation;
mod moderation_pages;
mod pages;
pub mod questions_api;
pub mod service;
pub mod teams;
pub mod text;
pub mod thread;
pub mod throttle;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub use access::{check_read, thread_url};

/// Requests under these paths write comments or feedback: request logs
/// leave them out, so no log line dates an anonymous post.
pub const UNLOGGED_PREFIXES: [&str; 3] = ["/comments", "/api/v1/comments", "/feedback"];

/// Whether a request to `path` may post a comment or feedback, which could
/// be anonymous: such a request leaves no trace of who made it or when —
/// no log line, no "last used" time on the credential (docs/anonymity.md).
pub fn leaves_no_trace(path: &str) -> bool {
    UNLOGGED_PREFIXES.iter().any(|prefix| path.starts_with(prefix))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/comments", post(pages::create))
        .route("/comments/export.csv", get(export::csv))
        .route("/comments/{id}/edit", get(pages::edit_form).post(pages::edit))
        .route("/comments/{id}/delete", post(pages::delete))
        .route("/comments/{id}/react", post(pages::react))
        .route("/comments/{id}/report", post(moderation::report_form))
        .route("/comments/{id}/hide", post(moderation::hide))
        .route("/comments/{id}/unhide", post(moderation::unhide))
        .route("/comments/{id}/approve", post(moderation::approve))
        .route("/comments/{id}/dismiss", post(moderation::dismiss))
        .route("/moderation", get(moderation_pages::index))
        .route("/moderation/log", get(moderation_pages::log))
        .route("/moderation/log.csv", get(moderation_pages::log_csv))
        .route("/questions", get(pages::questions))
        .route("/a/{token}", get(answers::follow))
        .route("/feedback/{id}/feeling", post(feelings::submit))
        .route("/inbox", get(inbox_pages::index))
        .route("/inbox/teams", get(inbox_pages::teams_index).post(inbox_pages::add))
        .route("/inbox/teams/{id}/delete", post(inbox_pages::remove))
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/comments", get(api::list).post(api::create))
        .route("/questions", get(questions_api::list))
}
