//! Read and acknowledge (issue 21): HR asks an audience to confirm that they
//! read one version of a library item by a date. The request travels as a
//! spotlight of its own; people confirm from the email (a scanner-safe
//! page: only its POST records), the portal banner or the API; each
//! confirmation is append-only evidence naming the version and the SHA-256
//! of its text. Reminders and escalation go through the outbox once per
//! person and step; HR follows it all on the compliance view and exports it
//! for auditors. Attestation is by nature not anonymous. See docs/acknowledgements.md.

pub mod api;
pub mod banner;
pub mod compliance;
mod compliance_pages;
mod confirm_pages;
pub mod evidence;
mod mine_page;
pub mod model;
pub mod reminders;
mod request_pages;
pub mod schedule;
pub mod sending;
pub mod store;
pub mod versions;

pub use confirm_pages::for_recipient;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

/// The slug of the shipped "Please read and confirm" spotlight template.
pub const TEMPLATE: &str = "please-read-and-confirm";
/// The webhook event of a new attestation.
pub const WEBHOOK_EVENT: &str = "acknowledgement.confirmed";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/acknowledgements", get(request_pages::index).post(request_pages::create))
        .route("/acknowledgements/new", get(request_pages::new))
        .route("/acknowledgements/mine", get(mine_page::index))
        .route("/acknowledgements/{id}", get(compliance_pages::show))
        .route("/acknowledgements/{id}/send", post(request_pages::send))
        .route("/acknowledgements/{id}/close", post(request_pages::close))
        .route("/acknowledgements/{id}/ask-again", post(request_pages::ask_again))
        .route("/acknowledgements/{id}/export.csv", get(compliance_pages::csv))
        .route("/acknowledgements/{id}/print", get(compliance_pages::print))
        .route("/acknowledgements/{id}/confirm", get(confirm_pages::portal_page).post(confirm_pages::confirm_from_portal))
        .route("/p/{token}/confirm", post(confirm_pages::confirm_from_email))
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/acknowledgements", get(api::list).post(api::create))
        .route("/acknowledgements/mine", get(api::mine))
        .route("/acknowledgements/{id}", get(api::get))
        .route("/acknowledgements/{id}/people", get(api::people))
        .route("/acknowledgements/{id}/send", post(api::send))
        .route("/acknowledgements/{id}/confirm", post(api::confirm))
}
