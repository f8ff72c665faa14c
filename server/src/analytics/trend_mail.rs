//! Trend reports by email: each HR lead's choice (weekly, monthly or not
//! at all) and the task that queues each report once per period.
//!
//! Every server runs the task. Sending a period is claimed by a
//! conditional update of the subscription row (its last period moves
//! forward only if it has not already), in the same transaction as the
//! outbox row, so a restart or a second server never sends it twice and a
//! crash never loses it.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use std::sync::Arc;
use tokio::sync::watch;
use tracing::Instrument;

use super::trend_period::{Frequency, Period};
use super::trends::{self, Ranking};
use crate::auth::Role;
use crate::config::Config;
use crate::delivery::Mailer;
use crate::entities::{trend_subscription as subscription, user};
use crate::error::Result;

/// How often the task looks for reports due.
const CHECK: Duration = Duration::from_secs(300);

/// The frequency `user_id` chose, if any.
pub async fn chosen(db: &DatabaseConnection, user_id: i32) -> Result<Option<Frequency>> {
    let row = subscription::Entity::find().filter(subscription::Column::UserId.eq(user_id)).one(db).await?;
    Ok(row.and_then(|row| Frequency::parse(&row.frequency)))
}

/// Saves a lead's choice; `None` stops the emails. A new choice starts
/// with the last complete period, sent at the next check.
pub async fn choose(db: &DatabaseConnection, user_id: i32, frequency: Option<Frequency>) -> Result<()> {
    let Some(frequency) = frequency else {
        subscription::Entity::delete_many().filter(subscription::Column::UserId.eq(user_id)).exec(db).await?;
        return Ok(());
    };
    if chosen(db, user_id).await? == Some(frequency) {
        return Ok(());
    }
    let now = Utc::now();
    subscription::Entity::insert(subscription::ActiveModel {
        user_id: Set(user_id),
        frequency: Set(frequency.as_str().into()),
        last_period: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(subscription::Column::UserId)
            .update_columns([subscription::Column::Frequency, subscription::Column::LastPeriod, subscription::Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Someone the report may still go to: an active HR lead or administrator with an address.
fn may_receive(person: &user::Model) -> bool {
    person.active && !person.email.is_empty() && person.role.parse::<Role>().is_ok_and(|role| role.allows(Role::HrLead))
}

fn not_yet_sent(period: &Period) -> Condition {
    Condition::any().add(subscription::Column::LastPeriod.is_null()).add(subscription::Column::LastPeriod.lt(period.key()))
}

/// Queues the report of the last complete week and month, as of `now`, for
/// each subscriber who has not had it; returns how many were queued.
pub async fn run_once(db: &DatabaseConnection, config: &Config, now: DateTime<Utc>) -> Result<usize> {
    let mut queued = 0;
    for frequency in Frequency::ALL {
        let period = Period::last_complete(frequency, now.date_naive());
        let due = subscription::Entity::find()
            .filter(subscription::Column::Frequency.eq(frequency.as_str()))
            .filter(not_yet_sent(&period))
            .order_by_asc(subscription::Column::Id)
            .all(db)
            .await?;
        if due.is_empty() {
            continue;
        }
        let people: HashMap<i32, user::Model> =
            user::Entity::find().filter(user::Column::Id.is_in(due.iter().map(|s| s.user_id))).all(db).await?.into_iter().map(|p| (p.id, p)).collect();
        let report = trends::report(db, period, now.date_naive(), Ranking::Volume).await?;
        let hours = crate::spotlights::locations::all(db).await?;
        let link = format!("{}/analytics/trends?{}", config.public_base(), period.query());
        for row in due {
            // Someone who left or is no longer a lead keeps the row but gets nothing.
            let Some(person) = people.get(&row.user_id).filter(|p| may_receive(p)) else { continue };
            let email = super::trend_email::render(&report, &person.name, &link, &config.mail.organisation);
            let txn = db.begin().await?;
            let claimed = subscription::Entity::update_many()
                .col_expr(subscription::Column::LastPeriod, Expr::value(period.key()))
                .col_expr(subscription::Column::UpdatedAt, Expr::value(now))
                .filter(subscription::Column::Id.eq(row.id))
                .filter(subscription::Column::Frequency.eq(frequency.as_str()))
                .filter(not_yet_sent(&period))
                .exec(&txn)
                .await?
                .rows_affected
                == 1;
            if claimed {
                // Claimed now, delivered when the lead's working day starts.
                let not_before = crate::spotlights::locations::working_moment(&hours, &person.location, now);
                crate::delivery::queue_message_at(&txn, "trends", &person.email, &person.name, &email, config.host(), not_before).await?;
            }
            txn.commit().await?;
            if claimed {
                tracing::info!(subscription = row.id, period = %period.key(), frequency = frequency.as_str(), "trend report queued");
                queued += 1;
            }
        }
    }
    Ok(queued)
}

/// The task that sends trend reports; one per server.
pub struct TrendMailer {
    db: DatabaseConnection,
    config: Arc<Config>,
    mailer: Mailer,
}

impl TrendMailer {
    pub fn new(db: DatabaseConnection, config: Arc<Config>, mailer: Mailer) -> TrendMailer {
        TrendMailer { db, config, mailer }
    }

    /// Starts the task; it stops when `stop` turns true.
    pub fn start(self, stop: watch::Receiver<bool>) {
        tokio::spawn(self.run(stop).instrument(tracing::info_span!("trend_mailer")));
    }

    async fn run(self, mut stop: watch::Receiver<bool>) {
        while !*stop.borrow() {
            match run_once(&self.db, &self.config, Utc::now()).await {
                Ok(0) => {}
                Ok(_) => self.mailer.wake(),
                Err(err) => tracing::warn!(error = %err, "could not send trend reports"),
            }
            tokio::select! {
                _ = tokio::time::sleep(CHECK) => {}
                changed = stop.changed() => if changed.is_err() { break },
            }
        }
    }
}
