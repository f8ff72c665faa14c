//! How often links may be emailed, so that Herald cannot be used to flood a
//! mailbox: [`PER_ADDRESS`] links per address and [`PER_CLIENT`] requests
//! per client within [`WINDOW_MINUTES`]. Unknown addresses count exactly
//! like known ones, so a refusal says nothing about who has an account.
//!
//! Like the login throttle (`auth::throttle`), the counts live only in this
//! server's memory, keyed by an HMAC under a key drawn at start-up: they hold
//! tags and times, never an address or an email.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::error::{AppError, Result};

pub const PER_ADDRESS: usize = 3;
pub const PER_CLIENT: usize = 30;
pub const WINDOW_MINUTES: i64 = 15;

type Tag = [u8; 32];

pub struct LinkLimits {
    key: [u8; 32],
    sent: Mutex<HashMap<Tag, VecDeque<DateTime<Utc>>>>,
}

impl Default for LinkLimits {
    fn default() -> Self {
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        LinkLimits { key, sent: Mutex::new(HashMap::new()) }
    }
}

impl LinkLimits {
    fn tag(&self, kind: &[u8], value: &[u8]) -> Tag {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else { return [0; 32] };
        mac.update(kind);
        mac.update(&(value.len() as u64).to_be_bytes());
        mac.update(value);
        mac.finalize().into_bytes().into()
    }

    /// Counts one request for a link to `email` from `client`, or refuses it.
    pub fn allow(&self, email: &str, client: Option<IpAddr>, now: DateTime<Utc>) -> Result<()> {
        let address = self.tag(b"address", email.trim().to_lowercase().as_bytes());
        let client = self.tag(b"client", client.map(|ip| ip.to_string()).unwrap_or_default().as_bytes());
        let mut sent = self.sent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let window = Duration::minutes(WINDOW_MINUTES);
        sent.retain(|_, times| {
            while times.front().is_some_and(|first| now - *first >= window) {
                times.pop_front();
            }
            !times.is_empty()
        });
        let count = |tag: &Tag| sent.get(tag).map_or(0, VecDeque::len);
        if count(&address) >= PER_ADDRESS || count(&client) >= PER_CLIENT {
            return Err(AppError::TooManyRequests(format!(
                "Several links were sent to this address a moment ago. Use the newest one, or wait {WINDOW_MINUTES} minutes and ask again."
            )));
        }
        sent.entry(address).or_default().push_back(now);
        sent.entry(client).or_default().push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_a_few_links_per_window() {
        let limits = LinkLimits::default();
        let now = Utc::now();
        let ip = Some("203.0.113.9".parse().unwrap());
        for _ in 0..PER_ADDRESS {
            limits.allow("Ann@example.com", ip, now).unwrap();
        }
        assert!(limits.allow("ann@example.com", ip, now).is_err(), "case does not matter");
        assert!(limits.allow("ann@example.com", Some("198.51.100.1".parse().unwrap()), now).is_err(), "nor the client");
        assert!(limits.allow("bob@example.com", ip, now).is_ok());
        assert!(limits.allow("ann@example.com", ip, now + Duration::minutes(WINDOW_MINUTES)).is_ok(), "the window passes");
    }

    #[test]
    fn one_client_cannot_spray_addresses() {
        let limits = LinkLimits::default();
        let now = Utc::now();
        let ip = Some("203.0.113.9".parse().unwrap());
        for n in 0..PER_CLIENT {
            limits.allow(&format!("user{n}@example.com"), ip, now).unwrap();
        }
        assert!(limits.allow("fresh@example.com", ip, now).is_err());
        assert!(limits.allow("fresh@example.com", Some("198.51.100.1".parse().unwrap()), now).is_ok());
    }

    #[test]
    fn the_counts_hold_no_address_or_email() {
        let limits = LinkLimits::default();
        limits.allow("ann@example.com", Some("203.0.113.9".parse().unwrap()), Utc::now()).unwrap();
        let sent = limits.sent.lock().unwrap();
        for plain in [&b"203.0.113.9"[..], &b"ann@example.com"[..]] {
            assert!(sent.keys().all(|tag| !tag.windows(plain.len()).any(|w| w == plain)));
        }
    }
}
