//! The collateral library: catalogue, versions, attachments, search pages and API.

pub mod api;
pub mod attachments;
pub mod browse;
pub mod demo;
pub mod demo_content;
pub mod editor;
pub mod extract;
pub mod import;
pub mod markdown;
pub mod model;
pub mod service;
pub mod versions;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/library", get(browse::index).post(editor::create))
        .route("/library/new", get(editor::new))
        .route("/library/by-id/{id}", get(browse::by_id))
        .route("/library/{slug}", get(browse::show).post(editor::update))
        .route("/library/{slug}/edit", get(editor::edit))
        .route("/library/{slug}/status", post(editor::set_status))
        .route("/library/{slug}/versions", get(versions::history))
        .route("/library/{slug}/versions/{number}", get(versions::show))
        .route(
            "/library/{slug}/attachments",
            post(attachments::upload).layer(attachments::upload_body_limit(state)),
        )
        .route("/library/{slug}/attachments/{id}/delete", post(attachments::remove))
        .route("/library/{slug}/files/{id}", get(attachments::download))
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/collateral", get(api::list).post(api::create))
        .route("/collateral/search", get(api::search))
        .route("/collateral/{id}", get(api::get).put(api::update))
        .route("/collateral/{id}/archive", post(api::archive))
}
