//! Single sign-on through one OpenID Connect provider (`[oidc]` in
//! herald.toml): the authorization code flow with PKCE, `state` and
//! `nonce`, ID tokens verified by the `openidconnect` crate, people found by
//! their subject or email, created just in time when allowed, refreshed from
//! the claims at each sign-in, and Herald's normal session at the end.
//!
//! - [`settings`]: the `[oidc]` table and `HERALD_OIDC_*`.
//! - [`provider`]: discovery, the authorization URL, code exchange and ID token checks.
//! - [`pending`]: the single-use, browser-bound sign-ins on their way.
//! - [`people`] and [`claims`]: from the verified claims to a Herald account.
//! - [`status`] and [`report`]: the provider's status for the identity settings page and the API.
//!
//! docs/identity.md ("Single sign-on (OpenID Connect)") is the operator's guide.

pub mod api;
pub mod claims;
mod pages;
pub mod pending;
pub mod people;
pub mod provider;
pub mod report;
pub mod settings;
pub mod status;

pub use provider::Provider;
pub use settings::{OidcConfig, OidcFile};

use axum::routing::get;
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/oidc/login", get(pages::login))
        .route("/auth/oidc/callback", get(pages::callback))
        .route("/auth/oidc/signed-out", get(pages::signed_out))
        .route("/admin/identity/oidc", get(pages::status_page))
}

/// `/api/v1/identity/oidc`.
pub fn api_router() -> Router<AppState> {
    Router::new().route("/identity/oidc", get(api::status))
}

/// What the login page offers when single sign-on is configured.
pub struct LoginChoice {
    /// "Sign in with <display_name>".
    pub display_name: String,
    /// `/auth/oidc/login?next=…`.
    pub href: String,
    /// Password sign-in is kept for the break-glass administrator only.
    pub only: bool,
}

pub fn login_choice(state: &AppState, next: &str) -> Option<LoginChoice> {
    let provider = state.oidc.as_ref()?;
    let config = provider.config();
    let href = format!("/auth/oidc/login?{}", serde_urlencoded::to_string([("next", next)]).unwrap_or_default());
    Some(LoginChoice { display_name: config.display_name.clone(), href, only: config.only })
}

/// In SSO-only mode, the answer to every password sign-in that does not
/// succeed, so that it never tells which address is the break-glass one.
pub fn password_closed_message(state: &AppState) -> Option<String> {
    let config = state.oidc.as_ref()?.config();
    config.only.then(|| format!("Sign in with {}: password sign-in is turned off.", config.display_name))
}

/// Whether `email` may still use a password (always, unless SSO is the only way in).
pub fn may_use_password(state: &AppState, email: &str) -> bool {
    state.oidc.as_ref().is_none_or(|provider| !provider.config().only || provider.config().is_break_glass(email))
}
