//! People: the employee directory, accounts managed by admins, CSV import.

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
        .route("/admin/users", get(pages::admin_users).post(pages::create_user))
        .route("/admin/users/{id}", post(pages::update_user))
        .route("/admin/import", get(pages::import_form).post(pages::import_upload))
}

pub fn api_router() -> Router<AppState> {
    Router::new().route("/users", get(api::list).post(api::create))
}
