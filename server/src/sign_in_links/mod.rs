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
pub mod forms;
pub mod invitation_api;
mod invitation_pages;
pub mod invitations;
pub mod limits;
mod open;
mod owner;
pub mod recipient_page;
mod request;
pub mod store;

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub fn router(state: &AppState) -> Router<AppState> {
    let by_email = Router::new()
        .route("/login/link", get(request::link_form).post(request::send_link))
        .route("/login/reset", get(request::reset_form).post(request::send_reset))
        .route("/login/link/open", get(open::continue_page).post(open::sign_in))
        .route("/login/reset/open", get(open::reset_page).post(open::reset))
        .route("/login/link/renew", post(open::renew))
        .route_layer(middleware::from_fn_with_state(state.clone(), closed_when_sso_only));
    Router::new()
        .merge(by_email)
        .route("/p/{token}/sign-in", get(owner::recipient_form).post(owner::recipient_send))
        .route("/a/{token}/sign-in", get(owner::asker_form).post(owner::asker_send))
        .route("/admin/invitations", get(invitation_pages::index).post(invitation_pages::create))
        .route("/admin/invitations/{id}", get(invitation_pages::show))
}

/// With single sign-on as the only way in, an emailed link is no way in
/// either: each of their pages leads to the provider instead.
async fn closed_when_sso_only(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match crate::auth::oidc::login_choice(&state, "/").filter(|choice| choice.only) {
        Some(choice) => Redirect::to(&choice.href).into_response(),
        None => next.run(request).await,
    }
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/invitations", get(invitation_api::list).post(invitation_api::create))
        .route("/invitations/{id}", get(invitation_api::get))
}

/// Where single sign-on takes a person who wants to take part, when it is
/// configured; the owner pages offer it first, before a link to the
/// person's own address.
pub fn single_sign_on_url(state: &AppState, next: &str) -> Option<String> {
    crate::auth::oidc::login_choice(state, next).map(|choice| choice.href)
}
