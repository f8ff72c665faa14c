//! Posting a social spotlight to a configured destination: an incoming
//! webhook (Slack, Teams, Mattermost: JSON `{"text": …}`) or a
//! Mastodon-compatible server (`POST /api/v1/statuses`). The destination's
//! status line is kept with the post, never the body of its answer: through
//! `crate::outbound` the request reaches no internal address (redirects
//! included) unless the operator allowed it.

use std::time::Duration;

use crate::config::SocialDestination;
use crate::outbound::{bounded_line, describe, status_line, Guard};

/// The destination's answer; `status` is `None` when it could not be reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: Option<u16>,
    /// "HTTP 201 Created", or why it could not be sent (bounded, one line).
    pub body: String,
}

impl Answer {
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|status| (200..300).contains(&status))
    }
}

const TIMEOUT: Duration = Duration::from_secs(10);

pub async fn post(guard: &Guard, destination: &SocialDestination, text: &str, idempotency_key: &str) -> Answer {
    let client = match guard.client(TIMEOUT, true) {
        Ok(client) => client,
        Err(error) => return Answer { status: None, body: bounded_line(&error.to_string()) },
    };
    let request = match destination.kind.as_str() {
        "mastodon" => client
            .post(format!("{}/api/v1/statuses", destination.url.trim_end_matches('/')))
            .bearer_auth(&destination.token)
            // Mastodon drops a repeated post with the same key.
            .header("Idempotency-Key", idempotency_key)
            .form(&[("status", text), ("visibility", "public")]),
        _ => client.post(&destination.url).json(&serde_json::json!({ "text": text })),
    };
    let checked = url::Url::parse(&destination.url).map_err(|err| err.to_string()).and_then(|url| guard.check_url(&url));
    if let Err(refused) = checked {
        return Answer { status: None, body: bounded_line(&format!("not sent to {}: {refused}", destination.name)) };
    }
    match request.send().await {
        Ok(response) => Answer { status: Some(response.status().as_u16()), body: status_line(response.status()) },
        Err(error) => Answer { status: None, body: bounded_line(&format!("could not reach {}: {}", destination.name, describe(&error, TIMEOUT))) },
    }
}
