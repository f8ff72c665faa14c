//! The webhook worker: one task per server that claims due deliveries,
//! posts each (a batch at a time, in parallel) signed with its webhook's
//! secret, and records the outcome: 2xx is delivered, anything else is
//! retried with exponential backoff until it gives up. It also keeps the
//! process-wide list of wanted events fresh for [`super::enqueue`].

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use reqwest::header::CONTENT_TYPE;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tracing::Instrument;

use super::deliveries;
use super::signature;
use super::subscriptions::{self, Registration};
use crate::delivery::outbox::backoff;
use crate::entities::{webhook, webhook_delivery};

/// Deliveries claimed at once.
const BATCH: u64 = 20;
/// The longest a receiver may take to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How long a claimed delivery is this server's before another may take it
/// over: well beyond `TIMEOUT`, so a slow receiver is not posted to twice.
const LEASE_SECONDS: i64 = 60;
/// Attempts before a delivery is marked failed: retries come after 10 s, 20 s, 40 s … (about 21 minutes in all).
pub const MAX_ATTEMPTS: i32 = 8;
pub const RETRY_BASE_SECONDS: u64 = 10;
/// How often the wanted events are reloaded (webhooks edited on another server).
const REFRESH: Duration = Duration::from_secs(5);
/// How often an idle worker looks for due deliveries.
const POLL: Duration = Duration::from_secs(1);

pub struct WebhookWorker {
    db: DatabaseConnection,
    http: reqwest::Client,
    guard: crate::outbound::Guard,
}

impl WebhookWorker {
    /// `guard` checks every receiver's address when the worker connects to it.
    pub fn new(db: DatabaseConnection, guard: crate::outbound::Guard) -> anyhow::Result<WebhookWorker> {
        // A redirect is not an acceptance: the receiver should be registered at its final URL.
        let http = guard.client(TIMEOUT, false)?;
        Ok(WebhookWorker { db, http, guard })
    }

    /// Starts the worker's task; it stops when `stop` turns true.
    pub fn start(self, stop: watch::Receiver<bool>) {
        tokio::spawn(Arc::new(self).run(stop).instrument(tracing::info_span!("webhook_worker")));
    }

    async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        let wanted = Registration::new();
        let mut refreshed: Option<Instant> = None;
        while !*stop.borrow() {
            let woken = subscriptions::woken();
            if wanted.stale() || refreshed.is_none_or(|at| at.elapsed() >= REFRESH) {
                match self.refresh(&wanted).await {
                    Ok(()) => refreshed = Some(Instant::now()),
                    Err(err) => tracing::warn!(error = %err, "could not load the webhooks' events"),
                }
            }
            match deliveries::claim(&self.db, chrono::Duration::seconds(LEASE_SECONDS), BATCH).await {
                Ok(batch) if !batch.is_empty() => self.deliver_all(batch).await,
                Ok(_) => {
                    tokio::select! {
                        _ = woken => {}
                        _ = tokio::time::sleep(POLL) => {}
                        changed = stop.changed() => if changed.is_err() { break },
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %err, "could not claim webhook deliveries");
                    tokio::time::sleep(POLL).await;
                }
            }
        }
    }

    async fn refresh(&self, wanted: &Registration) -> crate::error::Result<()> {
        let generation = wanted.generation();
        let rows: Vec<String> = webhook::Entity::find()
            .select_only()
            .column(webhook::Column::Events)
            .filter(webhook::Column::Active.eq(true))
            .into_tuple()
            .all(&self.db)
            .await?;
        let events: HashSet<String> = rows.iter().flat_map(|events| events.split(',')).filter(|e| !e.is_empty()).map(str::to_owned).collect();
        wanted.update(generation, events);
        Ok(())
    }

    async fn deliver_all(self: &Arc<Self>, batch: Vec<webhook_delivery::Model>) {
        let ids: Vec<i32> = batch.iter().map(|d| d.webhook_id).collect();
        let hooks: HashMap<i32, webhook::Model> = match webhook::Entity::find().filter(webhook::Column::Id.is_in(ids)).all(&self.db).await {
            Ok(rows) => rows.into_iter().map(|hook| (hook.id, hook)).collect(),
            Err(err) => {
                // The leases run out and the deliveries are claimed again.
                tracing::warn!(error = %err, "could not load the webhooks of claimed deliveries");
                return;
            }
        };
        let mut sending = JoinSet::new();
        for delivery in batch {
            // A webhook deleted since the claim took its deliveries with it.
            let Some(hook) = hooks.get(&delivery.webhook_id).cloned() else { continue };
            let worker = self.clone();
            sending.spawn(async move { worker.deliver(&hook, delivery).await });
        }
        while sending.join_next().await.is_some() {}
    }

    async fn deliver(&self, hook: &webhook::Model, delivery: webhook_delivery::Model) {
        let body = deliveries::body(&delivery);
        let timestamp = Utc::now().timestamp();
        // Address literals skip DNS, and so the guarded resolver: check them here.
        let checked = url::Url::parse(&hook.url).map_err(|err| err.to_string()).and_then(|url| self.guard.check_url(&url));
        if let Err(refused) = checked {
            let recorded = self.failed(&delivery, None, &crate::outbound::bounded_line(&format!("not sent: {refused}"))).await;
            if let Err(err) = recorded {
                tracing::warn!(delivery = delivery.id, error = %err, "could not record a webhook delivery's outcome");
            }
            return;
        }
        let sent = self
            .http
            .post(&hook.url)
            .header(CONTENT_TYPE, "application/json")
            .header("X-Herald-Event", &delivery.event)
            .header("X-Herald-Delivery", delivery.id.to_string())
            .header("X-Herald-Timestamp", timestamp.to_string())
            .header("X-Herald-Signature", signature::sign(&hook.secret, timestamp, &body))
            .body(body)
            .send()
            .await;
        let recorded = match sent {
            Ok(response) if response.status().is_success() => deliveries::delivered(&self.db, &delivery, response.status().as_u16()).await,
            // Only the status line: the body may be an internal service's answer.
            Ok(response) => self.failed(&delivery, Some(response.status().as_u16()), &crate::outbound::status_line(response.status())).await,
            Err(err) => self.failed(&delivery, None, &crate::outbound::describe(&err, TIMEOUT)).await,
        };
        if let Err(err) = recorded {
            // The lease runs out and it is sent again: receivers deduplicate by X-Herald-Delivery.
            tracing::warn!(delivery = delivery.id, error = %err, "could not record a webhook delivery's outcome");
        }
    }

    async fn failed(&self, delivery: &webhook_delivery::Model, status: Option<u16>, message: &str) -> crate::error::Result<()> {
        let retry_at = (delivery.attempts < MAX_ATTEMPTS).then(|| Utc::now() + backoff(RETRY_BASE_SECONDS, delivery.attempts));
        tracing::info!(delivery = delivery.id, webhook = delivery.webhook_id, attempt = delivery.attempts, reply = message, retry = retry_at.is_some(), "webhook delivery failed");
        deliveries::attempt_failed(&self.db, delivery, status, message, retry_at).await
    }
}
