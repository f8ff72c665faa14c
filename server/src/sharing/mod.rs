//! Social spotlights and employee sharing: short links `/s/{code}` per
//! channel or per sharer, the pages they lead to (`/v/{code}`), QR codes,
//! posting to configured destinations, and the share tree.

pub mod api;
pub mod audience;
pub mod channels;
pub mod codes;
pub mod posts;
pub mod public;
pub mod publish;
pub mod qr;
pub mod shares;
pub mod tree;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/s/{code}", get(public::follow))
        .route("/s/{code}/{format}", get(posts::qr))
        .route("/v/{code}", get(public::show))
        .route("/v/{code}/items/{collateral_id}", get(public::item))
        .route("/v/{code}/files/{attachment_id}", get(public::file))
        .route("/share", post(shares::share))
        .route("/shares", get(shares::mine))
        .route("/spotlights/{id}/social", get(posts::page).post(posts::create))
        .route("/spotlights/{id}/social/{post_id}/publish", post(posts::publish))
        .route("/spotlights/{id}/social/{post_id}/revoke", post(posts::revoke))
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/announcements/{id}/stats", get(api::stats))
        .route("/announcements/{id}/short-links", post(api::create_short_link))
}
