//! The `attestations` table's one owner: recording a confirmation (never
//! changing or removing one: the database refuses that too) and reading them.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use serde_json::json;

use crate::entities::acknowledgement_person as person;
use crate::entities::acknowledgement_request::{self as request, RequestStatus};
use crate::entities::attestation::{self, Channel};
use crate::error::{AppError, Result};

/// The longest answer to a request's question.
const MAX_ANSWER: usize = 2_000;

/// What a confirmation did.
pub enum Confirmed {
    /// Recorded now.
    New(attestation::Model),
    /// They had confirmed before: that evidence stands, nothing is added.
    Already(attestation::Model),
}

impl Confirmed {
    pub fn attestation(&self) -> &attestation::Model {
        match self {
            Confirmed::New(model) | Confirmed::Already(model) => model,
        }
    }
}

/// Records that `person` read the request's version, by `channel`, with the
/// webhook event in the same transaction. Only an open request can be
/// confirmed, and only by someone it asks who has not left.
pub async fn confirm(db: &DatabaseConnection, model: &request::Model, person: &person::Model, channel: Channel, answer: &str, now: DateTime<Utc>) -> Result<Confirmed> {
    if let Some(existing) = of(db, model.id, person.user_id).await? {
        return Ok(Confirmed::Already(existing));
    }
    if model.status != RequestStatus::Open {
        return Err(AppError::Conflict("This request is no longer open: it was closed or replaced by a request for a newer version.".into()));
    }
    let answer = answer.trim();
    if answer.chars().count() > MAX_ANSWER {
        return Err(AppError::Unprocessable(format!("The answer is longer than {MAX_ANSWER} characters.")));
    }
    let active = crate::entities::user::Entity::find_by_id(person.user_id).one(db).await?.is_some_and(|user| user.active);
    if !active {
        return Err(AppError::Forbidden);
    }
    let txn = db.begin().await?;
    let inserted = attestation::ActiveModel {
        request_id: Set(model.id),
        user_id: Set(person.user_id),
        name: Set(person.name.clone()),
        email: Set(person.email.clone()),
        collateral_id: Set(model.collateral_id),
        collateral_version: Set(model.collateral_version),
        text_sha256: Set(model.text_sha256.clone()),
        channel: Set(channel),
        answer: Set(answer.to_owned()),
        confirmed_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let row = match inserted {
        Ok(row) => row,
        // A second click racing the first: the unique index kept one.
        Err(err) => {
            txn.rollback().await?;
            return match of(db, model.id, person.user_id).await? {
                Some(existing) => Ok(Confirmed::Already(existing)),
                None => Err(err.into()),
            };
        }
    };
    crate::webhooks::enqueue(&txn, super::WEBHOOK_EVENT, payload(&row)).await?;
    txn.commit().await?;
    Ok(Confirmed::New(row))
}

/// The webhook event's body.
fn payload(row: &attestation::Model) -> serde_json::Value {
    json!({
        "request_id": row.request_id,
        "collateral_id": row.collateral_id,
        "version": row.collateral_version,
        "text_sha256": row.text_sha256,
        "email": row.email,
        "name": row.name,
        "channel": row.channel.as_str(),
        "confirmed_at": row.confirmed_at,
    })
}

pub async fn of(db: &impl ConnectionTrait, request_id: i32, user_id: i32) -> Result<Option<attestation::Model>> {
    Ok(attestation::Entity::find().filter(attestation::Column::RequestId.eq(request_id)).filter(attestation::Column::UserId.eq(user_id)).one(db).await?)
}

/// A request's attestations, oldest first.
pub async fn of_request(db: &impl ConnectionTrait, request_id: i32) -> Result<Vec<attestation::Model>> {
    Ok(attestation::Entity::find().filter(attestation::Column::RequestId.eq(request_id)).order_by_asc(attestation::Column::ConfirmedAt).order_by_asc(attestation::Column::Id).all(db).await?)
}

/// One person's attestations, newest first ("My attestations").
pub async fn of_user(db: &impl ConnectionTrait, user_id: i32) -> Result<Vec<attestation::Model>> {
    Ok(attestation::Entity::find().filter(attestation::Column::UserId.eq(user_id)).order_by_desc(attestation::Column::ConfirmedAt).order_by_desc(attestation::Column::Id).all(db).await?)
}
