//! Whether the web addresses HR wrote in a spotlight answer: a HEAD request
//! (GET when the server refuses HEAD with 405) through the outbound guard, so
//! a link can never make Herald call loopback, private or metadata addresses
//! (those are reported as not checked). A few at a time, a short timeout, and
//! each answer kept for a few minutes so page views do not hammer the sites.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::clock::Clock;
use crate::outbound::{self, Guard};

/// How long one address may take to answer.
pub const TIMEOUT: Duration = Duration::from_secs(5);
/// Requests in flight at once, for one spotlight.
const AT_ONCE: usize = 4;
/// How long an answer is believed.
const KEEP_FOR: chrono::Duration = chrono::Duration::minutes(5);
/// Addresses checked for one spotlight; more are reported as not checked.
const MOST: usize = 40;

/// What asking an address said.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(tag = "outcome", content = "detail", rename_all = "snake_case")]
pub enum Outcome {
    /// It answered with a success or a redirect that ended in one.
    Answers(String),
    /// It answered with an error (4xx, 5xx): readers would land on it.
    Broken(String),
    /// Not asked (an internal address, too many links) or no answer (timeout, no such host).
    NotChecked(String),
}

impl Outcome {
    pub fn is_broken(&self) -> bool {
        matches!(self, Outcome::Broken(_))
    }

    /// "answers", "broken" or "not checked", for the page.
    pub fn word(&self) -> &'static str {
        match self {
            Outcome::Answers(_) => "answers",
            Outcome::Broken(_) => "broken",
            Outcome::NotChecked(_) => "not checked",
        }
    }

    pub fn detail(&self) -> &str {
        match self {
            Outcome::Answers(detail) | Outcome::Broken(detail) | Outcome::NotChecked(detail) => detail,
        }
    }
}

/// Each address's last answer and when it came.
type Answers = HashMap<String, (DateTime<Utc>, Outcome)>;

/// Recent answers per address, shared by every request of this server (memory only).
#[derive(Clone, Default)]
pub struct LinkChecker {
    answers: Arc<Mutex<Answers>>,
}

impl LinkChecker {
    /// Each address with what it answered, in the order given.
    pub async fn check(&self, guard: &Guard, clock: &Clock, urls: &[String]) -> Vec<(String, Outcome)> {
        let now = clock.now();
        let mut known: HashMap<String, Outcome> = HashMap::new();
        {
            let mut answers = self.answers.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            answers.retain(|_, (at, _)| now - *at < KEEP_FOR);
            for url in urls {
                if let Some((_, outcome)) = answers.get(url) {
                    known.insert(url.clone(), outcome.clone());
                }
            }
        }
        let asked = ask_all(guard, urls.iter().filter(|url| !known.contains_key(*url)).take(MOST).cloned().collect()).await;
        {
            let mut answers = self.answers.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            for (url, outcome) in &asked {
                answers.insert(url.clone(), (now, outcome.clone()));
            }
        }
        known.extend(asked);
        urls.iter()
            .map(|url| {
                let outcome = known.remove(url).unwrap_or_else(|| Outcome::NotChecked(format!("more than {MOST} addresses; only the first were checked")));
                (url.clone(), outcome)
            })
            .collect()
    }
}

async fn ask_all(guard: &Guard, urls: Vec<String>) -> HashMap<String, Outcome> {
    let client = match guard.client(TIMEOUT, true) {
        Ok(client) => client,
        Err(err) => return urls.into_iter().map(|url| (url, Outcome::NotChecked(outbound::describe(&err, TIMEOUT)))).collect(),
    };
    let permits = Arc::new(Semaphore::new(AT_ONCE));
    let mut tasks = JoinSet::new();
    for url in urls {
        let (client, guard, permits) = (client.clone(), guard.clone(), permits.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let outcome = ask(&client, &guard, &url).await;
            (url, outcome)
        });
    }
    let mut answers = HashMap::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok((url, outcome)) = done {
            answers.insert(url, outcome);
        }
    }
    answers
}

async fn ask(client: &reqwest::Client, guard: &Guard, raw: &str) -> Outcome {
    let url = match url::Url::parse(raw) {
        Ok(url) => url,
        Err(err) => return Outcome::Broken(format!("not a web address: {err}")),
    };
    if let Err(refused) = guard.check_url(&url) {
        return Outcome::NotChecked(format!("refused: {refused}"));
    }
    let mut answer = client.head(url.clone()).send().await;
    if matches!(&answer, Ok(response) if response.status() == reqwest::StatusCode::METHOD_NOT_ALLOWED) {
        answer = client.get(url).send().await;
    }
    match answer {
        Ok(response) if response.status().is_client_error() || response.status().is_server_error() => Outcome::Broken(outbound::status_line(response.status())),
        Ok(response) => Outcome::Answers(outbound::status_line(response.status())),
        Err(err) => Outcome::NotChecked(outbound::describe(&err, TIMEOUT)),
    }
}
