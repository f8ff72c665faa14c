//! People: the employee directory, accounts managed by admins, CSV import.

mod admin_pages;
pub mod api;
pub mod email;
pub mod external;
pub mod import;
pub mod leavers;
mod pages;
pub mod provisioning;
pub mod service;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/directory", get(pages::directory))
        .route("/admin/users", get(admin_pages::index).post(admin_pages::create))
        .route("/admin/users/{id}", get(admin_pages::edit).post(admin_pages::update))
        .route("/admin/users/{id}/reinvite", post(admin_pages::reinvite))
        .route("/admin/import", get(pages::import_form).post(pages::import_upload))
}

pub fn api_router() -> Router<AppState> {
    Router::new().route("/users", get(api::list).post(api::create))
}
