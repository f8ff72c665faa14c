//! Signing in by email (issue 20, items 4 to 6): "Email me a sign-in link"
//! on the login page, invitations sent by administrators through the
//! outbox, "Forgot password?", and the way from a recipient's personal
//! spotlight page (or an answer email) to taking part in the discussion.
//!
//! A link is single-use, short-lived, bound to one account, and stored only
//! as a hash. Opening it (a GET, which mail scanners do on their own) only
//! shows a "Continue as …" page; the POST from that page signs in and uses
//! the link up. See docs/identity.md.

pub mod delivery;
pub mod email;
mod forms;
pub mod invitation_api;
mod invitation_pages;
pub mod invitations;
pub mod limits;
mod open;
mod owner;
pub mod recipient_page;
mod request;
pub mod store;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login/link", get(request::link_form).post(request::send_link))
        .route("/login/reset", get(request::reset_form).post(request::send_reset))
        .route("/login/link/open", get(open::continue_page).post(open::sign_in))
        .route("/login/reset/open", get(open::reset_page).post(open::reset))
        .route("/login/link/renew", post(open::renew))
        .route("/p/{token}/sign-in", get(owner::recipient_form).post(owner::recipient_send))
        .route("/a/{token}/sign-in", get(owner::asker_form).post(owner::asker_send))
        .route("/admin/invitations", get(invitation_pages::index).post(invitation_pages::create))
        .route("/admin/invitations/{id}", get(invitation_pages::show))
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/invitations", get(invitation_api::list).post(invitation_api::create))
        .route("/invitations/{id}", get(invitation_api::get))
}

/// Where single sign-on would take a person who wants to take part, when it
/// is configured. Herald has no single sign-on yet, so it is always a
/// sign-in link to the person's own address; the OpenID Connect work fills
/// this in, and the owner pages offer it first when it answers `Some`.
pub fn single_sign_on_url(_state: &AppState, _next: &str) -> Option<String> {
    None
}
