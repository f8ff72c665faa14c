//! Announcements: create and edit drafts, schedule, pause, resume or cancel
//! them. Sending is in [`super::sending`].

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};

use super::audit::{self, AuditAction};
use super::model::{check_text, AnnouncementInput, Audience, Status};
use super::review;
use super::{lists, templates};
use crate::entities::{announcement, announcement_item, collateral, outbox};
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
    if errors.is_empty() && raw.subject.contains("{{") {
        // Rendered for every recipient at delivery: one too large to render is refused now.
        if let Err(found) = crate::sandbox::render(&crate::sandbox::Template::subject(&raw.subject), &templates::sample_context()).await {
            errors.extend(found.into_iter().map(|error| format!("The subject cannot be used: {error}")));
        }
    }
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

/// The sending window chosen with "Send"; `None`: at once. A stored value that cannot be read is an error.
pub fn window_of(model: &announcement::Model) -> Result<Option<super::window::SendWindow>> {
    match &model.send_window {
        None => Ok(None),
        Some(raw) => Ok(Some(serde_json::from_str(raw).map_err(|err| anyhow::anyhow!("stored sending window is unreadable: {err}"))?)),
    }
}

/// Chooses when recipients get it (before it starts).
pub async fn set_window(db: &impl ConnectionTrait, id: i32, window: Option<&super::window::SendWindow>) -> Result<()> {
    let value = window.map(serde_json::to_string).transpose().map_err(anyhow::Error::from)?;
    announcement::Entity::update_many()
        .col_expr(announcement::Column::SendWindow, Expr::value(value))
        .filter(announcement::Column::Id.eq(id))
        .filter(announcement::Column::Status.is_in([Status::Draft.as_str(), Status::Scheduled.as_str()]))
        .exec(db)
        .await?;
    Ok(())
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
    let model = create_in(&txn, user_id, input).await?;
    txn.commit().await?;
    Ok(model)
}

/// [`create`] inside the caller's transaction (an acknowledgement request is stored with its announcement).
pub async fn create_in(txn: &impl ConnectionTrait, user_id: i32, input: AnnouncementInput) -> Result<announcement::Model> {
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
    .insert(txn)
    .await?;
    pin_items(txn, model.id, &input.collateral_ids).await?;
    audit::record(txn, model.id, Some(user_id), AuditAction::Created, "").await?;
    Ok(model)
}

/// Saves `input` over the draft; a pending or given approval is withdrawn.
pub async fn update(db: &DatabaseConnection, model: announcement::Model, input: AnnouncementInput, by: i32) -> Result<announcement::Model> {
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
    audit::record(&txn, model.id, Some(by), AuditAction::Changed, "").await?;
    review::withdraw_on_change(&txn, model.id, Some(by), "changed after submission").await?;
    txn.commit().await?;
    find(db, model.id).await
}

/// Featured items keep the version they had now; [`super::sending::start_sending`] pins them again at send time.
pub(super) async fn pin_items(db: &impl ConnectionTrait, announcement_id: i32, ids: &[i32]) -> Result<()> {
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
pub(super) async fn transition(db: &impl ConnectionTrait, id: i32, from: &[Status], to: Status) -> Result<bool> {
    let result = announcement::Entity::update_many()
        .col_expr(announcement::Column::Status, Expr::value(to.as_str()))
        .col_expr(announcement::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(announcement::Column::Id.eq(id))
        .filter(announcement::Column::Status.is_in(from.iter().map(|s| s.as_str())))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Sets the time to start; a schedule is part of what is approved, so a pending or given approval is withdrawn.
pub async fn schedule(db: &DatabaseConnection, id: i32, at: DateTime<Utc>, by: Option<i32>) -> Result<()> {
    if at <= Utc::now() {
        return Err(AppError::Unprocessable("Choose a time in the future, or send now.".into()));
    }
    let txn = db.begin().await?;
    schedule_in(&txn, id, at).await?;
    audit::record(&txn, id, by, AuditAction::Scheduled, &at.format("%Y-%m-%d %H:%M UTC").to_string()).await?;
    review::withdraw_on_change(&txn, id, by, "schedule changed").await?;
    txn.commit().await?;
    Ok(())
}

async fn schedule_in(db: &impl ConnectionTrait, id: i32, at: DateTime<Utc>) -> Result<()> {
    announcement::Entity::update_many()
        .col_expr(announcement::Column::ScheduledAt, Expr::value(at))
        .col_expr(announcement::Column::CountdownUntil, Expr::value(Option::<DateTime<Utc>>::None))
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
        .filter(outbox::Column::Status.is_in(crate::delivery::outbox::PENDING))
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

/// Scheduled announcements whose time has come by `now`.
pub async fn due(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Vec<i32>> {
    Ok(announcement::Entity::find()
        .filter(announcement::Column::Status.eq(Status::Scheduled.as_str()))
        .filter(announcement::Column::ScheduledAt.lte(now))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect())
}
