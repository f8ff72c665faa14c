//! A new version HR marks as material: the same audience is asked again
//! for the item's current version. The earlier request closes; its
//! attestations stay valid for the version they name.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::model::{Cadence, RawRequest};
use super::{sending, store};
use crate::entities::acknowledgement_request::{self as request, RequestStatus};
use crate::error::{AppError, Result};

/// Asks `previous`'s audience again for the item's current version, due on
/// `due_date` (`YYYY-MM-DD`; empty: as many days after today as the first
/// request gave), and sends it at once.
pub async fn ask_again(db: &DatabaseConnection, previous: &request::Model, created_by: i32, due_date: &str, host: &str, now: DateTime<Utc>) -> Result<request::Model> {
    let item = crate::library::service::find_by_id(db, previous.collateral_id).await?;
    if item.version <= previous.collateral_version {
        return Err(AppError::Conflict(format!("“{}” has no version newer than {}; there is nothing new to confirm.", item.title, previous.collateral_version)));
    }
    if previous.status == RequestStatus::Draft {
        return Err(AppError::Conflict("This request was never sent; edit and send a new one instead.".into()));
    }
    let due_date = if due_date.trim().is_empty() {
        let sent = previous.sent_at.unwrap_or(previous.created_at).date_naive();
        (now.date_naive() + (previous.due_date - sent)).to_string()
    } else {
        due_date.trim().to_owned()
    };
    // The default statement names the version: it is written afresh for the new one.
    let default = super::model::default_statement(&item.title, previous.collateral_version);
    let statement = if previous.statement == default { String::new() } else { previous.statement.clone() };
    let raw = RawRequest {
        collateral_id: previous.collateral_id,
        audience: store::audience_of(previous),
        due_date,
        statement,
        question: previous.question.clone(),
        cadence: Cadence { every_days: previous.remind_every_days, days_before: previous.remind_days_before, escalate_to_manager: previous.escalate_to_manager },
    };
    let input = raw.parse(now.date_naive()).map_err(|errors| AppError::Unprocessable(errors.join(" ")))?;
    let model = sending::create(db, created_by, input, Some(previous.id), now).await?;
    sending::send(db, &model, host, now).await?;
    store::close(db, previous.id, now).await?;
    store::find(db, model.id).await
}
