//! Delivery: the durable outbox, the worker that drains it through lettre
//! (or into `.eml` files), bounces, and one-off messages such as tests and
//! notifications.

pub mod bounces;
pub mod committer;
pub mod files;
pub mod gate;
pub mod journal;
pub mod message;
pub mod outbox;
pub mod pacer;
mod scheduler;
pub mod smtp;
pub mod worker;
mod writer;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use tokio::sync::Notify;

use crate::entities::outbox as outbox_row;
use crate::error::Result;
use crate::spotlights::render::RenderedEmail;

/// What handlers need of delivery: a way to wake the worker after queueing.
#[derive(Clone, Default)]
pub struct Mailer {
    wake: Arc<Notify>,
}

impl Mailer {
    pub fn wake(&self) {
        self.wake.notify_waiters();
    }

    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }
}

/// Queues a message whose content is already written (a test send, a
/// notification); returns its Message-ID, by which the message's writer can
/// find what it belongs to (see `sign_in_links::delivery`).
pub async fn queue_message(db: &impl ConnectionTrait, kind: &str, to_email: &str, to_name: &str, email: &RenderedEmail, host: &str) -> Result<String> {
    queue_message_at(db, kind, to_email, to_name, email, host, None).await
}

/// [`queue_message`], held until `not_before` when given (a reminder or a
/// report waiting for the recipient's working hours: the worker leaves a
/// message alone until its `next_attempt_at`).
pub async fn queue_message_at(
    db: &impl ConnectionTrait,
    kind: &str,
    to_email: &str,
    to_name: &str,
    email: &RenderedEmail,
    host: &str,
    not_before: Option<DateTime<Utc>>,
) -> Result<String> {
    let now = Utc::now();
    let message_id = format!("<herald.{kind}.{}@{host}>", crate::auth::password::random_secret(12).to_lowercase());
    outbox_row::Entity::insert(outbox_row::ActiveModel {
        kind: Set(kind.into()),
        announcement_id: Set(None),
        recipient_id: Set(None),
        to_email: Set(to_email.into()),
        to_name: Set(to_name.into()),
        subject: Set(email.subject.clone()),
        text_body: Set(email.text.clone()),
        html_body: Set(email.html.clone()),
        status: Set("queued".into()),
        attempts: Set(0),
        next_attempt_at: Set(not_before.unwrap_or(now)),
        message_id: Set(message_id.clone()),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(message_id)
}

/// A scheduled announcement that could not start goes back to draft, and its author is told why.
pub async fn scheduled_failed(db: &sea_orm::DatabaseConnection, id: i32, reason: &str) -> Result<()> {
    let announcement = crate::spotlights::service::find(db, id).await?;
    crate::spotlights::service::unschedule(db, id).await?;
    crate::notifications::notify(
        db,
        announcement.created_by,
        &format!("“{}” was not sent at its scheduled time: {reason}", announcement.title),
        &format!("/spotlights/{id}"),
    )
    .await
}
