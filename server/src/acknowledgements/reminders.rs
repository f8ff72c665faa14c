//! Reminding the people who have not confirmed, and telling their managers
//! after the due date. Every server runs the pass; each reminder goes out
//! once per person and step, even across restarts and with several servers:
//! the step's row in `acknowledgement_reminders` (unique per request, person
//! and step) and its outbox message are written in one transaction, so a
//! crash leaves both or neither, and a second server's insert finds the row
//! and queues nothing. Someone who confirms or leaves is no longer pending,
//! so no later step reaches them.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};
use tokio::sync::watch;

use super::compliance::placeholder;
use super::schedule::{self, ESCALATION};
use super::store;
use crate::config::Config;
use crate::delivery::Mailer;
use crate::entities::acknowledgement_request::{self as request, RequestStatus};
use crate::error::Result;
use crate::spotlights::render::RenderedEmail;
use crate::tracking::TokenKey;

/// People handled per transaction.
const CHUNK: u64 = 200;

pub struct Reminders {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub key: TokenKey,
    pub mailer: Mailer,
}

impl Reminders {
    /// Runs the pass about every second until `stop`.
    pub fn start(self, mut stop: watch::Receiver<bool>) {
        tokio::spawn(async move {
            while !*stop.borrow() {
                match self.run_once().await {
                    Ok(0) => {}
                    Ok(queued) => {
                        tracing::info!(queued, "acknowledgement reminders queued");
                        self.mailer.wake();
                    }
                    Err(err) => tracing::warn!(error = %err, "acknowledgement reminders could not run"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = stop.changed() => {}
                }
            }
        });
    }

    /// One pass over the open requests at the clock's time; returns how many messages it queued.
    pub async fn run_once(&self) -> Result<u64> {
        let now = self.config.clock.now();
        super::sending::open_started(&self.db, now).await?;
        let mut queued = 0;
        for model in store::list(&self.db, &[RequestStatus::Open]).await? {
            if let Some((step, _)) = schedule::reminder_due(&model, now) {
                queued += self.send_step(&model, &step, now).await?;
            }
            if schedule::escalation_due(&model, now) {
                queued += self.send_step(&model, ESCALATION, now).await?;
            }
        }
        Ok(queued)
    }

    async fn send_step(&self, model: &request::Model, step: &str, now: DateTime<Utc>) -> Result<u64> {
        let title = crate::library::service::find_by_id(&self.db, model.collateral_id).await.map(|item| item.title).unwrap_or_default();
        let hours = crate::spotlights::locations::all(&self.db).await?;
        let mut queued = 0;
        loop {
            let people = not_yet_reminded(&self.db, model.id, step, step == ESCALATION).await?;
            if people.is_empty() {
                return Ok(queued);
            }
            let txn = self.db.begin().await?;
            for person in &people {
                let (to, email) = match (&person.manager, step == ESCALATION) {
                    (Some(manager), true) => (manager, self.escalation(model, &title, person)),
                    _ => (&person.contact, self.reminder(model, &title, person)),
                };
                if record(&txn, model.id, person.user_id, step, &to.email, now).await? {
                    // Never outside the working hours HR set for where the reader works.
                    let not_before = crate::spotlights::locations::working_moment(&hours, &to.location, now);
                    crate::delivery::queue_message_at(&txn, kind_of(step), &to.email, &to.name, &email, self.config.host(), not_before).await?;
                    queued += 1;
                }
            }
            txn.commit().await?;
        }
    }

    fn reminder(&self, model: &request::Model, title: &str, person: &Pending) -> RenderedEmail {
        let link = crate::spotlights::links::page_url(&self.key, self.config.public_base(), person.recipient_id);
        let due = model.due_date.format("%-d %B %Y").to_string();
        let first = person.contact.name.split_whitespace().next().unwrap_or(&person.contact.name);
        let organisation = &self.config.mail.organisation;
        let text = format!(
            "Dear {first},\n\nPlease read “{title}” (version {}) and confirm by {due}.\n\nRead it and confirm here:\n{link}\n\n\
             Your confirmation is recorded with your name, the version you read and the time: it is not anonymous.\n\n{organisation}\n",
            model.collateral_version
        );
        let html = format!(
            "<p>Dear {},</p><p>Please read <strong>{}</strong> (version {}) and confirm by <strong>{due}</strong>.</p>\
             <p><a href=\"{link}\">Read and confirm</a></p><p>Your confirmation is recorded with your name, the version you read and the time: it is not anonymous.</p><p>{}</p>",
            escape(first),
            escape(title),
            model.collateral_version,
            escape(organisation)
        );
        RenderedEmail { subject: format!("Reminder: please read and confirm “{title}” by {due}"), text, html }
    }

    fn escalation(&self, model: &request::Model, title: &str, person: &Pending) -> RenderedEmail {
        let due = model.due_date.format("%-d %B %Y").to_string();
        let organisation = &self.config.mail.organisation;
        let text = format!(
            "{} ({}) has not yet confirmed reading “{title}” (version {}), which was due on {due}.\n\n\
             Please remind them: the email from HR has their personal link, and the item waits for them on the Herald home page.\n\n{organisation}\n",
            person.contact.name, person.contact.email, model.collateral_version
        );
        let html = format!(
            "<p>{} ({}) has not yet confirmed reading <strong>{}</strong> (version {}), which was due on {due}.</p>\
             <p>Please remind them: the email from HR has their personal link, and the item waits for them on the Herald home page.</p><p>{}</p>",
            escape(&person.contact.name),
            escape(&person.contact.email),
            escape(title),
            model.collateral_version,
            escape(organisation)
        );
        RenderedEmail { subject: format!("{} has not yet confirmed “{title}”", person.contact.name), text, html }
    }
}

fn escape(text: &str) -> String {
    askama::filters::escape(text, askama::filters::Html).map(|s| s.to_string()).unwrap_or_default()
}

/// The outbox message kind (at most 20 characters: the column's width).
fn kind_of(step: &str) -> &'static str {
    if step == ESCALATION { "ack_escalation" } else { "ack_reminder" }
}

/// A person still to be reminded of a step.
struct Pending {
    user_id: i32,
    recipient_id: i32,
    contact: Contact,
    /// Their manager, when that is someone in the directory who is still here.
    manager: Option<Contact>,
}

/// Where a reminder or an escalation goes.
struct Contact {
    name: String,
    email: String,
    /// For the working hours of their location.
    location: String,
}

/// Up to [`CHUNK`] people of the request who have not confirmed, are still
/// here, and have no row for `step`; for an escalation, only those with a manager.
async fn not_yet_reminded(db: &DatabaseConnection, request_id: i32, step: &str, with_manager: bool) -> Result<Vec<Pending>> {
    let backend = db.get_database_backend();
    let (p1, p2) = (placeholder(backend, 1), placeholder(backend, 2));
    let manager = if with_manager { " AND m.id IS NOT NULL" } else { "" };
    let sql = format!(
        "SELECT p.user_id, p.recipient_id, p.name, p.email, u.location, m.email AS manager_email, m.name AS manager_name, m.location AS manager_location \
         FROM acknowledgement_people p \
         JOIN users u ON u.id = p.user_id AND u.active \
         LEFT JOIN users m ON m.email = p.manager_email AND m.active \
         LEFT JOIN attestations a ON a.request_id = p.request_id AND a.user_id = p.user_id \
         LEFT JOIN acknowledgement_reminders r ON r.request_id = p.request_id AND r.user_id = p.user_id AND r.step = {p2} \
         WHERE p.request_id = {p1} AND a.id IS NULL AND r.id IS NULL{manager} ORDER BY p.id LIMIT {CHUNK}"
    );
    let rows = db.query_all(Statement::from_sql_and_values(backend, sql, [request_id.into(), step.into()])).await?;
    let mut people = Vec::with_capacity(rows.len());
    for row in rows {
        let manager_email: Option<String> = row.try_get("", "manager_email")?;
        let manager_name: Option<String> = row.try_get("", "manager_name")?;
        let manager_location: Option<String> = row.try_get("", "manager_location")?;
        let manager = match (manager_email, manager_name) {
            (Some(email), Some(name)) => Some(Contact { name, email, location: manager_location.unwrap_or_default() }),
            _ => None,
        };
        people.push(Pending {
            user_id: row.try_get("", "user_id")?,
            recipient_id: row.try_get("", "recipient_id")?,
            contact: Contact { name: row.try_get("", "name")?, email: row.try_get("", "email")?, location: row.try_get("", "location")? },
            manager,
        });
    }
    Ok(people)
}

/// The step's row; false when it was already there (another server, an earlier run).
async fn record(db: &impl ConnectionTrait, request_id: i32, user_id: i32, step: &str, to_email: &str, now: DateTime<Utc>) -> Result<bool> {
    let backend = db.get_database_backend();
    let p = |n| placeholder(backend, n);
    let sql = format!(
        "INSERT INTO acknowledgement_reminders (request_id, user_id, step, to_email, created_at) VALUES ({}, {}, {}, {}, {}) ON CONFLICT DO NOTHING",
        p(1), p(2), p(3), p(4), p(5)
    );
    let done = db.execute(Statement::from_sql_and_values(backend, sql, [request_id.into(), user_id.into(), step.into(), to_email.into(), now.into()])).await?;
    Ok(done.rows_affected() == 1)
}
