//! Making a request and sending it: the item's current version is pinned
//! with the SHA-256 of its stored text, and the request travels as a
//! spotlight of its own (template "Please read and confirm") through the
//! outbox, so delivery, tracking and progress work as for any announcement.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{DatabaseConnection, EntityTrait, TransactionTrait};

use super::model::{default_statement, RequestInput};
use super::store::{self, PinnedVersion};
use super::TEMPLATE;
use crate::entities::acknowledgement_request as request;
use crate::entities::{collateral, collateral_version};
use crate::error::{AppError, Result};
use crate::spotlights::model::AnnouncementInput;
use crate::spotlights::{sending, service, templates};

/// The item's current version and the hash of its stored body text.
pub async fn pin_current(db: &DatabaseConnection, item: &collateral::Model) -> Result<PinnedVersion> {
    let version = crate::library::service::version(db, item.id, item.version).await?;
    // An item saved before versions were kept has only its current text.
    let body = version.as_ref().map(|v: &collateral_version::Model| v.body.as_str()).unwrap_or(&item.body);
    Ok(PinnedVersion { collateral_id: item.id, version: item.version, text_sha256: crate::auth::password::sha256_hex(body) })
}

/// Stores a draft request with its draft announcement; nothing is sent yet.
pub async fn create(db: &DatabaseConnection, created_by: i32, input: RequestInput, supersedes_id: Option<i32>, now: DateTime<Utc>) -> Result<request::Model> {
    let item = collateral::Entity::find_by_id(input.collateral_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Unprocessable(format!("There is no library item {}.", input.collateral_id)))?;
    if item.status != "published" {
        return Err(AppError::Unprocessable(format!("“{}” is not published; publish it before asking people to confirm it.", item.title)));
    }
    for name in &input.audience.lists {
        if crate::spotlights::lists::find_by_name_or_id(db, name).await?.is_none() {
            return Err(AppError::Unprocessable(format!("There is no distribution list “{name}”.")));
        }
    }
    // Refused now rather than after storing a request that could never be sent.
    if crate::spotlights::audience::resolve(db, &input.audience).await?.recipients.is_empty() {
        return Err(AppError::Unprocessable("Nobody in this audience can be asked: check the audience and try again.".into()));
    }
    let pinned = pin_current(db, &item).await?;
    let statement = if input.statement.is_empty() { default_statement(&item.title, pinned.version) } else { input.statement.clone() };
    let template = templates::find_by_name(db, TEMPLATE).await?.ok_or_else(|| AppError::Unprocessable("The “Please read and confirm” template is missing.".into()))?;
    let title: String = format!("Please read and confirm: {}", item.title).chars().take(250).collect();
    let announcement = AnnouncementInput {
        subject: title.clone(),
        title,
        template_id: template.id,
        message: message(&item.title, pinned.version, input.due_date, &statement, &input.question),
        collateral_ids: vec![item.id],
        audience: input.audience.clone(),
        notify_on_open: false,
    };
    let txn = db.begin().await?;
    let announcement = service::create_in(&txn, created_by, announcement).await?;
    let model = store::insert(&txn, &input, &pinned, statement, announcement.id, supersedes_id, created_by, now).await?;
    txn.commit().await?;
    Ok(model)
}

/// Sends the request's announcement and opens the request.
pub async fn send(db: &DatabaseConnection, model: &request::Model, host: &str, now: DateTime<Utc>) -> Result<sending::SendReport> {
    let announcement_id = model.announcement_id.ok_or(AppError::NotFound)?;
    let report = sending::start_sending(db, announcement_id, host).await?;
    store::open(db, model, now).await?;
    Ok(report)
}

/// A request whose announcement went out but that is still a draft (Herald
/// stopped in between) is opened now; run by every server's reminder pass.
pub async fn open_started(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<()> {
    for model in store::list(db, &[request::RequestStatus::Draft]).await? {
        let Some(announcement_id) = model.announcement_id else { continue };
        let announcement = service::find(db, announcement_id).await?;
        if announcement.started_at.is_some() {
            store::open(db, &model, now).await?;
        }
    }
    Ok(())
}

/// HR's message in the email: what to read, which version, by when, and what they confirm.
fn message(title: &str, version: i32, due: NaiveDate, statement: &str, question: &str) -> String {
    let mut text = format!(
        "Please read **{}** (version {version}) and confirm by **{}**.\n\nYou will be asked to confirm: “{}”",
        escape_markdown(title),
        due.format("%-d %B %Y"),
        escape_markdown(statement)
    );
    if !question.is_empty() {
        text.push_str(&format!("\n\nYou can also answer a question from HR: “{}”", escape_markdown(question)));
    }
    text
}

/// HR's words shown as written, not as emphasis or links (raw HTML is shown
/// as text by the Markdown renderer anyway); few escapes keep the text part readable.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
