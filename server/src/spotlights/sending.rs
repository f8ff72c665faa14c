//! Sending an announcement: the one transaction that resolves the audience,
//! pins the featured versions and queues one outbox row per recipient.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};
use serde::Serialize;
use utoipa::ToSchema;

use super::audience::{self, Skipped};
use super::audit::{self, AuditAction};
use super::review;
use super::window::{opens_at, SendWindow};
use super::links::{item_key, LinkTable, SPOTLIGHT};
use super::model::Status;
use super::service::{audience_of, find, item_ids, pin_items, transition};
use crate::entities::{announcement, announcement_item, outbox, recipient};
use crate::error::{AppError, Result};

#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct SendReport {
    pub recipients: usize,
    pub skipped: usize,
}

/// Resolves the audience and queues one message per recipient, atomically:
/// either every recipient is queued or none is. Only one caller can win the
/// move out of draft/scheduled, so a double click or two servers never queue twice.
/// A spotlight that needs approval and has none is refused (409).
pub async fn start_sending(db: &DatabaseConnection, id: i32, host: &str) -> Result<SendReport> {
    start_sending_as(db, id, host, None).await
}

/// [`start_sending`], recording `sender` (`None`: Herald itself, at a scheduled time) in the audit trail.
pub async fn start_sending_as(db: &DatabaseConnection, id: i32, host: &str, sender: Option<i32>) -> Result<SendReport> {
    withdraw_if_items_changed(db, id).await?;
    // At the end of an undo window the sender is whoever pressed "Send".
    let sender = match sender {
        Some(sender) => Some(sender),
        None if find(db, id).await?.countdown_until.is_some() => audit::last_actor(db, id, AuditAction::Countdown).await?,
        None => None,
    };
    let txn = db.begin().await?;
    // Write first: on SQLite a transaction that read before writing cannot wait for
    // a busy writer (the delivery worker) and fails at once with "database is locked".
    let moved = transition(&txn, id, &[Status::Draft, Status::Scheduled], Status::Sending).await?;
    let model = find(&txn, id).await?;
    if !moved {
        return Err(AppError::Conflict(format!("This announcement is {}; only a draft or scheduled one can be sent.", model.status)));
    }
    let resolved = audience::resolve(&txn, &audience_of(&model)).await?;
    if resolved.recipients.is_empty() {
        return Err(AppError::Unprocessable("Nobody in this audience can be sent to. Check the audience and try again.".into()));
    }
    review::check_before_send(&txn, &model, resolved.recipients.len() as u64).await?;
    // Pin the items as they are now: that is the version recipients get.
    let ids = item_ids(&txn, id).await?;
    announcement_item::Entity::delete_many().filter(announcement_item::Column::AnnouncementId.eq(id)).exec(&txn).await?;
    pin_items(&txn, id, &ids).await?;
    let mut table = LinkTable::empty(id);
    let mut targets = vec![(SPOTLIGHT.to_owned(), None)];
    targets.extend(ids.iter().map(|cid| (item_key(*cid), Some(*cid))));
    table.ensure(&txn, &targets).await?;

    insert_recipients(&txn, id, &resolved.recipients, &resolved.skipped).await?;
    let window = super::service::window_of(&model)?;
    queue_messages(&txn, id, host, window.as_ref()).await?;
    announcement::Entity::update_many()
        .col_expr(announcement::Column::StartedAt, Expr::value(Utc::now()))
        .col_expr(announcement::Column::CountdownUntil, Expr::value(Option::<chrono::DateTime<Utc>>::None))
        .filter(announcement::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    audit::record(&txn, id, sender, AuditAction::Sent, &format!("{} recipients", resolved.recipients.len())).await?;
    txn.commit().await?;
    Ok(SendReport { recipients: resolved.recipients.len(), skipped: resolved.skipped.len() })
}

/// An approval covers the featured items' versions it saw: a library item
/// published again since then withdraws it (recipients would get the new one).
async fn withdraw_if_items_changed(db: &DatabaseConnection, id: i32) -> Result<()> {
    let model = find(db, id).await?;
    if super::review::Review::of(&model)? != super::review::Review::Approved {
        return Ok(());
    }
    let pinned = announcement_item::Entity::find().filter(announcement_item::Column::AnnouncementId.eq(id)).all(db).await?;
    for item in pinned {
        let current = crate::entities::collateral::Entity::find_by_id(item.collateral_id).one(db).await?;
        if let Some(current) = current.filter(|c| c.version != item.collateral_version) {
            let what = format!("“{}” changed from version {} to {} after approval", current.title, item.collateral_version, current.version);
            return review::withdraw_on_change(db, id, None, &what).await;
        }
    }
    Ok(())
}

async fn insert_recipients(db: &impl ConnectionTrait, id: i32, people: &[crate::entities::user::Model], skipped: &[Skipped]) -> Result<()> {
    let mut seen = HashSet::new();
    let sendable = people.iter().map(|p| (Some(p.id), p.email.clone(), p.name.clone(), p.department.clone(), p.location.clone(), None));
    let reported = skipped.iter().map(|s| (None, s.email.clone(), s.name.clone(), String::new(), String::new(), Some(s.reason.clone())));
    let rows: Vec<_> = sendable
        .chain(reported)
        // One row per address: a person named twice, or a bad address named twice, is one entry.
        .filter(|row| seen.insert(if row.1.is_empty() { format!("~{}", row.2) } else { row.1.clone() }))
        .map(|(user_id, email, name, department, location, skip_reason)| recipient::ActiveModel {
            announcement_id: Set(id),
            user_id: Set(user_id),
            email: Set(if email.is_empty() { format!("({name})") } else { email }),
            name: Set(name),
            department: Set(department),
            location: Set(location),
            skip_reason: Set(skip_reason),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(400) {
        recipient::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    Ok(())
}

/// One message per recipient, each due when its recipient's window opens.
async fn queue_messages(db: &impl ConnectionTrait, id: i32, host: &str, window: Option<&SendWindow>) -> Result<()> {
    let recipients = recipient::Entity::find()
        .filter(recipient::Column::AnnouncementId.eq(id))
        .filter(recipient::Column::SkipReason.is_null())
        .all(db)
        .await?;
    let now = Utc::now();
    let hours = match window {
        Some(_) => super::locations::all(db).await?,
        None => Default::default(),
    };
    let rows: Vec<_> = recipients
        .iter()
        .map(|r| outbox::ActiveModel {
            kind: Set("announcement".into()),
            announcement_id: Set(Some(id)),
            recipient_id: Set(Some(r.id)),
            to_email: Set(r.email.clone()),
            to_name: Set(r.name.clone()),
            subject: Set(String::new()),
            text_body: Set(String::new()),
            html_body: Set(String::new()),
            status: Set("queued".into()),
            attempts: Set(0),
            next_attempt_at: Set(window.map_or(now, |w| opens_at(w, &super::locations::of(&hours, &r.location), now))),
            message_id: Set(format!("<herald.a{id}.r{}.{}@{host}>", r.id, crate::auth::password::random_secret(6).to_lowercase())),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(300) {
        outbox::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    Ok(())
}

