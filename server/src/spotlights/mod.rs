//! Spotlights: HR's announcements. Templates HR edits at run time,
//! audiences and distribution lists, the announcement life cycle, the
//! personal spotlight page each recipient is invited to, and the API.

pub mod api;
pub mod approval;
pub mod audience;
pub mod audit;
pub mod audience_form;
pub mod compose;
pub mod countdown;
pub mod demo;
pub mod email_checks;
pub mod form;
pub mod link_check;
pub mod links;
pub mod locations;
mod location_pages;
pub mod lists;
pub mod model;
pub mod page;
mod pages;
pub mod placeholders;
pub mod preflight;
pub mod portal;
mod preview_pages;
pub mod render;
pub mod review;
pub mod review_api;
pub mod safety_checks;
pub mod review_pages;
mod render_limits;
pub mod sending;
pub mod service;
pub mod status;
mod template_pages;
pub mod templates;
pub mod window;
mod list_pages;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/spotlights", get(pages::index).post(pages::create))
        .route("/spotlights/new", get(pages::new))
        .route("/spotlights/{id}", get(pages::show).post(pages::update))
        .route("/spotlights/{id}/edit", get(pages::edit))
        .route("/spotlights/{id}/preview", get(preview_pages::preview))
        .route("/spotlights/{id}/preview/email", get(preview_pages::preview_email))
        .route("/spotlights/{id}/page", get(preview_pages::page_preview))
        .route("/spotlights/{id}/test", post(preview_pages::send_test))
        .route("/spotlights/{id}/send", post(review_pages::send))
        .route("/spotlights/{id}/undo", post(review_pages::undo))
        .route("/spotlights/{id}/submit", post(review_pages::submit))
        .route("/spotlights/{id}/approve", post(review_pages::approve))
        .route("/spotlights/{id}/reject", post(review_pages::reject))
        .route("/spotlights/{id}/review", get(review_pages::review))
        .route("/spotlights/{id}/audit.csv", get(review_pages::audit_csv))
        .route("/spotlights/settings", get(review_pages::settings).post(review_pages::save_settings))
        .route("/spotlights/locations", get(location_pages::index).post(location_pages::save))
        .route("/spotlights/{id}/schedule", post(pages::schedule))
        .route("/spotlights/{id}/state", post(pages::change_state))
        .route("/spotlights/{id}/progress", get(pages::progress))
        .route("/spotlights/templates", get(template_pages::index).post(template_pages::create))
        .route("/spotlights/templates/new", get(template_pages::new))
        .route("/spotlights/templates/{id}", get(template_pages::edit).post(template_pages::update))
        .route("/spotlights/templates/{id}/preview", get(template_pages::preview))
        .route("/lists", get(list_pages::index).post(list_pages::create))
        .route("/lists/{id}", get(list_pages::show).post(list_pages::add))
        .route("/lists/{id}/import", post(list_pages::import))
        .route("/lists/{id}/remove", post(list_pages::remove))
        .route("/lists/{id}/delete", post(list_pages::delete))
        .route("/news", get(portal::index))
        .route("/news/{id}", get(portal::show))
        .route("/news/{id}/items/{collateral_id}", get(portal::item))
        .route("/news/{id}/files/{attachment_id}", get(portal::file))
        .route("/p/{token}", get(page::show))
        .route("/p/{token}/items/{collateral_id}", get(page::item))
        .route("/p/{token}/files/{attachment_id}", get(page::file))
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/announcements", get(api::list).post(api::create))
        .route("/announcements/{id}", get(api::get))
        .route("/announcements/{id}/send", post(api::send))
        .route("/announcements/{id}/submit", post(review_api::submit))
        .route("/announcements/{id}/approve", post(review_api::approve))
        .route("/announcements/{id}/reject", post(review_api::reject))
        .route("/announcements/{id}/audit", get(review_api::trail))
        .route("/announcements/{id}/preflight", get(review_api::preflight))
        .route("/announcements/{id}/pause", post(api::pause))
        .route("/announcements/{id}/resume", post(api::resume))
        .route("/announcements/{id}/cancel", post(api::cancel))
        .route("/lists", get(api::lists).post(api::create_list))
        .route("/lists/{id}/members", post(api::add_members))
        .route("/bounces", post(api::bounce))
}
