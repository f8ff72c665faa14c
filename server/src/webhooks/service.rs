//! Registering, listing, pausing and removing webhooks.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, QueryOrder};
use serde::Serialize;
use serde_json::json;
use url::Url;
use utoipa::ToSchema;

use super::deliveries::{self, DELIVERED, DELIVERING, FAILED, PENDING};
use super::{signature, subscriptions, EVENTS, PING};
use crate::entities::webhook;
use crate::error::{AppError, Result};

/// "Recent" deliveries, as counted on the admin page and in the API.
const RECENT_DAYS: i64 = 7;

/// A webhook as submitted, checked: an http(s) URL and known events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewWebhook {
    url: Url,
    events: Vec<&'static str>,
}

impl NewWebhook {
    pub fn parse(url: &str, events: &[String]) -> Result<NewWebhook, String> {
        let url = url.trim();
        if url.is_empty() {
            return Err("Enter the URL that should receive the events.".into());
        }
        if url.len() > 2000 {
            return Err("The URL is longer than 2000 characters.".into());
        }
        let parsed = Url::parse(url).map_err(|err| format!("“{url}” is not a valid URL ({err}); it should look like https://example.com/herald."))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
            return Err(format!("The URL must start with http:// or https:// and name a host, not “{url}”."));
        }
        let mut chosen = Vec::new();
        for event in events.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
            let known = EVENTS.iter().find(|known| **known == event).ok_or_else(|| format!("Unknown event “{event}”; choose from {}.", EVENTS.join(", ")))?;
            if !chosen.contains(known) {
                chosen.push(*known);
            }
        }
        if chosen.is_empty() {
            return Err("Choose at least one event to send.".into());
        }
        chosen.sort_by_key(|event| EVENTS.iter().position(|known| known == event));
        Ok(NewWebhook { url: parsed, events: chosen })
    }

    /// [`NewWebhook::parse`], and the address checked against the outbound
    /// guard now (each delivery checks it again when it connects).
    pub async fn parse_reachable(url: &str, events: &[String], guard: &crate::outbound::Guard) -> Result<NewWebhook, String> {
        let new = NewWebhook::parse(url, events)?;
        guard.check_url_now(&new.url).await.map_err(|reason| format!("Herald will not call “{}”: {reason}.", new.url))?;
        Ok(new)
    }
}

/// A webhook with how its recent deliveries went; never its secret.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WebhookView {
    pub id: i32,
    pub url: String,
    pub events: Vec<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    /// Deliveries of the last seven days.
    pub deliveries: DeliveryCounts,
    /// The latest delivery whose last attempt failed, if any.
    pub last_error: Option<LastError>,
}

#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct DeliveryCounts {
    pub delivered: i64,
    /// Waiting for their first attempt or a retry, or being sent.
    pub pending: i64,
    pub failed: i64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LastError {
    pub delivery: i64,
    pub event: String,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<i32>,
    pub message: String,
    pub attempts: i32,
    /// `pending` (it will be retried) or `failed` (it gave up), or later `delivered`.
    pub delivery_status: String,
}

impl LastError {
    /// What the page shows first: the receiver's status code, or that none answered.
    pub fn status_label(&self) -> String {
        match self.status {
            Some(code) => format!("HTTP {code}"),
            None => "No answer".to_owned(),
        }
    }

    /// The stored message without the status it starts with, on one line of
    /// at most [`crate::outbound::MAX_LINE`] characters. Herald stores only
    /// status lines, but rows written by older versions kept the receiver's
    /// whole answer; the page never shows more than this.
    pub fn shown_message(&self) -> String {
        let cleaned: Vec<&str> = self.message.split(|c: char| c.is_whitespace() || c.is_control()).filter(|word| !word.is_empty()).collect();
        let line = cleaned.join(" ");
        let rest = match self.status {
            Some(code) => line.strip_prefix(&format!("HTTP {code}")).unwrap_or(&line).trim_start(),
            None => line.as_str(),
        };
        let max = crate::outbound::MAX_LINE;
        if rest.chars().count() > max {
            format!("{}…", rest.chars().take(max - 1).collect::<String>())
        } else {
            rest.to_owned()
        }
    }
}

/// Stores a new webhook with a fresh secret; the returned model holds the
/// secret, to be shown to the admin this once.
pub async fn create(db: &DatabaseConnection, new: NewWebhook, created_by: Option<i32>) -> Result<webhook::Model> {
    let model = webhook::ActiveModel {
        url: Set(new.url.to_string()),
        secret: Set(signature::new_secret()),
        events: Set(new.events.join(",")),
        active: Set(true),
        created_by: Set(created_by),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    subscriptions::changed();
    Ok(model)
}

pub async fn find(db: &DatabaseConnection, id: i32) -> Result<webhook::Model> {
    webhook::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)
}

/// Every webhook, oldest first, with its recent delivery counts and last error.
pub async fn all(db: &DatabaseConnection) -> Result<Vec<WebhookView>> {
    let hooks = webhook::Entity::find().order_by_asc(webhook::Column::Id).all(db).await?;
    let counts = deliveries::counts_since(db, Utc::now() - chrono::Duration::days(RECENT_DAYS)).await?;
    let mut errors = deliveries::last_errors(db).await?;
    let count = |id: i32, status: &str| counts.get(&(id, status.to_owned())).copied().unwrap_or(0);
    Ok(hooks
        .into_iter()
        .map(|hook| WebhookView {
            deliveries: DeliveryCounts {
                delivered: count(hook.id, DELIVERED),
                pending: count(hook.id, PENDING) + count(hook.id, DELIVERING),
                failed: count(hook.id, FAILED),
            },
            last_error: errors.remove(&hook.id).map(|row| LastError {
                delivery: row.id,
                event: row.event,
                status: row.last_status,
                message: row.last_error.unwrap_or_default(),
                attempts: row.attempts,
                delivery_status: row.status,
            }),
            events: hook.events.split(',').filter(|e| !e.is_empty()).map(str::to_owned).collect(),
            id: hook.id,
            url: hook.url,
            active: hook.active,
            created_at: hook.created_at,
        })
        .collect())
}

/// Pauses or resumes a webhook: while paused nothing new is queued for it
/// and what is queued waits.
pub async fn set_active(db: &DatabaseConnection, id: i32, active: bool) -> Result<()> {
    let mut hook: webhook::ActiveModel = find(db, id).await?.into();
    hook.active = Set(active);
    hook.update(db).await?;
    subscriptions::changed();
    Ok(())
}

/// Removes a webhook and its deliveries.
pub async fn delete(db: &DatabaseConnection, id: i32) -> Result<()> {
    let hook = find(db, id).await?;
    webhook::Entity::delete_by_id(hook.id).exec(db).await?;
    subscriptions::changed();
    Ok(())
}

/// Queues a `ping` for this webhook only; returns the delivery id.
pub async fn ping(db: &DatabaseConnection, id: i32) -> Result<i64> {
    let hook = find(db, id).await?;
    if !hook.active {
        return Err(AppError::Unprocessable("This webhook is paused; resume it to send a test event.".into()));
    }
    deliveries::enqueue_to(db, hook.id, PING, json!({"message": "A test event from Herald.", "webhook_id": hook.id})).await
}

#[cfg(test)]
mod tests {
    use super::NewWebhook;

    fn events(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_webhook_needs_an_http_url_and_known_events() {
        let new = NewWebhook::parse(" https://hooks.example.com/herald ", &events(&["bounce", "click", "bounce"])).unwrap();
        assert_eq!(new.url.as_str(), "https://hooks.example.com/herald");
        assert_eq!(new.events, vec!["click", "bounce"]);
        assert!(NewWebhook::parse("http://127.0.0.1:9000/", &events(&["open"])).is_ok(), "syntax only; see parse_reachable");
        for bad in ["", "not a url", "ftp://example.com/x", "javascript:alert(1)", "file:///etc/passwd"] {
            let err = NewWebhook::parse(bad, &events(&["click"])).unwrap_err();
            assert!(err.contains("URL"), "{bad:?}: {err}");
        }
        assert!(NewWebhook::parse("https://example.com", &[]).unwrap_err().contains("at least one event"));
        assert!(NewWebhook::parse("https://example.com", &events(&["ping"])).unwrap_err().contains("Unknown event"));
    }

    #[tokio::test]
    async fn internal_addresses_are_refused_unless_allowed() {
        let guard = crate::outbound::Guard::default();
        for url in ["http://127.0.0.1:9000/", "http://localhost:9000/", "http://[::1]/", "http://2130706433/", "http://169.254.169.254/"] {
            let err = NewWebhook::parse_reachable(url, &events(&["open"]), &guard).await.unwrap_err();
            assert!(err.contains("internal address"), "{url}: {err}");
        }
        let allowed = crate::outbound::Guard::new(vec!["127.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()]);
        assert!(NewWebhook::parse_reachable("http://localhost:9000/", &events(&["open"]), &allowed).await.is_ok());
    }
}
