//! Posting a social spotlight to a configured destination: an incoming
//! webhook (Slack, Teams, Mattermost: JSON `{"text": …}`) or a
//! Mastodon-compatible server (`POST /api/v1/statuses`). Whatever the
//! destination answers is kept with the post.

use std::time::Duration;

use crate::config::SocialDestination;

/// The destination's answer; `status` is `None` when it could not be reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: Option<u16>,
    pub body: String,
}

impl Answer {
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|status| (200..300).contains(&status))
    }
}

/// Longest answer body kept.
const KEPT: usize = 2_000;

pub async fn post(destination: &SocialDestination, text: &str, idempotency_key: &str) -> Answer {
    let client = match reqwest::Client::builder().timeout(Duration::from_secs(10)).build() {
        Ok(client) => client,
        Err(error) => return Answer { status: None, body: error.to_string() },
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
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            Answer { status: Some(status), body: body.chars().take(KEPT).collect() }
        }
        Err(error) => Answer { status: None, body: format!("could not reach {}: {error}", destination.name) },
    }
}
