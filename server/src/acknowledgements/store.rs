//! The `acknowledgement_requests` and `acknowledgement_people` tables' one
//! owner: storing a request, opening and closing it, and who it asks.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, Statement};

use super::model::RequestInput;
use crate::entities::acknowledgement_request::{self as request, RequestStatus};
use crate::entities::acknowledgement_person as person;
use crate::error::{AppError, Result};

/// The version a request names, with the hash of its stored text.
pub struct PinnedVersion {
    pub collateral_id: i32,
    pub version: i32,
    pub text_sha256: String,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    input: &RequestInput,
    pinned: &PinnedVersion,
    statement: String,
    announcement_id: i32,
    supersedes_id: Option<i32>,
    created_by: i32,
    now: DateTime<Utc>,
) -> Result<request::Model> {
    Ok(request::ActiveModel {
        collateral_id: Set(pinned.collateral_id),
        collateral_version: Set(pinned.version),
        text_sha256: Set(pinned.text_sha256.clone()),
        announcement_id: Set(Some(announcement_id)),
        audience: Set(serde_json::to_string(&input.audience).map_err(anyhow::Error::from)?),
        due_date: Set(input.due_date),
        statement: Set(statement),
        question: Set(input.question.clone()),
        status: Set(RequestStatus::Draft),
        supersedes_id: Set(supersedes_id),
        remind_every_days: Set(input.cadence.every_days),
        remind_days_before: Set(input.cadence.days_before),
        escalate_to_manager: Set(input.cadence.escalate_to_manager),
        created_by: Set(created_by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<request::Model> {
    request::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)
}

pub async fn by_announcement(db: &impl ConnectionTrait, announcement_id: i32) -> Result<Option<request::Model>> {
    Ok(request::Entity::find().filter(request::Column::AnnouncementId.eq(announcement_id)).one(db).await?)
}

/// Newest first; `statuses` empty: all.
pub async fn list(db: &impl ConnectionTrait, statuses: &[RequestStatus]) -> Result<Vec<request::Model>> {
    let mut query = request::Entity::find().order_by_desc(request::Column::Id);
    if !statuses.is_empty() {
        query = query.filter(request::Column::Status.is_in(statuses.iter().copied()));
    }
    Ok(query.all(db).await?)
}

/// The request's audience as it was asked (announcements' JSON shape).
pub fn audience_of(model: &request::Model) -> crate::spotlights::model::Audience {
    serde_json::from_str(&model.audience).unwrap_or_default()
}

/// Records who the sent announcement reached, then opens the request, in one
/// transaction. Idempotent: a second call (another server, or the repair
/// pass after a crash) adds nobody twice and opens nothing twice.
pub async fn open(db: &sea_orm::DatabaseConnection, model: &request::Model, now: DateTime<Utc>) -> Result<bool> {
    use sea_orm::TransactionTrait;
    let Some(announcement_id) = model.announcement_id else { return Ok(false) };
    let txn = db.begin().await?;
    let opened = request::Entity::update_many()
        .col_expr(request::Column::Status, Expr::value(RequestStatus::Open.as_str()))
        .col_expr(request::Column::SentAt, Expr::value(now))
        .filter(request::Column::Id.eq(model.id))
        .filter(request::Column::Status.eq(RequestStatus::Draft))
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if opened {
        let backend = txn.get_database_backend();
        let (p1, p2) = if backend == sea_orm::DatabaseBackend::Postgres { ("$1", "$2") } else { ("?1", "?2") };
        let sql = format!(
            "INSERT INTO acknowledgement_people (request_id, user_id, recipient_id, name, email, department, location, manager_email) \
             SELECT {p1}, r.user_id, r.id, r.name, r.email, r.department, r.location, u.manager_email \
             FROM recipients r JOIN users u ON u.id = r.user_id \
             WHERE r.announcement_id = {p2} AND r.skip_reason IS NULL \
             ON CONFLICT DO NOTHING"
        );
        txn.execute(Statement::from_sql_and_values(backend, sql, [model.id.into(), announcement_id.into()])).await?;
    }
    txn.commit().await?;
    Ok(opened)
}

/// Closes an open (or draft) request: nobody is reminded any more; its evidence stays.
pub async fn close(db: &impl ConnectionTrait, id: i32, now: DateTime<Utc>) -> Result<bool> {
    let result = request::Entity::update_many()
        .col_expr(request::Column::Status, Expr::value(RequestStatus::Closed.as_str()))
        .col_expr(request::Column::ClosedAt, Expr::value(now))
        .filter(request::Column::Id.eq(id))
        .filter(request::Column::Status.is_in([RequestStatus::Draft, RequestStatus::Open]))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn person_by_recipient(db: &impl ConnectionTrait, recipient_id: i32) -> Result<Option<person::Model>> {
    Ok(person::Entity::find().filter(person::Column::RecipientId.eq(recipient_id)).one(db).await?)
}

pub async fn person_in(db: &impl ConnectionTrait, request_id: i32, user_id: i32) -> Result<Option<person::Model>> {
    Ok(person::Entity::find().filter(person::Column::RequestId.eq(request_id)).filter(person::Column::UserId.eq(user_id)).one(db).await?)
}

/// Everyone a request asks, in name order.
pub async fn people(db: &impl ConnectionTrait, request_id: i32) -> Result<Vec<person::Model>> {
    Ok(person::Entity::find()
        .filter(person::Column::RequestId.eq(request_id))
        .order_by_asc(person::Column::Name)
        .order_by_asc(person::Column::Id)
        .all(db)
        .await?)
}

/// The open requests that ask `user_id`.
pub async fn open_requests_of(db: &impl ConnectionTrait, user_id: i32) -> Result<Vec<request::Model>> {
    let asked: Vec<i32> = person::Entity::find()
        .filter(person::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.request_id)
        .collect();
    if asked.is_empty() {
        return Ok(vec![]);
    }
    Ok(request::Entity::find()
        .filter(request::Column::Id.is_in(asked))
        .filter(request::Column::Status.eq(RequestStatus::Open))
        .order_by_asc(request::Column::DueDate)
        .order_by_asc(request::Column::Id)
        .all(db)
        .await?)
}
