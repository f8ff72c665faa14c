//! Accounts: sign-in, sessions, roles, CSRF, API tokens.

pub mod csrf;
pub mod extract;
pub mod next;
pub mod oidc;
mod pages;
pub mod password;
mod password_policy;
mod role;
pub mod session;
pub mod throttle;
pub mod tokens;

pub use csrf::{CsrfForm, EmptyForm};
pub use role::Role;
pub use session::AuthSession;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/account", get(pages::account))
        .route("/account/password", get(pages::password_form).post(pages::change_password))
        .route("/account/tokens", post(pages::create_token))
        .route("/account/tokens/{id}/revoke", post(pages::revoke_token))
        .merge(oidc::router())
}
