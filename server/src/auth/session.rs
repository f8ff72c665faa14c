//! Browser sessions and bearer tokens resolved into the signed-in user.
//!
//! `load_auth` runs on every request: it resolves the session cookie (pages)
//! or the bearer token (`/api/*`) into an [`AuthSession`] in the request
//! extensions, where the extractors in `extract.rs` find it.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::password::{random_secret, sha256_hex};
use super::tokens;
use crate::entities::{session, user};
use crate::error::Result;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "herald_session";

/// The signed-in user of one request.
#[derive(Clone, Debug)]
pub struct AuthSession {
    pub user: user::Model,
    /// CSRF token of the browser session; empty for bearer-token requests,
    /// which carry no ambient credentials and so need none.
    pub csrf_token: String,
    pub via_token: bool,
    /// Which session or token this is (the hash stored for it): what the
    /// anonymous posting limit counts per, in memory only.
    pub credential: String,
}

impl AuthSession {
    pub fn role(&self) -> super::Role {
        self.user.role.parse().unwrap_or(super::Role::Employee)
    }
}

/// Creates a session for `user_id` and returns the cookie value to set.
pub async fn create(state: &AppState, user_id: i32) -> Result<String> {
    let secret = random_secret(32);
    let now = Utc::now();
    session::ActiveModel {
        id_hash: Set(sha256_hex(&secret)),
        user_id: Set(user_id),
        csrf_token: Set(random_secret(32)),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(state.config.session_hours)),
    }
    .insert(&state.db)
    .await?;
    Ok(secret)
}

/// Signs `user_id` in on this browser: ends the session its cookie names, if
/// any (a fresh session id at every sign-in defeats session fixation),
/// starts a new one and drops the pre-login CSRF cookie.
pub async fn begin(state: &AppState, jar: CookieJar, user_id: i32) -> Result<CookieJar> {
    if let Some(old) = jar.get(SESSION_COOKIE) {
        destroy(state, old.value()).await?;
    }
    let secret = create(state, user_id).await?;
    Ok(jar.add(session_cookie(state, secret)).remove(removal_cookie(super::csrf::LOGIN_CSRF_COOKIE)))
}

pub async fn destroy(state: &AppState, secret: &str) -> Result<()> {
    session::Entity::delete_by_id(sha256_hex(secret)).exec(&state.db).await?;
    Ok(())
}

/// Ends every session of a user, e.g. after a password change elsewhere.
pub async fn destroy_all_for(state: &AppState, user_id: i32) -> Result<()> {
    destroy_all_for_user(&state.db, user_id).await?;
    Ok(())
}

/// Ends every session of a user inside the caller's transaction; returns how many.
pub async fn destroy_all_for_user(db: &impl sea_orm::ConnectionTrait, user_id: i32) -> Result<u64> {
    Ok(session::Entity::delete_many().filter(session::Column::UserId.eq(user_id)).exec(db).await?.rows_affected)
}

/// Ends every session of a user but the one whose cookie is `keep`: what a
/// password change does, so that whoever knew the old password is signed out.
pub async fn destroy_others(state: &AppState, user_id: i32, keep: Option<&str>) -> Result<u64> {
    let mut others = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        others = others.filter(session::Column::IdHash.ne(sha256_hex(keep)));
    }
    Ok(others.exec(&state.db).await?.rows_affected)
}

pub fn session_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies())
        .max_age(time_hours(state.config.session_hours))
        .build()
}

pub fn removal_cookie(name: &'static str) -> Cookie<'static> {
    Cookie::build((name, "")).path("/").build()
}

fn time_hours(hours: i64) -> time::Duration {
    time::Duration::hours(hours)
}

async fn from_cookie(state: &AppState, headers: &HeaderMap) -> Result<Option<AuthSession>> {
    let jar = CookieJar::from_headers(headers);
    let Some(cookie) = jar.get(SESSION_COOKIE) else { return Ok(None) };
    let Some((session, Some(user))) = session::Entity::find_by_id(sha256_hex(cookie.value()))
        .find_also_related(user::Entity)
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    if session.expires_at < Utc::now() || !user.active {
        session::Entity::delete_by_id(session.id_hash).exec(&state.db).await?;
        return Ok(None);
    }
    Ok(Some(AuthSession { user, csrf_token: session.csrf_token, via_token: false, credential: session.id_hash }))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// Paths a user who must change their password may still reach.
fn allowed_before_password_change(path: &str) -> bool {
    path == "/account/password" || path == "/logout" || path.starts_with("/assets/") || path == "/healthz"
}

pub async fn load_auth(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let resolved = if path.starts_with("/api/") {
        match bearer(request.headers()) {
            Some(token) => tokens::authenticate(&state, token, !crate::comments::leaves_no_trace(&path)).await,
            None => Ok(None),
        }
    } else {
        from_cookie(&state, request.headers()).await
    };
    let auth = match resolved {
        Ok(auth) => auth,
        Err(err) => return err.into_response(),
    };
    let Some(auth) = auth else { return next.run(request).await };
    if auth.user.must_change_password && !auth.via_token && !allowed_before_password_change(&path) {
        return Redirect::to("/account/password").into_response();
    }
    request.extensions_mut().insert(auth.clone());
    let mut response = next.run(request).await;
    // The error renderer, which runs outside this layer, draws its page's navigation from this.
    response.extensions_mut().insert(auth);
    response
}
