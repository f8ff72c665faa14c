//! Sign-ins between the redirect to the provider and its answer.
//!
//! Each is a row named by the SHA-256 of its `state`, holding the nonce, the
//! PKCE verifier and where to go after, and bound to the browser that began
//! it by the hash of a random HttpOnly cookie. The callback deletes the row
//! it uses, so a `state` works once on every server; a replayed or forged
//! one finds nothing.

use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::auth::password::{random_secret, sha256_hex};
use crate::entities::oidc_login;
use crate::error::Result;

/// The cookie that binds a sign-in to its browser; only sent to `/auth/oidc`.
pub const BROWSER_COOKIE: &str = "herald_oidc";
/// How long a person may spend at the provider's login page.
const LIFETIME_MINUTES: i64 = 10;

/// The browser's binding secret: the one it has, or a new one to set.
pub fn browser_secret(jar: CookieJar, secure: bool) -> (CookieJar, String) {
    if let Some(existing) = jar.get(BROWSER_COOKIE).map(|cookie| cookie.value().to_owned()).filter(|value| value.len() >= 32) {
        return (jar, existing);
    }
    let secret = random_secret(32);
    let cookie = Cookie::build((BROWSER_COOKIE, secret.clone()))
        .path("/auth/oidc")
        .http_only(true)
        // Lax: the provider's redirect back is a top-level GET from another site.
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(time::Duration::minutes(LIFETIME_MINUTES))
        .build();
    (jar.add(cookie), secret)
}

pub struct Begun<'a> {
    pub state: &'a str,
    pub browser: &'a str,
    pub nonce: &'a str,
    pub pkce_verifier: &'a str,
    pub next: &'a str,
}

pub async fn remember(db: &DatabaseConnection, begun: Begun<'_>) -> Result<()> {
    let now = Utc::now();
    oidc_login::Entity::delete_many().filter(oidc_login::Column::ExpiresAt.lt(now)).exec(db).await?;
    oidc_login::ActiveModel {
        state_hash: Set(sha256_hex(begun.state)),
        browser_hash: Set(sha256_hex(begun.browser)),
        nonce: Set(begun.nonce.to_owned()),
        pkce_verifier: Set(begun.pkce_verifier.to_owned()),
        next_path: Set(begun.next.to_owned()),
        expires_at: Set(now + Duration::minutes(LIFETIME_MINUTES)),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Why a callback's `state` is not accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Unknown, already used, or expired.
    UnknownOrUsed,
    /// Begun in another browser.
    OtherBrowser,
}

/// The sign-in `state` names, consumed: it cannot be used again.
pub async fn take(db: &DatabaseConnection, state: &str, browser: Option<&str>) -> Result<std::result::Result<oidc_login::Model, Refused>> {
    let hash = sha256_hex(state);
    let Some(row) = oidc_login::Entity::find_by_id(hash.clone()).one(db).await? else { return Ok(Err(Refused::UnknownOrUsed)) };
    // Only the request whose delete removed the row may use it.
    if oidc_login::Entity::delete_by_id(hash).exec(db).await?.rows_affected != 1 {
        return Ok(Err(Refused::UnknownOrUsed));
    }
    if row.expires_at < Utc::now() {
        return Ok(Err(Refused::UnknownOrUsed));
    }
    if browser.map(sha256_hex).as_deref() != Some(row.browser_hash.as_str()) {
        return Ok(Err(Refused::OtherBrowser));
    }
    Ok(Ok(row))
}
