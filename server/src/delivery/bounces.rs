//! Recording bounces reported by the mail system: the message counts as not
//! delivered, and an address with repeated hard bounces is flagged in the
//! directory and left out of later sends. Webhooks subscribed to `bounce`
//! hear of each one.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::entities::{bounce, outbox, user};
use crate::error::{AppError, Result};
use crate::spotlights::audience::BOUNCE_LIMIT;

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct BounceReport {
    /// The bounced message's Message-ID (with or without angle brackets).
    #[serde(default)]
    pub message_id: Option<String>,
    /// Or the recipient's address: the latest message sent to it is marked.
    #[serde(default)]
    pub email: Option<String>,
    /// "hard" (permanent, the default) or "soft".
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct BounceOutcome {
    pub email: String,
    /// The outbox message marked bounced, if one was found.
    pub message: Option<i32>,
    /// The address now has enough hard bounces to be left out of sends.
    pub flagged: bool,
}

pub async fn record(db: &DatabaseConnection, report: BounceReport) -> Result<BounceOutcome> {
    let hard = match report.kind.as_deref().unwrap_or("hard") {
        "hard" => true,
        "soft" => false,
        other => return Err(AppError::Unprocessable(format!("kind must be hard or soft, not {other:?}"))),
    };
    let message = match (&report.message_id, &report.email) {
        (Some(id), _) if !id.trim().is_empty() => {
            let bare = id.trim().trim_start_matches('<').trim_end_matches('>');
            let found = outbox::Entity::find().filter(outbox::Column::MessageId.eq(format!("<{bare}>"))).one(db).await?;
            Some(found.ok_or_else(|| AppError::Unprocessable(format!("No message has the Message-ID <{bare}>.")))?)
        }
        (_, Some(email)) if !email.trim().is_empty() => {
            outbox::Entity::find()
                .filter(outbox::Column::ToEmail.eq(email.trim().to_lowercase()))
                .filter(outbox::Column::Status.eq("sent"))
                .order_by_desc(outbox::Column::SentAt)
                .one(db)
                .await?
        }
        _ => return Err(AppError::Unprocessable("Give the bounced message's message_id or the recipient's email.".into())),
    };
    let email = match (&message, &report.email) {
        (Some(message), _) => message.to_email.clone(),
        (None, Some(email)) => email.trim().to_lowercase(),
        (None, None) => unreachable!("checked above"),
    };
    let person = user::Entity::find().filter(user::Column::Email.eq(&email)).one(db).await?;
    if message.is_none() && person.is_none() {
        return Err(AppError::Unprocessable(format!("Herald has sent nothing to {email}, and nobody in the directory has that address.")));
    }
    let reason: String = report.reason.chars().take(1000).collect();
    let kind = if hard { "hard" } else { "soft" };
    // The bounce, its effects and its webhook event are stored together or not at all.
    let txn = db.begin().await?;
    if let Some(message) = &message {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value("bounced"))
            .col_expr(outbox::Column::LastReply, Expr::value(Some(format!("bounced: {reason}"))))
            .filter(outbox::Column::Id.eq(message.id))
            .filter(outbox::Column::Status.eq("sent"))
            .exec(&txn)
            .await?;
    }
    bounce::Entity::insert(bounce::ActiveModel {
        outbox_id: Set(message.as_ref().map(|m| m.id)),
        email: Set(email.clone()),
        kind: Set(kind.into()),
        reason: Set(reason.clone()),
        recorded_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await?;
    let announcement_id = message.as_ref().and_then(|m| m.announcement_id);
    crate::webhooks::enqueue(&txn, "bounce", json!({"email": email, "kind": kind, "reason": reason, "announcement_id": announcement_id})).await?;
    let mut flagged = false;
    if let (true, Some(person)) = (hard, person) {
        user::Entity::update_many()
            .col_expr(user::Column::HardBounces, Expr::col(user::Column::HardBounces).add(1))
            .filter(user::Column::Id.eq(person.id))
            .exec(&txn)
            .await?;
        flagged = person.hard_bounces + 1 >= BOUNCE_LIMIT;
    }
    txn.commit().await?;
    Ok(BounceOutcome { email, message: message.map(|m| m.id), flagged })
}
