//! The undo window: "Send" does not send at once. The spotlight is scheduled
//! for a few seconds later (`countdown_until` marks it as a countdown, not a
//! schedule HR chose) and until then "Undo" takes it back to draft. Nothing is
//! queued before the window ends, so an undo leaves no message anywhere. The
//! scheduler starts it on time, on whichever server gets there first.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};

use super::audit::{self, AuditAction};
use super::model::Status;
use super::service::{audience_of, find};
use super::window::SendWindow;
use super::{audience, review, sending};
use crate::entities::announcement;
use crate::error::{AppError, Result};

/// What pressing "Send" did.
pub enum Started {
    /// Queued at once (no undo window configured).
    Sending,
    /// Starts at this moment unless undone before.
    Countdown(DateTime<Utc>),
}

/// Who pressed "Send", when by the clock, and what they chose.
pub struct Press<'a> {
    pub by: i32,
    pub now: DateTime<Utc>,
    /// The number of recipients typed back, if asked.
    pub typed: Option<u64>,
    /// When each recipient gets it; `None`: as soon as it starts.
    pub window: Option<&'a SendWindow>,
}

/// The guards before the window: approval, and above `confirm_over`
/// recipients the number typed back; then the undo window.
pub async fn press_send(db: &DatabaseConnection, id: i32, press: Press<'_>, rules: &SendGuards, host: &str) -> Result<Started> {
    let Press { by, now, typed, window } = press;
    let model = find(db, id).await?;
    if !Status::parse(&model.status).is_editable() {
        return Err(AppError::Conflict(format!("This announcement is {}; only a draft or scheduled one can be sent.", model.status)));
    }
    let count = audience::resolve(db, &audience_of(&model)).await?.recipients.len() as u64;
    review::check_before_send(db, &model, count).await?;
    if count > rules.confirm_over && typed != Some(count) {
        return Err(AppError::Unprocessable(format!(
            "This spotlight goes to {count} people. Type the number of recipients ({count}) to confirm you mean to send it to all of them."
        )));
    }
    super::service::set_window(db, id, window).await?;
    if rules.undo_seconds == 0 {
        sending::start_sending_as(db, id, host, Some(by)).await?;
        return Ok(Started::Sending);
    }
    let at = now + Duration::seconds(rules.undo_seconds as i64);
    let txn = db.begin().await?;
    let moved = announcement::Entity::update_many()
        .col_expr(announcement::Column::Status, Expr::value(Status::Scheduled.as_str()))
        .col_expr(announcement::Column::ScheduledAt, Expr::value(at))
        .col_expr(announcement::Column::CountdownUntil, Expr::value(at))
        .filter(announcement::Column::Id.eq(id))
        .filter(announcement::Column::Status.is_in([Status::Draft.as_str(), Status::Scheduled.as_str()]))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(AppError::Conflict("This announcement is no longer a draft.".into()));
    }
    audit::record(&txn, id, Some(by), AuditAction::Countdown, &format!("starts {}", at.format("%H:%M:%S UTC"))).await?;
    txn.commit().await?;
    Ok(Started::Countdown(at))
}

/// Calls the send off within its window: back to draft, nothing queued.
pub async fn undo(db: &DatabaseConnection, id: i32, by: i32) -> Result<()> {
    let txn = db.begin().await?;
    let moved = announcement::Entity::update_many()
        .col_expr(announcement::Column::Status, Expr::value(Status::Draft.as_str()))
        .col_expr(announcement::Column::ScheduledAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(announcement::Column::CountdownUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(announcement::Column::Id.eq(id))
        .filter(announcement::Column::Status.eq(Status::Scheduled.as_str()))
        .filter(announcement::Column::CountdownUntil.is_not_null())
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(AppError::Conflict("Too late to undo: sending has started (pause or cancel it instead).".into()));
    }
    audit::record(&txn, id, Some(by), AuditAction::Undone, "").await?;
    txn.commit().await?;
    Ok(())
}

/// The settings "Send" obeys (`[sending]` in `herald.toml`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendGuards {
    /// Seconds between "Send" and the start; 0 sends at once.
    pub undo_seconds: u64,
    /// Above this many recipients the sender types the number to confirm.
    pub confirm_over: u64,
}

impl Default for SendGuards {
    fn default() -> Self {
        SendGuards { undo_seconds: 30, confirm_over: 500 }
    }
}
