//! CSRF protection for every state-changing form.
//!
//! Signed-in forms carry the session's random token in a `csrf` field. The
//! login form, which has no session yet, uses a double-submit cookie. Either
//! way a cross-site page cannot read the token, so it cannot forge the form.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use super::password::random_secret;
use super::session::AuthSession;
use crate::error::AppError;

pub const LOGIN_CSRF_COOKIE: &str = "herald_login_csrf";
pub const FIELD: &str = "csrf";

pub fn tokens_match(expected: &str, given: &str) -> bool {
    !expected.is_empty() && expected.as_bytes().ct_eq(given.as_bytes()).into()
}

/// Checks a token taken from a form that was parsed by hand (multipart).
pub fn verify(auth: &AuthSession, given: &str) -> Result<(), AppError> {
    if tokens_match(&auth.csrf_token, given) { Ok(()) } else { Err(AppError::Csrf) }
}

/// The pre-login token: reuses the browser's cookie if it has one.
pub fn login_token(jar: CookieJar, secure: bool) -> (CookieJar, String) {
    if let Some(existing) = jar.get(LOGIN_CSRF_COOKIE) {
        let value = existing.value().to_owned();
        return (jar, value);
    }
    let value = random_secret(24);
    let cookie = Cookie::build((LOGIN_CSRF_COOKIE, value.clone()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build();
    (jar.add(cookie), value)
}

/// The fields of a form that is only a button: nothing but its CSRF token.
#[derive(Debug, serde::Deserialize)]
pub struct EmptyForm {}

/// A urlencoded form whose `csrf` field has been checked against the
/// session (or, before login, the double-submit cookie).
pub struct CsrfForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let expected = match request.extensions().get::<AuthSession>() {
            Some(auth) if !auth.via_token => auth.csrf_token.clone(),
            _ => CookieJar::from_headers(request.headers())
                .get(LOGIN_CSRF_COOKIE)
                .map(|cookie| cookie.value().to_owned())
                .unwrap_or_default(),
        };
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|err| AppError::BadRequest(format!("Could not read the form: {err}")))?;
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
            .map_err(|_| AppError::BadRequest("The form data is malformed.".into()))?;
        let given = fields.iter().find(|(key, _)| key == FIELD).map(|(_, value)| value.as_str()).unwrap_or("");
        if !tokens_match(&expected, given) {
            return Err(AppError::Csrf);
        }
        let value = serde_urlencoded::from_bytes(&body)
            .map_err(|err| AppError::Unprocessable(format!("The form is incomplete: {err}")))?;
        Ok(CsrfForm(value))
    }
}
