//! CSRF protection for every state-changing form.
//!
//! Signed-in forms carry the session's random token in a `csrf` field. The
//! login form, which has no session yet, uses a double-submit cookie. Either
//! way a cross-site page cannot read the token, so it cannot forge the form.
//!
//! Pages are compressed, and a compressed page that holds a secret next to
//! text an attacker can put in (a search query) leaks the secret through its
//! size over many requests (BREACH). So pages never print the session's token
//! itself: each rendering prints it masked with fresh random bytes
//! ([`masked`]), which the check undoes.

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
    if expected.is_empty() {
        return false;
    }
    match unmask(given, expected.len()) {
        Some(token) => expected.as_bytes().ct_eq(&token).into(),
        None => expected.as_bytes().ct_eq(given.as_bytes()).into(),
    }
}

/// `hex(pad) + hex(pad XOR token)` with a new random pad each time: the same
/// token never appears twice in the pages it is printed on.
pub fn masked(token: &str) -> String {
    use rand::RngCore;
    let mut pad = vec![0u8; token.len()];
    rand::thread_rng().fill_bytes(&mut pad);
    let hidden: Vec<u8> = token.bytes().zip(&pad).map(|(byte, key)| byte ^ key).collect();
    format!("{}{}", hex::encode(&pad), hex::encode(hidden))
}

fn unmask(given: &str, token_len: usize) -> Option<Vec<u8>> {
    if given.len() != token_len * 4 {
        return None;
    }
    let bytes = hex::decode(given).ok()?;
    let (pad, hidden) = bytes.split_at(token_len);
    Some(hidden.iter().zip(pad).map(|(byte, key)| byte ^ key).collect())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_token_differs_every_time_and_still_matches() {
        let token = random_secret(32);
        let (first, second) = (masked(&token), masked(&token));
        assert_ne!(first, second);
        assert!(!first.contains(&token));
        assert!(tokens_match(&token, &first) && tokens_match(&token, &second));
        assert!(tokens_match(&token, &token), "the plain token still works");
        assert!(!tokens_match(&token, &masked(&random_secret(32))));
        let mut tampered = first.clone().into_bytes();
        tampered[first.len() - 1] = if tampered[first.len() - 1] == b'0' { b'1' } else { b'0' };
        assert!(!tokens_match(&token, &String::from_utf8(tampered).unwrap()));
        assert!(!tokens_match("", &masked("")));
    }
}
