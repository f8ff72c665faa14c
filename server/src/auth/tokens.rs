//! API bearer tokens. The token is shown once; only its SHA-256 is stored.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::password::{random_secret, sha256_hex};
use super::session::AuthSession;
use crate::entities::{api_token, user};
use crate::error::{AppError, Result};
use crate::state::AppState;

const PREFIX: &str = "hrld_";

/// Creates a token for `user_id` and returns its plain text.
pub async fn create(db: &sea_orm::DatabaseConnection, user_id: i32, name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(AppError::Unprocessable("Give the token a name of 1 to 100 characters.".into()));
    }
    let token = format!("{PREFIX}{}", random_secret(32));
    api_token::ActiveModel {
        user_id: Set(user_id),
        name: Set(name.to_owned()),
        token_hash: Set(sha256_hex(&token)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

pub async fn list_for(db: &sea_orm::DatabaseConnection, user_id: i32) -> Result<Vec<api_token::Model>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .order_by_desc(api_token::Column::CreatedAt)
        .all(db)
        .await?)
}

pub async fn revoke(db: &sea_orm::DatabaseConnection, user_id: i32, token_id: i32) -> Result<()> {
    let token = api_token::Entity::find_by_id(token_id)
        .filter(api_token::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut active: api_token::ActiveModel = token.into();
    active.revoked_at = Set(Some(Utc::now()));
    active.update(db).await?;
    Ok(())
}

/// Revokes every live token of a user (after a password change); returns how many.
pub async fn revoke_all_for(db: &impl sea_orm::ConnectionTrait, user_id: i32) -> Result<u64> {
    let revoked = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(revoked.rows_affected)
}

/// `record_use`: false for requests that may post anonymously, whose
/// "last used" time would date the comment and name its author.
pub async fn authenticate(state: &AppState, token: &str, record_use: bool) -> Result<Option<AuthSession>> {
    if !token.starts_with(PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    // One round trip for the token and its owner: this runs on every API call.
    let found = api_token::Entity::find()
        .find_also_related(user::Entity)
        .filter(api_token::Column::TokenHash.eq(sha256_hex(token)))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(&state.db)
        .await?;
    let Some((found, Some(user))) = found else { return Ok(None) };
    if !user.active {
        return Ok(None);
    }
    // "Last used" is for people reviewing their tokens; a minute's precision
    // is plenty, and it spares a database write on every API call.
    let credential = found.token_hash.clone();
    let now = Utc::now();
    if record_use && found.last_used_at.is_none_or(|used| now - used > chrono::Duration::minutes(1)) {
        let mut touched: api_token::ActiveModel = found.into();
        touched.last_used_at = Set(Some(now));
        touched.update(&state.db).await?;
    }
    Ok(Some(AuthSession { user, csrf_token: String::new(), via_token: true, credential }))
}
