//! Where an announcement stands: delivery counts for the progress bar and the
//! API, each recipient's status for HR's table, and who was left out.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;

use crate::delivery::outbox::PENDING;
use crate::entities::{outbox, recipient};
use crate::error::Result;

/// Delivery counts as HR and the API see them.
#[derive(Clone, Copy, Debug, Default, Serialize, ToSchema, PartialEq, Eq)]
pub struct Delivery {
    /// Waiting or being delivered right now.
    pub queued: u64,
    pub sent: u64,
    pub failed: u64,
    pub bounced: u64,
    pub cancelled: u64,
}

impl Delivery {
    pub fn total(&self) -> u64 {
        self.queued + self.sent + self.failed + self.bounced + self.cancelled
    }

    /// Finished share, 0–100, for the progress bar.
    pub fn percent_done(&self) -> u64 {
        let total = self.total();
        if total == 0 { 0 } else { (total - self.queued) * 100 / total }
    }
}

pub async fn delivery(db: &impl ConnectionTrait, id: i32) -> Result<Delivery> {
    let rows: Vec<(String, i64)> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Status)
        .column_as(outbox::Column::Id.count(), "n")
        .filter(outbox::Column::AnnouncementId.eq(id))
        .filter(outbox::Column::Kind.eq("announcement"))
        .group_by(outbox::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let mut delivery = Delivery::default();
    for (status, n) in rows {
        let n = n as u64;
        match status.as_str() {
            pending if PENDING.contains(&pending) => delivery.queued += n,
            "sent" => delivery.sent += n,
            "failed" => delivery.failed += n,
            "bounced" => delivery.bounced += n,
            _ => delivery.cancelled += n,
        }
    }
    Ok(delivery)
}

/// How many people the announcement is addressed to (those left out not counted).
pub async fn recipient_count(db: &impl ConnectionTrait, id: i32) -> Result<u64> {
    Ok(recipient::Entity::find()
        .filter(recipient::Column::AnnouncementId.eq(id))
        .filter(recipient::Column::SkipReason.is_null())
        .count(db)
        .await?)
}

/// A recipient with their delivery status, for HR's table.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RecipientStatus {
    pub id: i32,
    pub email: String,
    pub name: String,
    pub department: String,
    /// queued, sent, failed, bounced, cancelled, or skipped.
    pub delivery: String,
    pub reason: Option<String>,
    pub opened_at: Option<DateTime<Utc>>,
    pub visited_at: Option<DateTime<Utc>>,
    pub clicked_at: Option<DateTime<Utc>>,
}

/// Recipients with their delivery status; their first open, visit and click only
/// when `individual` (see [`crate::analytics::individual`]).
pub async fn recipients(db: &DatabaseConnection, id: i32, limit: u64, individual: bool) -> Result<Vec<RecipientStatus>> {
    let people = recipient::Entity::find()
        .filter(recipient::Column::AnnouncementId.eq(id))
        .order_by_asc(recipient::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    // Only the messages of the people shown, not the whole blast.
    let ids: Vec<i32> = people.iter().map(|person| person.id).collect();
    let messages = outbox::Entity::find().filter(outbox::Column::RecipientId.is_in(ids)).all(db).await?;
    let by_recipient: std::collections::HashMap<i32, &outbox::Model> =
        messages.iter().filter_map(|m| m.recipient_id.map(|r| (r, m))).collect();
    Ok(people
        .into_iter()
        .map(|person| {
            let message = by_recipient.get(&person.id);
            let delivery = match (&person.skip_reason, message) {
                (Some(_), _) => "skipped".to_owned(),
                (None, Some(m)) if PENDING.contains(&m.status.as_str()) => "queued".to_owned(),
                (None, Some(m)) => m.status.clone(),
                (None, None) => "queued".to_owned(),
            };
            let reason = person.skip_reason.clone().or_else(|| message.and_then(|m| if m.status == "sent" { None } else { m.last_reply.clone() }));
            RecipientStatus {
                id: person.id,
                email: person.email,
                name: person.name,
                department: person.department,
                delivery,
                reason,
                opened_at: person.first_opened_at.filter(|_| individual),
                visited_at: person.first_visited_at.filter(|_| individual),
                clicked_at: person.first_clicked_at.filter(|_| individual),
            }
        })
        .collect())
}

/// How many people an announcement can be sent to, and who was left out.
pub async fn audience_report(db: &impl ConnectionTrait, id: i32) -> Result<(u64, Vec<recipient::Model>)> {
    let sendable = recipient::Entity::find()
        .filter(recipient::Column::AnnouncementId.eq(id))
        .filter(recipient::Column::SkipReason.is_null())
        .count(db)
        .await?;
    let skipped = recipient::Entity::find()
        .filter(recipient::Column::AnnouncementId.eq(id))
        .filter(recipient::Column::SkipReason.is_not_null())
        .order_by_asc(recipient::Column::Id)
        .all(db)
        .await?;
    Ok((sendable, skipped))
}


/// Messages held for their recipients' sending window, by location.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct Waiting {
    pub location: String,
    pub messages: u64,
    /// When the window opens for them.
    pub opens_at: DateTime<Utc>,
}

/// What waits for which window: first attempts not yet due by `now` (retries are not windows).
pub async fn waiting(db: &impl ConnectionTrait, id: i32, now: DateTime<Utc>) -> Result<Vec<Waiting>> {
    let rows: Vec<(Option<i32>, DateTime<Utc>)> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::RecipientId)
        .column(outbox::Column::NextAttemptAt)
        .filter(outbox::Column::AnnouncementId.eq(id))
        .filter(outbox::Column::Status.eq("queued"))
        .filter(outbox::Column::Attempts.eq(0))
        .filter(outbox::Column::NextAttemptAt.gt(now))
        .into_tuple()
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<i32> = rows.iter().filter_map(|(r, _)| *r).collect();
    let mut locations = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let found: Vec<(i32, String)> = recipient::Entity::find()
            .select_only()
            .column(recipient::Column::Id)
            .column(recipient::Column::Location)
            .filter(recipient::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        locations.extend(found);
    }
    let mut groups: std::collections::BTreeMap<(DateTime<Utc>, String), u64> = Default::default();
    for (recipient, at) in rows {
        let location = recipient.and_then(|r| locations.get(&r).cloned()).unwrap_or_default();
        *groups.entry((at, location)).or_default() += 1;
    }
    Ok(groups.into_iter().map(|((opens_at, location), messages)| Waiting { location: if location.is_empty() { "(no location)".into() } else { location }, messages, opens_at }).collect())
}
