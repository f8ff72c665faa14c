//! Login throttling, built so that an attacker cannot lock a victim out.
//!
//! Three limits, none of which stores a client address anywhere:
//! - per account *and* client: after [`MAX_FAILURES`] wrong passwords within
//!   [`WINDOW_MINUTES`] that client (not the account) is refused for the
//!   rest of the window. The owner, on another device or network, still signs in.
//! - per client across accounts: [`CLIENT_MAX_FAILURES`] failures in the window
//!   stop password spraying from one client.
//! - per account across clients (in the database, so several servers share
//!   it): past [`ACCOUNT_SLOW_AFTER`] failures every attempt at the account is
//!   answered more slowly, up to [`MAX_DELAY`]. It delays, it never refuses.
//!
//! The first two live only in this server's memory, keyed by an HMAC of the
//! client address under a random key drawn at start-up and never written
//! down: the map holds tags and times, and a tag cannot be turned back into
//! an address once the process is gone. With several servers each keeps its
//! own count.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};
use sha2::Sha256;

use crate::entities::login_failure;
use crate::error::{AppError, Result};

/// Wrong passwords for one account from one client before that client waits.
pub const MAX_FAILURES: usize = 5;
/// Wrong passwords from one client, whatever the accounts, before it waits.
pub const CLIENT_MAX_FAILURES: usize = 20;
/// Failures at one account, from anywhere, before its sign-ins slow down.
pub const ACCOUNT_SLOW_AFTER: u64 = 10;
pub const WINDOW_MINUTES: i64 = 15;
/// The longest an attempt at a much-attacked account is held back.
pub const MAX_DELAY: StdDuration = StdDuration::from_secs(3);
const WINDOW: StdDuration = StdDuration::from_secs(WINDOW_MINUTES as u64 * 60);

type Tag = [u8; 32];

/// The in-memory counters of one server.
pub struct LoginLimits {
    key: [u8; 32],
    failures: Mutex<Failures>,
}

#[derive(Default)]
struct Failures {
    by_client: HashMap<Tag, VecDeque<Instant>>,
    by_account_and_client: HashMap<Tag, VecDeque<Instant>>,
}

impl Default for LoginLimits {
    fn default() -> Self {
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        LoginLimits { key, failures: Mutex::new(Failures::default()) }
    }
}

/// Who is trying: tags of the client and of the account-and-client pair.
pub struct Attempt {
    client: Tag,
    pair: Tag,
}

impl LoginLimits {
    fn tag(&self, parts: &[&[u8]]) -> Tag {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else { return [0; 32] };
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }

    /// `client` is `None` when the address is unknown: such clients share one count.
    pub fn attempt(&self, client: Option<IpAddr>, email: &str) -> Attempt {
        let address = client.map(|ip| ip.to_string()).unwrap_or_default();
        Attempt { client: self.tag(&[b"client", address.as_bytes()]), pair: self.tag(&[b"pair", address.as_bytes(), email.as_bytes()]) }
    }

    /// Refuses a client that failed too often, for this account or overall.
    pub fn check(&self, attempt: &Attempt) -> Result<()> {
        self.check_at(attempt, Instant::now())
    }

    fn check_at(&self, attempt: &Attempt, now: Instant) -> Result<()> {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        failures.forget_before(now);
        let count = |map: &HashMap<Tag, VecDeque<Instant>>, tag: &Tag| map.get(tag).map_or(0, VecDeque::len);
        if count(&failures.by_account_and_client, &attempt.pair) >= MAX_FAILURES || count(&failures.by_client, &attempt.client) >= CLIENT_MAX_FAILURES {
            return Err(AppError::TooManyRequests(format!(
                "Too many failed sign-in attempts from this device. Wait {WINDOW_MINUTES} minutes and try again, or sign in from another device."
            )));
        }
        Ok(())
    }

    pub fn record_failure(&self, attempt: &Attempt) {
        self.record_failure_at(attempt, Instant::now());
    }

    fn record_failure_at(&self, attempt: &Attempt, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        failures.by_client.entry(attempt.client).or_default().push_back(now);
        failures.by_account_and_client.entry(attempt.pair).or_default().push_back(now);
    }

    /// A successful sign-in clears this client's failures for the account.
    pub fn clear(&self, attempt: &Attempt) {
        self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).by_account_and_client.remove(&attempt.pair);
    }
}

impl Failures {
    fn forget_before(&mut self, now: Instant) {
        for map in [&mut self.by_client, &mut self.by_account_and_client] {
            map.retain(|_, times| {
                while times.front().is_some_and(|first| now.duration_since(*first) >= WINDOW) {
                    times.pop_front();
                }
                !times.is_empty()
            });
        }
    }
}

/// The address a sign-in comes from, as the tracking code reads it (the
/// first `X-Forwarded-For` hop only when `trust_forwarded_for` is set).
pub struct ClientAddress(pub Option<IpAddr>);

impl axum::extract::FromRequestParts<crate::state::AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &crate::state::AppState) -> std::result::Result<Self, Self::Rejection> {
        Ok(ClientAddress(crate::tracking::client_ip(parts, state.config.trust_forwarded_for)))
    }
}

/// How long to hold back an attempt at an account with `failures` recent failures.
pub fn delay_for(failures: u64) -> StdDuration {
    if failures < ACCOUNT_SLOW_AFTER {
        return StdDuration::ZERO;
    }
    let steps = (failures - ACCOUNT_SLOW_AFTER + 1).min(100) as u32;
    (StdDuration::from_millis(250) * steps).min(MAX_DELAY)
}

/// Slows down attempts at an account that many clients are failing at.
pub async fn slow_down(db: &DatabaseConnection, email: &str) -> Result<()> {
    let since = Utc::now() - Duration::minutes(WINDOW_MINUTES);
    let failures = login_failure::Entity::find()
        .filter(login_failure::Column::Email.eq(email))
        .filter(login_failure::Column::FailedAt.gt(since))
        .count(db)
        .await?;
    let delay = delay_for(failures);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    Ok(())
}

pub async fn record_failure(db: &DatabaseConnection, email: &str) -> Result<()> {
    login_failure::ActiveModel { email: Set(email.to_owned()), failed_at: Set(Utc::now()), ..Default::default() }
        .insert(db)
        .await?;
    Ok(())
}

pub async fn clear(db: &DatabaseConnection, email: &str) -> Result<()> {
    login_failure::Entity::delete_many().filter(login_failure::Column::Email.eq(email)).exec(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn a_failing_client_waits_and_the_owner_does_not() {
        let limits = LoginLimits::default();
        let start = Instant::now();
        let attacker = limits.attempt(ip("203.0.113.9"), "admin@example.com");
        for _ in 0..MAX_FAILURES {
            limits.check_at(&attacker, start).unwrap();
            limits.record_failure_at(&attacker, start);
        }
        assert!(limits.check_at(&attacker, start).is_err());
        assert!(limits.check_at(&limits.attempt(ip("198.51.100.4"), "admin@example.com"), start).is_ok(), "the owner elsewhere");
        assert!(limits.check_at(&limits.attempt(ip("203.0.113.9"), "other@example.com"), start).is_ok(), "one account is not a spray");
        assert!(limits.check_at(&attacker, start + WINDOW).is_ok(), "the window passes");
    }

    #[test]
    fn spraying_many_accounts_from_one_client_is_stopped() {
        let limits = LoginLimits::default();
        let now = Instant::now();
        for n in 0..CLIENT_MAX_FAILURES {
            let attempt = limits.attempt(ip("203.0.113.9"), &format!("user{n}@example.com"));
            limits.check_at(&attempt, now).unwrap();
            limits.record_failure_at(&attempt, now);
        }
        assert!(limits.check_at(&limits.attempt(ip("203.0.113.9"), "fresh@example.com"), now).is_err());
        assert!(limits.check_at(&limits.attempt(ip("198.51.100.4"), "fresh@example.com"), now).is_ok());
    }

    #[test]
    fn the_counters_hold_no_address() {
        let limits = LoginLimits::default();
        let attempt = limits.attempt(ip("203.0.113.9"), "a@example.com");
        limits.record_failure(&attempt);
        let failures = limits.failures.lock().unwrap();
        let plain = b"203.0.113.9";
        assert!(failures.by_client.keys().chain(failures.by_account_and_client.keys()).all(|tag| !tag.windows(plain.len()).any(|w| w == plain)));
        assert_ne!(LoginLimits::default().attempt(ip("203.0.113.9"), "a@example.com").client, attempt.client, "a fresh key per server");
    }

    #[test]
    fn a_much_attacked_account_is_slowed_not_locked() {
        assert_eq!(delay_for(ACCOUNT_SLOW_AFTER - 1), StdDuration::ZERO);
        assert!(delay_for(ACCOUNT_SLOW_AFTER) > StdDuration::ZERO);
        assert_eq!(delay_for(10_000), MAX_DELAY);
    }
}
