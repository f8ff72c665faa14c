//! SCIM bearer tokens: made by an administrator (identity page or CLI),
//! shown once, stored as SHA-256, good for `/scim/v2` only. They are a kind
//! apart from API tokens: another prefix and another table, so neither opens
//! the other's door.

use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

use super::error::ScimError;
use crate::auth::password::{random_secret, sha256_hex};
use crate::entities::scim_token;
use crate::error::{AppError, Result};
use crate::state::AppState;

const PREFIX: &str = "hrscim_";

/// Creates a token and returns it with its plain text. `created_by` is `None` from the CLI.
pub async fn create(db: &DatabaseConnection, name: &str, created_by: Option<i32>) -> Result<(scim_token::Model, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::Unprocessable("Give the token a name of 1 to 100 characters.".into()));
    }
    let token = format!("{PREFIX}{}", random_secret(32));
    let stored = scim_token::ActiveModel {
        name: Set(name.to_owned()),
        token_hash: Set(sha256_hex(&token)),
        created_by: Set(created_by),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((stored, token))
}

/// Live tokens, newest first.
pub async fn live(db: &DatabaseConnection) -> Result<Vec<scim_token::Model>> {
    Ok(scim_token::Entity::find()
        .filter(scim_token::Column::RevokedAt.is_null())
        .order_by_desc(scim_token::Column::CreatedAt)
        .order_by_desc(scim_token::Column::Id)
        .all(db)
        .await?)
}

pub async fn revoke(db: &DatabaseConnection, id: i32) -> Result<()> {
    let token = scim_token::Entity::find_by_id(id).filter(scim_token::Column::RevokedAt.is_null()).one(db).await?.ok_or(AppError::NotFound)?;
    let mut active: scim_token::ActiveModel = token.into();
    active.revoked_at = Set(Some(Utc::now()));
    active.update(db).await?;
    Ok(())
}

/// The live token `plain` is, if any; records its use at most once a minute.
pub async fn authenticate(db: &DatabaseConnection, plain: &str) -> Result<Option<scim_token::Model>> {
    if !plain.starts_with(PREFIX) || plain.len() > 200 {
        return Ok(None);
    }
    let found = scim_token::Entity::find()
        .filter(scim_token::Column::TokenHash.eq(sha256_hex(plain)))
        .filter(scim_token::Column::RevokedAt.is_null())
        .one(db)
        .await?;
    let Some(found) = found else { return Ok(None) };
    let now = Utc::now();
    if found.last_used_at.is_none_or(|used| now - used > chrono::Duration::minutes(1)) {
        let mut touched: scim_token::ActiveModel = found.clone().into();
        touched.last_used_at = Set(Some(now));
        touched.update(db).await?;
    }
    Ok(Some(found))
}

/// A request made with a live SCIM token; anything else is answered 401.
pub struct ScimClient(pub scim_token::Model);

impl FromRequestParts<AppState> for ScimClient {
    type Rejection = ScimError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> std::result::Result<Self, Self::Rejection> {
        let given = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
        let Some(given) = given else { return Err(ScimError::unauthorized()) };
        match authenticate(&state.db, given).await? {
            Some(token) => Ok(ScimClient(token)),
            None => Err(ScimError::unauthorized()),
        }
    }
}
