//! The outbox table's state changes. A message moves
//! `queued → sending (claimed, with a lease) → handover (just before the
//! final dot) → sent | queued (retry) | failed`, and later perhaps
//! `sent → bounced`. Only `sending` leases can be taken over by another
//! server: a `handover` message is settled by the server that handed it over.
//! Every change is a conditional update, so two workers (or two servers) can
//! never both own a message.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter, Statement};

use crate::entities::outbox;
use crate::error::Result;

/// The statuses of a message not yet delivered, failed or cancelled: HR sees
/// them as "queued", and an announcement is not complete while any is left.
pub const PENDING: [&str; 3] = ["queued", "sending", "handover"];

/// Claims up to `limit` due messages for `worker`: queued ones whose time
/// has come by `now` (a message held for its recipient's sending window is
/// not due before the window opens) and ones whose previous owner's lease
/// ran out. Announcement messages are only due while their announcement is
/// sending (so pause and cancel take effect at once).
pub async fn claim(db: &DatabaseConnection, worker: &str, now: DateTime<Utc>, lease: Duration, limit: u64, look_first: bool) -> Result<Vec<outbox::Model>> {
    // An idle server polls often: look before taking the write lock.
    if look_first && !any_due(db, now).await? {
        return Ok(vec![]);
    }
    claim_due(db, worker, now, lease, limit).await
}

async fn any_due(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<bool> {
    let due = outbox::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(outbox::Column::Status.eq("queued").and(outbox::Column::NextAttemptAt.lte(now)))
                .add(outbox::Column::Status.eq("sending").and(outbox::Column::LockedUntil.lt(now))),
        )
        .one(db)
        .await?;
    Ok(due.is_some())
}

/// Expired leases first (few: at most what crashed servers held), then
/// queued messages in due order. The queued claim reads the due index in
/// order and stops after `limit` rows; a single statement for both kinds
/// (an `OR`) had to sort every queued message on each claim, which made a
/// blast's claims quadratic in its size.
async fn claim_due(db: &DatabaseConnection, worker: &str, now: DateTime<Utc>, lease: Duration, limit: u64) -> Result<Vec<outbox::Model>> {
    // Not this server's own: those are still being worked through by a sibling
    // sender (a long batch can outlive its lease); what a previous run of this
    // server left in `sending` was requeued by `recover` at start.
    let mut ids = claim_where(db, worker, now, lease, limit, "o.status = 'sending' AND o.locked_until < {now} AND o.locked_by <> {worker}", "o.id").await?;
    if (ids.len() as u64) < limit {
        let queued = claim_where(db, worker, now, lease, limit - ids.len() as u64, "o.status = 'queued' AND o.next_attempt_at <= {now}", "o.next_attempt_at, o.id").await?;
        ids.extend(queued);
    }
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut claimed = outbox::Entity::find().filter(outbox::Column::Id.is_in(ids)).all(db).await?;
    claimed.sort_by_key(|m| (m.next_attempt_at, m.id));
    Ok(claimed)
}

/// Claims up to `limit` messages matching `due` (which may use `{now}` and `{worker}`), taken in `order`.
async fn claim_where(db: &DatabaseConnection, worker: &str, now: DateTime<Utc>, lease: Duration, limit: u64, due: &str, order: &str) -> Result<Vec<i32>> {
    let backend = db.get_database_backend();
    // PostgreSQL: rows another server is claiming right now are skipped, not waited for.
    let lock = if backend == DatabaseBackend::Postgres { "FOR UPDATE OF o SKIP LOCKED" } else { "" };
    let (p1, p2, p3, p4) = match backend {
        DatabaseBackend::Postgres => ("$1", "$2", "$3", "$4"),
        _ => ("?1", "?2", "?3", "?4"),
    };
    let due = due.replace("{now}", p3).replace("{worker}", p1);
    let sql = format!(
        "UPDATE outbox SET status = 'sending', locked_by = {p1}, locked_until = {p2}, attempts = attempts + 1 \
         WHERE id IN (SELECT o.id FROM outbox o LEFT JOIN announcements a ON a.id = o.announcement_id \
           WHERE {due} AND (o.kind <> 'announcement' OR a.status = 'sending') \
           ORDER BY {order} LIMIT {p4} {lock}) \
         RETURNING id"
    );
    let values: Vec<sea_orm::Value> = vec![worker.into(), (now + lease).into(), now.into(), (limit as i64).into()];
    let rows = db.query_all(Statement::from_sql_and_values(backend, sql, values)).await?;
    Ok(rows.iter().filter_map(|row| row.try_get::<i32>("", "id").ok()).collect())
}

/// Records messages as sent: after the server's "250" (from `handover`), or,
/// for `.eml` files, once the file is in place (from `sending`).
pub async fn mark_all_sent(db: &DatabaseConnection, ids: &[i32], worker: &str, from: &str) -> Result<u64> {
    let result = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("sent"))
        .col_expr(outbox::Column::SentAt, Expr::value(Utc::now()))
        .col_expr(outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(outbox::Column::Id.is_in(ids.to_vec()))
        .filter(outbox::Column::Status.eq(from))
        .filter(outbox::Column::LockedBy.eq(worker))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Settles this server's messages left in `handover` by a crash: the ones in
/// its journal had their dot written (sent); the others never did (queued).
/// Its messages left in `sending` go back to the queue too. Runs before this
/// server's senders start.
pub async fn recover(db: &DatabaseConnection, worker: &str, journaled: &[i32]) -> Result<(u64, u64)> {
    let pending = || outbox::Entity::update_many().filter(outbox::Column::Status.eq("handover")).filter(outbox::Column::LockedBy.eq(worker));
    let mut sent = 0;
    for chunk in journaled.chunks(500) {
        sent += pending()
            .col_expr(outbox::Column::Status, Expr::value("sent"))
            .col_expr(outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(outbox::Column::Id.is_in(chunk.to_vec()))
            .exec(db)
            .await?
            .rows_affected;
    }
    let requeued = pending()
        .col_expr(outbox::Column::Status, Expr::value("queued"))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(Utc::now()))
        .col_expr(outbox::Column::SentAt, Expr::value(Option::<DateTime<Utc>>::None))
        .exec(db)
        .await?
        .rows_affected;
    // Claimed by that run and not yet handed over: nothing of them went out.
    let unsent = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("queued"))
        .col_expr(outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(Utc::now()))
        .filter(outbox::Column::Status.eq("sending"))
        .filter(outbox::Column::LockedBy.eq(worker))
        .exec(db)
        .await?
        .rows_affected;
    Ok((sent, requeued + unsent))
}

/// Gives a claimed message back to the queue untouched: its announcement was
/// paused. (A cancel has already moved claimed messages to `cancelled`.)
pub async fn release(db: &DatabaseConnection, id: i32, worker: &str) -> Result<()> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("queued"))
        .col_expr(outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox::Column::Attempts, Expr::col(outbox::Column::Attempts).sub(1))
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::Status.eq("sending"))
        .filter(outbox::Column::LockedBy.eq(worker))
        .exec(db)
        .await?;
    Ok(())
}

/// After a failure: back to the queue with a later time, or failed for good.
/// The message may still be `sending`, or already `handover` when the failure
/// came after (or while) the gate recorded it; either way it was this worker's.
pub async fn reschedule(
    db: &DatabaseConnection,
    message: &outbox::Model,
    worker: &str,
    reply: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<()> {
    let status = if retry_at.is_some() { "queued" } else { "failed" };
    let reply: String = reply.chars().take(1000).collect();
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(status))
        .col_expr(outbox::Column::LastReply, Expr::value(Some(reply)))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(retry_at.unwrap_or_else(Utc::now)))
        .col_expr(outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox::Column::SentAt, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(outbox::Column::Id.eq(message.id))
        .filter(outbox::Column::Status.is_in(["sending", "handover"]))
        .filter(outbox::Column::LockedBy.eq(worker))
        .exec(db)
        .await?;
    Ok(())
}

/// When to try again after `attempts` tries: base × 2^(attempts−1), at most an hour.
pub fn backoff(base_seconds: u64, attempts: i32) -> Duration {
    let exponent = attempts.clamp(1, 16) as u32 - 1;
    let seconds = base_seconds.saturating_mul(1u64 << exponent).min(3600);
    Duration::seconds(seconds as i64)
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(30, 1).num_seconds(), 30);
        assert_eq!(backoff(30, 2).num_seconds(), 60);
        assert_eq!(backoff(30, 4).num_seconds(), 240);
        assert_eq!(backoff(30, 30).num_seconds(), 3600);
    }
}
