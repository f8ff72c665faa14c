//! What the redirect endpoints look up on every request, kept in memory for
//! a few seconds so a click costs no database read: short links by code,
//! and the recipients and link targets that email tokens name (both never
//! change once written). A short link revoked on this server is dropped at
//! once; other servers stop redirecting it within [`TTL`].

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::entities::{announcement_link, recipient, short_link};

pub const TTL: Duration = Duration::from_secs(5);
/// Entries kept per map before it is emptied and refilled.
const CAPACITY: usize = 50_000;

struct Expiring<K, V> {
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash, V: Clone> Expiring<K, V> {
    fn new() -> Self {
        Expiring { entries: Mutex::new(HashMap::new()) }
    }

    fn get<Q: Eq + Hash + ?Sized>(&self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
    {
        let entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.get(key).filter(|(at, _)| at.elapsed() < TTL).map(|(_, value)| value.clone())
    }

    fn put(&self, key: K, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key, (Instant::now(), value));
    }

    fn remove<Q: Eq + Hash + ?Sized>(&self, key: &Q)
    where
        K: std::borrow::Borrow<Q>,
    {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(key);
    }
}

/// One per server; cheap to clone.
#[derive(Clone)]
pub struct LookupCache {
    short_links: Arc<Expiring<String, Arc<short_link::Model>>>,
    recipients: Arc<Expiring<i32, Arc<recipient::Model>>>,
    links: Arc<Expiring<i32, Arc<announcement_link::Model>>>,
}

impl Default for LookupCache {
    fn default() -> Self {
        LookupCache { short_links: Arc::new(Expiring::new()), recipients: Arc::new(Expiring::new()), links: Arc::new(Expiring::new()) }
    }
}

impl LookupCache {
    pub fn short_link(&self, code: &str) -> Option<Arc<short_link::Model>> {
        self.short_links.get(code)
    }
    pub fn keep_short_link(&self, link: Arc<short_link::Model>) {
        self.short_links.put(link.code.clone(), link);
    }
    pub fn forget_short_link(&self, code: &str) {
        self.short_links.remove(code);
    }
    pub fn recipient(&self, id: i32) -> Option<Arc<recipient::Model>> {
        self.recipients.get(&id)
    }
    pub fn keep_recipient(&self, model: Arc<recipient::Model>) {
        self.recipients.put(model.id, model);
    }
    pub fn link(&self, id: i32) -> Option<Arc<announcement_link::Model>> {
        self.links.get(&id)
    }
    pub fn keep_link(&self, model: Arc<announcement_link::Model>) {
        self.links.put(model.id, model);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_can_be_dropped() {
        let cache: Expiring<i32, &str> = Expiring::new();
        cache.put(1, "one");
        assert_eq!(cache.get(&1), Some("one"));
        cache.remove(&1);
        assert_eq!(cache.get(&1), None);
        cache.entries.lock().unwrap().insert(2, (Instant::now() - TTL, "stale"));
        assert_eq!(cache.get(&2), None);
    }
}
