//! The `sign_in_links` table's one owner: issuing a link (with the message
//! that carries it), finding one from the secret in a URL, and using it up.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};

use crate::auth::password::{random_secret, sha256_hex};
use crate::config::Config;
use crate::entities::sign_in_link::{self, Purpose};
use crate::entities::{session, user};
use crate::error::Result;

/// The longest secret a URL may carry (ours are 43 characters).
const MAX_SECRET_LEN: usize = 100;

/// How long a link of this purpose works.
pub fn lifetime(config: &Config, purpose: Purpose) -> Duration {
    match purpose {
        Purpose::Invitation => Duration::days(config.invitation_days),
        Purpose::SignIn | Purpose::PasswordReset => Duration::minutes(config.sign_in_link_minutes),
    }
}

/// Queues the email that will carry a new link for `person`. The secret is
/// drawn only when the outbox writes the message (see `delivery`).
pub async fn issue(db: &impl ConnectionTrait, config: &Config, person: &user::Model, purpose: Purpose, next: Option<&str>, batch_id: Option<i32>) -> Result<()> {
    let now = config.clock.now();
    let lifetime = lifetime(config, purpose);
    let email = super::email::compose(config, person, purpose, lifetime);
    let message_id = crate::delivery::queue_message(db, super::delivery::kind_of(purpose), &person.email, &person.name, &email, config.host()).await?;
    sign_in_link::ActiveModel {
        user_id: Set(person.id),
        purpose: Set(purpose),
        // A hash nobody knows the secret of, until the message is written.
        token_hash: Set(sha256_hex(&random_secret(32))),
        next: Set(next.map(str::to_owned)),
        message_id: Set(Some(message_id)),
        batch_id: Set(batch_id),
        used: Set(false),
        expires_at: Set(now + lifetime),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Draws the secret of the link carried by message `message_id` and stores
/// its hash; returns the link and the secret. A retried message gets a new
/// secret, and the one written before stops working.
pub async fn mint(db: &impl ConnectionTrait, now: DateTime<Utc>, message_id: &str) -> Result<std::result::Result<(sign_in_link::Model, String), &'static str>> {
    let Some(link) = sign_in_link::Entity::find().filter(sign_in_link::Column::MessageId.eq(message_id)).one(db).await? else {
        return Ok(Err("the link this message carries no longer exists"));
    };
    if link.used {
        return Ok(Err("the link this message carries was already used"));
    }
    if link.expires_at <= now {
        return Ok(Err("the link this message carries expired before the message could be sent"));
    }
    let secret = random_secret(32);
    sign_in_link::Entity::update_many()
        .col_expr(sign_in_link::Column::TokenHash, Expr::value(sha256_hex(&secret)))
        .filter(sign_in_link::Column::Id.eq(link.id))
        .exec(db)
        .await?;
    Ok(Ok((link, secret)))
}

/// What a secret from a URL stands for.
pub enum Found {
    Usable(sign_in_link::Model, user::Model),
    Used(sign_in_link::Model, user::Model),
    Expired(sign_in_link::Model, user::Model),
    /// Unknown, malformed, or its account is inactive or gone.
    Invalid,
}

pub async fn find(db: &impl ConnectionTrait, now: DateTime<Utc>, secret: &str) -> Result<Found> {
    let secret = secret.trim();
    if secret.is_empty() || secret.len() > MAX_SECRET_LEN || !secret.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Ok(Found::Invalid);
    }
    let Some(link) = sign_in_link::Entity::find().filter(sign_in_link::Column::TokenHash.eq(sha256_hex(secret))).one(db).await? else {
        return Ok(Found::Invalid);
    };
    let Some(person) = user::Entity::find_by_id(link.user_id).one(db).await?.filter(|person| person.active) else {
        return Ok(Found::Invalid);
    };
    Ok(if link.used {
        Found::Used(link, person)
    } else if link.expires_at <= now {
        Found::Expired(link, person)
    } else {
        Found::Usable(link, person)
    })
}

/// Uses the link up; false when it was used (or expired) in the meantime,
/// e.g. by a second click racing the first.
pub async fn consume(db: &impl ConnectionTrait, now: DateTime<Utc>, link_id: i32) -> Result<bool> {
    let done = sign_in_link::Entity::update_many()
        .col_expr(sign_in_link::Column::Used, Expr::value(true))
        .filter(sign_in_link::Column::Id.eq(link_id))
        .filter(sign_in_link::Column::Used.eq(false))
        .filter(sign_in_link::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Active people with no password who have never signed in: no link used,
/// no session open, no single sign-on identity. The people "Invite everyone
/// without access" and `herald invite --all-pending` mean.
pub fn pending_condition() -> Condition {
    let used_links = Query::select().column(sign_in_link::Column::UserId).from(sign_in_link::Entity).and_where(sign_in_link::Column::Used.eq(true)).to_owned();
    let sessions = Query::select().column(session::Column::UserId).from(session::Entity).to_owned();
    let single_sign_on = Query::select().column(crate::entities::oidc_identity::Column::UserId).from(crate::entities::oidc_identity::Entity).to_owned();
    Condition::all()
        .add(user::Column::Active.eq(true))
        .add(user::Column::PasswordHash.is_null())
        .add(user::Column::Id.not_in_subquery(used_links))
        .add(user::Column::Id.not_in_subquery(sessions))
        .add(user::Column::Id.not_in_subquery(single_sign_on))
}

/// Of `user_ids`, those who have no access yet (see [`pending_condition`]).
pub async fn pending_among(db: &impl ConnectionTrait, user_ids: &[i32]) -> Result<std::collections::HashSet<i32>> {
    let mut found = std::collections::HashSet::new();
    for chunk in user_ids.chunks(500) {
        let ids: Vec<i32> = user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .filter(pending_condition())
            .filter(user::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(ids);
    }
    Ok(found)
}

/// Ends a person's unused invitations now, so a new one can replace them:
/// a message still waiting in the outbox is then not sent (see [`mint`]).
pub async fn withdraw_invitations(db: &impl ConnectionTrait, now: DateTime<Utc>, user_id: i32) -> Result<u64> {
    let done = sign_in_link::Entity::update_many()
        .col_expr(sign_in_link::Column::ExpiresAt, Expr::value(now))
        .filter(sign_in_link::Column::UserId.eq(user_id))
        .filter(sign_in_link::Column::Purpose.eq(Purpose::Invitation))
        .filter(sign_in_link::Column::Used.eq(false))
        .filter(sign_in_link::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Of `user_ids`, those holding an unused invitation that still works.
pub async fn with_live_invitation(db: &impl ConnectionTrait, now: DateTime<Utc>, user_ids: &[i32]) -> Result<std::collections::HashSet<i32>> {
    let mut found = std::collections::HashSet::new();
    for chunk in user_ids.chunks(500) {
        let ids: Vec<i32> = sign_in_link::Entity::find()
            .select_only()
            .column(sign_in_link::Column::UserId)
            .filter(sign_in_link::Column::Purpose.eq(Purpose::Invitation))
            .filter(sign_in_link::Column::Used.eq(false))
            .filter(sign_in_link::Column::ExpiresAt.gt(now))
            .filter(sign_in_link::Column::UserId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(ids);
    }
    Ok(found)
}
