//! Announcements: create and edit drafts, then send, schedule, pause, resume
//! or cancel. Sending writes every recipient and one outbox row each in one
//! transaction, before anything is delivered.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::audience::{self, Skipped};
use super::links::{item_key, LinkTable, SPOTLIGHT};
use super::model::{check_text, AnnouncementInput, Audience, Status};
use super::{lists, templates};
use crate::entities::{announcement, announcement_item, collateral, outbox, recipient};
use crate::error::{AppError, Result};

/// The raw parts of an announcement, from a form or the API.
#[derive(Clone, Debug, Default)]
pub struct RawAnnouncement {
    pub title: String,
    pub subject: String,
    /// A template's slug or id.
    pub template: String,
    pub message: String,
    pub collateral_ids: Vec<i32>,
    pub audience: Audience,
    pub notify_on_open: bool,
}

/// Checks everything against the database; all problems are returned at once.
pub async fn parse(db: &DatabaseConnection, raw: RawAnnouncement) -> Result<AnnouncementInput, Vec<String>> {
    let mut errors = check_text(&raw.title, &raw.subject, &raw.message);
    let template = match templates::find_by_name(db, &raw.template).await {
        Ok(Some(template)) => Some(template.id),
        Ok(None) => {
            errors.push(format!("There is no template “{}”.", raw.template));
            None
        }
        Err(err) => return Err(vec![err.to_string()]),
    };
    let mut ids = vec![];
    for id in raw.collateral_ids {
        if ids.contains(&id) {
            continue;
        }
        match collateral::Entity::find_by_id(id).one(db).await {
            Ok(Some(item)) if item.status == "published" => ids.push(id),
            Ok(Some(item)) => errors.push(format!("“{}” is not published; publish it before featuring it.", item.title)),
            Ok(None) => errors.push(format!("There is no library item {id}.")),
            Err(err) => return Err(vec![err.to_string()]),
        }
    }
    if ids.len() > 10 {
        errors.push("Feature at most 10 library items.".into());
    }
    let audience = match raw.audience.normalised() {
        Ok(audience) => {
            for name in &audience.lists {
                if matches!(lists::find_by_name_or_id(db, name).await, Ok(None)) {
                    errors.push(format!("There is no distribution list “{name}”."));
                }
            }
            audience
        }
        Err(found) => {
            errors.extend(found);
            Audience::default()
        }
    };
    match (errors.is_empty(), template) {
        (true, Some(template_id)) => Ok(AnnouncementInput {
            title: raw.title.trim().into(),
            subject: raw.subject.trim().into(),
            template_id,
            message: raw.message.trim().into(),
            collateral_ids: ids,
            audience,
            notify_on_open: raw.notify_on_open,
        }),
        _ => Err(errors),
    }
}

pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<announcement::Model> {
    announcement::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)
}

pub fn audience_of(model: &announcement::Model) -> Audience {
    serde_json::from_str(&model.audience).unwrap_or_default()
}

pub async fn item_ids(db: &impl ConnectionTrait, announcement_id: i32) -> Result<Vec<i32>> {
    Ok(announcement_item::Entity::find()
        .filter(announcement_item::Column::AnnouncementId.eq(announcement_id))
        .order_by_asc(announcement_item::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|item| item.collateral_id)
        .collect())
}

pub async fn create(db: &DatabaseConnection, user_id: i32, input: AnnouncementInput) -> Result<announcement::Model> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let model = announcement::ActiveModel {
        title: Set(input.title),
        subject: Set(input.subject),
        template_id: Set(input.template_id),
        message: Set(input.message),
        audience: Set(serde_json::to_string(&input.audience).map_err(anyhow::Error::from)?),
        status: Set(Status::Draft.as_str().into()),
        notify_on_open: Set(input.notify_on_open),
        created_by: Set(user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    pin_items(&txn, model.id, &input.collateral_ids).await?;
    txn.commit().await?;
    Ok(model)
}

pub async fn update(db: &DatabaseConnection, model: announcement::Model, input: AnnouncementInput) -> Result<announcement::Model> {
    if !Status::parse(&model.status).is_editable() {
        return Err(AppError::Conflict("This announcement has been sent; it can no longer be edited.".into()));
    }
    let txn = db.begin().await?;
    let mut active: announcement::ActiveModel = model.into();
    active.title = Set(input.title);
    active.subject = Set(input.subject);
    active.template_id = Set(input.template_id);
    active.message = Set(input.message);
    active.audience = Set(serde_json::to_string(&input.audience).map_err(anyhow::Error::from)?);
    active.notify_on_open = Set(input.notify_on_open);
    active.updated_at = Set(Utc::now());
    let model = active.update(&txn).await?;
    announcement_item::Entity::delete_many().filter(announcement_item::Column::AnnouncementId.eq(model.id)).exec(&txn).await?;
    pin_items(&txn, model.id, &input.collateral_ids).await?;
    txn.commit().await?;
    Ok(model)
}

/// Featured items keep the version they had now; [`start_sending`] pins them again at send time.
async fn pin_items(db: &impl ConnectionTrait, announcement_id: i32, ids: &[i32]) -> Result<()> {
    for (position, id) in ids.iter().enumerate() {
        let item = collateral::Entity::find_by_id(*id).one(db).await?.ok_or(AppError::NotFound)?;
        announcement_item::ActiveModel {
            announcement_id: Set(announcement_id),
            position: Set(position as i32),
            collateral_id: Set(item.id),
            collateral_version: Set(item.version),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Moves the announcement from one of `from` to `to`; false when it was not in any of them.
async fn transition(db: &impl ConnectionTrait, id: i32, from: &[Status], to: Status) -> Result<bool> {
    let result = announcement::Entity::update_many()
        .col_expr(announcement::Column::Status, Expr::value(to.as_str()))
        .col_expr(announcement::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(announcement::Column::Id.eq(id))
        .filter(announcement::Column::Status.is_in(from.iter().map(|s| s.as_str())))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct SendReport {
    pub recipients: usize,
    pub skipped: usize,
}

/// Resolves the audience and queues one message per recipient, atomically:
/// either every recipient is queued or none is. Only one caller can win the
/// move out of draft/scheduled, so a double click or two servers never queue twice.
pub async fn start_sending(db: &DatabaseConnection, id: i32, host: &str) -> Result<SendReport> {
    let txn = db.begin().await?;
    let model = find(&txn, id).await?;
    if !transition(&txn, id, &[Status::Draft, Status::Scheduled], Status::Sending).await? {
        return Err(AppError::Conflict(format!("This announcement is {}; only a draft or scheduled one can be sent.", model.status)));
    }
    let resolved = audience::resolve(&txn, &audience_of(&model)).await?;
    if resolved.recipients.is_empty() {
        return Err(AppError::Unprocessable("Nobody in this audience can be sent to. Check the audience and try again.".into()));
    }
    // Pin the items as they are now: that is the version recipients get.
    let ids = item_ids(&txn, id).await?;
    announcement_item::Entity::delete_many().filter(announcement_item::Column::AnnouncementId.eq(id)).exec(&txn).await?;
    pin_items(&txn, id, &ids).await?;
    let mut table = LinkTable::empty(id);
    let mut targets = vec![(SPOTLIGHT.to_owned(), None)];
    targets.extend(ids.iter().map(|cid| (item_key(*cid), Some(*cid))));
    table.ensure(&txn, &targets).await?;

    insert_recipients(&txn, id, &resolved.recipients, &resolved.skipped).await?;
    queue_messages(&txn, id, host).await?;
    announcement::Entity::update_many()
        .col_expr(announcement::Column::StartedAt, Expr::value(Utc::now()))
        .filter(announcement::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(SendReport { recipients: resolved.recipients.len(), skipped: resolved.skipped.len() })
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

async fn queue_messages(db: &impl ConnectionTrait, id: i32, host: &str) -> Result<()> {
    let recipients = recipient::Entity::find()
        .filter(recipient::Column::AnnouncementId.eq(id))
        .filter(recipient::Column::SkipReason.is_null())
        .all(db)
        .await?;
    let now = Utc::now();
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
            next_attempt_at: Set(now),
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

pub async fn schedule(db: &DatabaseConnection, id: i32, at: DateTime<Utc>) -> Result<()> {
    if at <= Utc::now() {
        return Err(AppError::Unprocessable("Choose a time in the future, or send now.".into()));
    }
    announcement::Entity::update_many()
        .col_expr(announcement::Column::ScheduledAt, Expr::value(at))
        .filter(announcement::Column::Id.eq(id))
        .filter(announcement::Column::Status.is_in([Status::Draft.as_str(), Status::Scheduled.as_str()]))
        .exec(db)
        .await?;
    if !transition(db, id, &[Status::Draft, Status::Scheduled], Status::Scheduled).await? {
        return Err(AppError::Conflict("Only a draft can be scheduled.".into()));
    }
    Ok(())
}

/// Back to draft: the schedule is dropped, nothing was sent.
pub async fn unschedule(db: &DatabaseConnection, id: i32) -> Result<()> {
    if !transition(db, id, &[Status::Scheduled], Status::Draft).await? {
        return Err(AppError::Conflict("This announcement is not scheduled.".into()));
    }
    Ok(())
}

pub async fn pause(db: &DatabaseConnection, id: i32) -> Result<()> {
    if !transition(db, id, &[Status::Sending], Status::Paused).await? {
        return Err(AppError::Conflict("Only an announcement that is sending can be paused.".into()));
    }
    Ok(())
}

pub async fn resume(db: &DatabaseConnection, id: i32) -> Result<()> {
    if !transition(db, id, &[Status::Paused], Status::Sending).await? {
        return Err(AppError::Conflict("Only a paused announcement can be resumed.".into()));
    }
    Ok(())
}

/// Stops a draft, schedule or blast; messages already delivered stay delivered.
pub async fn cancel(db: &DatabaseConnection, id: i32) -> Result<()> {
    let txn = db.begin().await?;
    if !transition(&txn, id, &[Status::Draft, Status::Scheduled, Status::Sending, Status::Paused], Status::Cancelled).await? {
        return Err(AppError::Conflict("This announcement has already finished.".into()));
    }
    // Claimed messages too: their handover is conditional on `sending`, so a
    // sender that holds one finds it cancelled and does not end it.
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("cancelled"))
        .filter(outbox::Column::AnnouncementId.eq(id))
        .filter(outbox::Column::Status.is_in(["queued", "sending"]))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Marks a sending announcement sent once no message is left to deliver.
pub async fn complete_if_done(db: &DatabaseConnection, id: i32) -> Result<bool> {
    let pending = outbox::Entity::find()
        .filter(outbox::Column::AnnouncementId.eq(id))
        .filter(outbox::Column::Status.is_in(["queued", "sending", "handover"]))
        .count(db)
        .await?;
    if pending > 0 {
        return Ok(false);
    }
    let done = transition(db, id, &[Status::Sending], Status::Sent).await?;
    if done {
        announcement::Entity::update_many()
            .col_expr(announcement::Column::CompletedAt, Expr::value(Utc::now()))
            .filter(announcement::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    Ok(done)
}

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
            "queued" | "sending" | "handover" => delivery.queued += n,
            "sent" => delivery.sent += n,
            "failed" => delivery.failed += n,
            "bounced" => delivery.bounced += n,
            _ => delivery.cancelled += n,
        }
    }
    Ok(delivery)
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

pub async fn recipients(db: &DatabaseConnection, id: i32, limit: u64) -> Result<Vec<RecipientStatus>> {
    let people = recipient::Entity::find()
        .filter(recipient::Column::AnnouncementId.eq(id))
        .order_by_asc(recipient::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let messages = outbox::Entity::find().filter(outbox::Column::AnnouncementId.eq(id)).filter(outbox::Column::Kind.eq("announcement")).all(db).await?;
    let by_recipient: std::collections::HashMap<i32, &outbox::Model> =
        messages.iter().filter_map(|m| m.recipient_id.map(|r| (r, m))).collect();
    Ok(people
        .into_iter()
        .map(|person| {
            let message = by_recipient.get(&person.id);
            let delivery = match (&person.skip_reason, message) {
                (Some(_), _) => "skipped".to_owned(),
                (None, Some(m)) if m.status == "sending" || m.status == "handover" => "queued".to_owned(),
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
                opened_at: person.first_opened_at,
                visited_at: person.first_visited_at,
                clicked_at: person.first_clicked_at,
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

/// Scheduled announcements whose time has come.
pub async fn due(db: &DatabaseConnection) -> Result<Vec<i32>> {
    Ok(announcement::Entity::find()
        .filter(announcement::Column::Status.eq(Status::Scheduled.as_str()))
        .filter(announcement::Column::ScheduledAt.lte(Utc::now()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect())
}
