//! Outbound webhooks: admins register URLs that receive signed JSON events
//! (click, open, spotlight visit, bounce) so other systems can react.
//!
//! Other modules call [`enqueue`] inside their own transactions; it adds one
//! `webhook_deliveries` row per interested webhook. The [`worker::WebhookWorker`]
//! posts them, signed with each webhook's secret, retrying with backoff.

pub mod api;
pub mod deliveries;
mod pages;
pub mod service;
pub mod signature;
pub mod subscriptions;
pub mod worker;

pub use deliveries::enqueue;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

/// The events a webhook can subscribe to.
pub const EVENTS: [&str; 6] = ["click", "open", "visit", "comment", "bounce", crate::acknowledgements::WEBHOOK_EVENT];
/// The test event an admin sends to one webhook; nobody subscribes to it.
pub const PING: &str = "ping";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/webhooks", get(pages::index).post(pages::create))
        .route("/admin/webhooks/{id}/state", post(pages::set_active))
        .route("/admin/webhooks/{id}/test", post(pages::test))
        .route("/admin/webhooks/{id}/retry", post(pages::retry))
        .route("/admin/webhooks/{id}/delete", post(pages::delete))
}

pub fn api_router() -> Router<AppState> {
    Router::new().route("/webhooks", get(api::list).post(api::create))
}
