//! What the link pages share: the CSRF token of a form shown to someone who
//! may or may not be signed in, and sending a link to a known person.

use axum_extra::extract::cookie::CookieJar;

use super::store;
use crate::auth::{csrf, AuthSession};
use crate::entities::sign_in_link::Purpose;
use crate::entities::user;
use crate::state::AppState;

/// A signed-in browser's forms carry its session's token; others the
/// pre-login double-submit token (see `auth::csrf`).
pub fn token(state: &AppState, jar: CookieJar, auth: Option<&AuthSession>) -> (CookieJar, String) {
    match auth.filter(|auth| !auth.via_token) {
        Some(auth) => (jar, auth.csrf_token.clone()),
        None => csrf::login_token(jar, state.config.secure_cookies()),
    }
}

/// Sends `person` a link, in the background: the answer to whoever asked
/// must take the same time whether there was anyone to send to. Nothing is
/// logged that names the person, and never the link.
pub fn send_later(state: &AppState, person: Option<user::Model>, purpose: Purpose, next: Option<String>) {
    let Some(person) = person.filter(|person| person.active) else { return };
    let state = state.clone();
    tokio::spawn(async move {
        match store::issue(&state.db, &state.config, &person, purpose, next.as_deref(), None).await {
            Ok(()) => state.mailer.wake(),
            Err(err) => tracing::warn!(error = %err, "could not queue a sign-in link"),
        }
    });
}

/// The purpose a "Forgot password?" request gets: a reset for an account
/// with a password, a sign-in link for one without (it has none to reset).
pub fn reset_purpose(person: &user::Model) -> Purpose {
    if person.password_hash.is_some() { Purpose::PasswordReset } else { Purpose::SignIn }
}

/// `next` as a same-site path to follow after sign-in, if it is one.
pub fn clean_next(next: &str) -> Option<String> {
    let next = crate::auth::next::after_sign_in(next);
    (next != "/").then_some(next)
}
