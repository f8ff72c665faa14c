//! The `webhook_deliveries` queue. A delivery moves
//! `pending → delivering (claimed; next_attempt_at is the lease's end) →
//! delivered | pending (retry later) | failed`. Every change is a conditional
//! update and the attempt count fences it, so two workers (or two servers)
//! never both own a delivery, and a worker whose lease ran out cannot
//! overwrite the outcome of the one that took over.

use std::collections::HashMap;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Statement,
};
use serde_json::{json, Value};

use super::subscriptions;
use crate::entities::{webhook, webhook_delivery as delivery};
use crate::error::Result;

pub const PENDING: &str = "pending";
pub const DELIVERING: &str = "delivering";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";

/// Queues `event` for every active webhook subscribed to it, in the caller's
/// transaction. Cheap when no webhook wants the event: no query at all.
pub async fn enqueue(db: &impl ConnectionTrait, event: &str, payload: Value) -> Result<()> {
    if !subscriptions::may_want(event) {
        return Ok(());
    }
    let now = Utc::now();
    let rows = Query::select()
        .column(webhook::Column::Id)
        .exprs([Expr::val(event), Expr::val(payload.to_string()), Expr::val(PENDING), Expr::val(0), Expr::val(now), Expr::val(now)])
        .from(webhook::Entity)
        .and_where(webhook::Column::Active.eq(true))
        .and_where(Expr::expr(Expr::cust("(',' || events || ',')")).like(format!("%,{event},%")))
        .to_owned();
    let insert = Query::insert()
        .into_table(delivery::Entity)
        .columns([
            delivery::Column::WebhookId,
            delivery::Column::Event,
            delivery::Column::Payload,
            delivery::Column::Status,
            delivery::Column::Attempts,
            delivery::Column::NextAttemptAt,
            delivery::Column::CreatedAt,
        ])
        .select_from(rows)
        .map_err(anyhow::Error::from)?
        .to_owned();
    let inserted = db.execute(db.get_database_backend().build(&insert)).await?;
    if inserted.rows_affected() > 0 {
        // Usually before the caller commits; the worker's poll catches what it misses.
        subscriptions::wake();
    }
    Ok(())
}

/// Queues `event` for one webhook, whatever it subscribes to (the test event).
pub async fn enqueue_to(db: &impl ConnectionTrait, webhook_id: i32, event: &str, payload: Value) -> Result<i64> {
    let now = Utc::now();
    let inserted = delivery::Entity::insert(delivery::ActiveModel {
        webhook_id: Set(webhook_id),
        event: Set(event.into()),
        payload: Set(payload.to_string()),
        status: Set(PENDING.into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    subscriptions::wake();
    Ok(inserted.last_insert_id)
}

/// The JSON body the receiver gets; the same bytes on every attempt.
pub fn body(delivery: &delivery::Model) -> Vec<u8> {
    let data: Value = serde_json::from_str(&delivery.payload).unwrap_or(Value::Null);
    let body = json!({
        "id": delivery.id,
        "event": delivery.event,
        "occurred_at": delivery.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "data": data,
    });
    body.to_string().into_bytes()
}

/// Claims up to `limit` due deliveries of active webhooks: pending ones whose
/// time has come and claimed ones whose lease ran out. Each claim counts as an attempt.
pub async fn claim(db: &DatabaseConnection, lease: Duration, limit: u64) -> Result<Vec<delivery::Model>> {
    let now = Utc::now();
    // An idle server polls often: look before taking the write lock.
    let active = Query::select().column(webhook::Column::Id).from(webhook::Entity).and_where(webhook::Column::Active.eq(true)).to_owned();
    let due = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::Id)
        .filter(delivery::Column::Status.is_in([PENDING, DELIVERING]))
        .filter(delivery::Column::NextAttemptAt.lte(now))
        .filter(delivery::Column::WebhookId.in_subquery(active))
        .into_tuple::<i64>()
        .one(db)
        .await?;
    if due.is_none() {
        return Ok(vec![]);
    }
    let backend = db.get_database_backend();
    let postgres = backend == DatabaseBackend::Postgres;
    // PostgreSQL: rows another server is claiming right now are skipped, not waited for.
    let (lock, p) = if postgres { ("FOR UPDATE OF d SKIP LOCKED", ["$1", "$2", "$3", "$4"]) } else { ("", ["?"; 4]) };
    let sql = format!(
        "UPDATE webhook_deliveries SET status = '{DELIVERING}', attempts = attempts + 1, next_attempt_at = {} \
         WHERE id IN (SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
           WHERE d.status IN ('{PENDING}', '{DELIVERING}') AND d.next_attempt_at <= {} AND w.active = {} \
           ORDER BY d.id LIMIT {} {lock}) \
         RETURNING id",
        p[0], p[1], p[2], p[3],
    );
    let values: Vec<sea_orm::Value> = vec![(now + lease).into(), now.into(), true.into(), (limit as i64).into()];
    let rows = db.query_all(Statement::from_sql_and_values(backend, sql, values)).await?;
    let ids: Vec<i64> = rows.iter().filter_map(|row| row.try_get::<i64>("", "id").ok()).collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut claimed = delivery::Entity::find().filter(delivery::Column::Id.is_in(ids)).all(db).await?;
    claimed.sort_by_key(|d| d.id);
    Ok(claimed)
}

/// Only the claim that made this attempt may record its outcome.
fn still_ours(claimed: &delivery::Model) -> sea_orm::UpdateMany<delivery::Entity> {
    delivery::Entity::update_many()
        .filter(delivery::Column::Id.eq(claimed.id))
        .filter(delivery::Column::Status.eq(DELIVERING))
        .filter(delivery::Column::Attempts.eq(claimed.attempts))
}

/// The receiver answered 2xx.
pub async fn delivered(db: &DatabaseConnection, claimed: &delivery::Model, status: u16) -> Result<()> {
    still_ours(claimed)
        .col_expr(delivery::Column::Status, Expr::value(DELIVERED))
        .col_expr(delivery::Column::DeliveredAt, Expr::value(Some(Utc::now())))
        .col_expr(delivery::Column::LastStatus, Expr::value(Some(status as i32)))
        .col_expr(delivery::Column::LastError, Expr::value(Option::<String>::None))
        .exec(db)
        .await?;
    Ok(())
}

/// The attempt failed: pending again until `retry_at`, or failed for good.
pub async fn attempt_failed(
    db: &DatabaseConnection,
    claimed: &delivery::Model,
    status: Option<u16>,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<()> {
    let error: String = error.chars().take(500).collect();
    let mut update = still_ours(claimed)
        .col_expr(delivery::Column::Status, Expr::value(if retry_at.is_some() { PENDING } else { FAILED }))
        .col_expr(delivery::Column::LastStatus, Expr::value(status.map(i32::from)))
        .col_expr(delivery::Column::LastError, Expr::value(Some(error)));
    if let Some(at) = retry_at {
        update = update.col_expr(delivery::Column::NextAttemptAt, Expr::value(at));
    }
    update.exec(db).await?;
    Ok(())
}

/// Makes the webhook's waiting and failed deliveries due now; each failed one
/// gets one more attempt. Returns how many.
pub async fn retry_now(db: &DatabaseConnection, webhook_id: i32) -> Result<u64> {
    let result = delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value(PENDING))
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(Utc::now()))
        .filter(delivery::Column::WebhookId.eq(webhook_id))
        .filter(delivery::Column::Status.is_in([PENDING, FAILED]))
        .exec(db)
        .await?;
    subscriptions::wake();
    Ok(result.rows_affected)
}

/// Deliveries per webhook and status created since `since`.
pub async fn counts_since(db: &DatabaseConnection, since: DateTime<Utc>) -> Result<HashMap<(i32, String), i64>> {
    let rows = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::WebhookId)
        .column(delivery::Column::Status)
        .column_as(delivery::Column::Id.count(), "n")
        .filter(delivery::Column::CreatedAt.gte(since))
        .group_by(delivery::Column::WebhookId)
        .group_by(delivery::Column::Status)
        .into_tuple::<(i32, String, i64)>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(webhook, status, n)| ((webhook, status), n)).collect())
}

/// Each webhook's latest delivery whose last attempt failed.
pub async fn last_errors(db: &DatabaseConnection) -> Result<HashMap<i32, delivery::Model>> {
    let latest = delivery::Entity::find()
        .select_only()
        .column_as(delivery::Column::Id.max(), "id")
        .filter(delivery::Column::LastError.is_not_null())
        .group_by(delivery::Column::WebhookId)
        .into_tuple::<i64>()
        .all(db)
        .await?;
    if latest.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = delivery::Entity::find().filter(delivery::Column::Id.is_in(latest)).all(db).await?;
    Ok(rows.into_iter().map(|row| (row.webhook_id, row)).collect())
}
