//! What the redirect endpoints look up on every request, kept in memory for
//! a few seconds so a click costs no database read: short links by code,
//! and the recipients and link targets that email tokens name (both never
//! change once written). A short link revoked on this server is dropped at
//! once; other servers stop redirecting it within [`TTL`] (and the moment
//! one request takes to read it again).
//!
//! When an entry expires, the first request to ask reads it again while the
//! others keep getting the old value for up to [`GRACE`]: under a burst of
//! clicks on one link, one database read instead of one per request in
//! flight, all waiting on the pool at once.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::entities::{announcement_link, recipient, short_link};

pub const TTL: Duration = Duration::from_secs(5);
/// How long an expired entry is still handed out while one request reads it again.
const GRACE: Duration = Duration::from_secs(2);
/// Entries kept per map before it is emptied and refilled.
const CAPACITY: usize = 50_000;

struct Expiring<K, V> {
    entries: Mutex<HashMap<K, Entry<V>>>,
}

struct Entry<V> {
    stored: Instant,
    value: V,
    /// Expired, and a request has been told to read it again.
    refreshing: bool,
}

impl<K: Eq + Hash, V: Clone> Expiring<K, V> {
    fn new() -> Self {
        Expiring { entries: Mutex::new(HashMap::new()) }
    }

    fn get<Q: Eq + Hash + ?Sized>(&self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
    {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = entries.get_mut(key)?;
        let age = entry.stored.elapsed();
        if age < TTL || (entry.refreshing && age < TTL + GRACE) {
            return Some(entry.value.clone());
        }
        // This caller reads it again (and `put`s it); the others wait for
        // nothing meanwhile. Past the grace, a refresh that never came back
        // is handed to the next caller.
        entry.refreshing = true;
        entry.stored = Instant::now().checked_sub(TTL).unwrap_or(entry.stored);
        None
    }

    fn put(&self, key: K, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key, Entry { stored: Instant::now(), value, refreshing: false });
    }

    fn remove<Q: Eq + Hash + ?Sized>(&self, key: &Q)
    where
        K: std::borrow::Borrow<Q>,
    {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(key);
    }

    /// The cached value, or `load`'s answer, kept; a row that is gone is
    /// forgotten (so it is not handed out during another caller's grace).
    /// After an error the entry is left to the next caller past the grace.
    async fn get_or_load<Q, E, Fut>(&self, key: &Q, load: impl FnOnce() -> Fut) -> Result<Option<V>, E>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ToOwned<Owned = K> + ?Sized,
        Fut: Future<Output = Result<Option<V>, E>>,
    {
        if let Some(value) = self.get(key) {
            return Ok(Some(value));
        }
        let loaded = load().await?;
        match &loaded {
            Some(value) => self.put(key.to_owned(), value.clone()),
            None => self.remove(key),
        }
        Ok(loaded)
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

/// What a lookup that may find nothing returns.
type Found<T, E> = Result<Option<Arc<T>>, E>;

impl LookupCache {
    pub async fn short_link<E, Fut: Future<Output = Found<short_link::Model, E>>>(&self, code: &str, load: impl FnOnce() -> Fut) -> Found<short_link::Model, E> {
        self.short_links.get_or_load(code, load).await
    }
    pub fn forget_short_link(&self, code: &str) {
        self.short_links.remove(code);
    }
    pub async fn recipient<E, Fut: Future<Output = Found<recipient::Model, E>>>(&self, id: i32, load: impl FnOnce() -> Fut) -> Found<recipient::Model, E> {
        self.recipients.get_or_load(&id, load).await
    }
    pub async fn link<E, Fut: Future<Output = Found<announcement_link::Model, E>>>(&self, id: i32, load: impl FnOnce() -> Fut) -> Found<announcement_link::Model, E> {
        self.links.get_or_load(&id, load).await
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
        cache.entries.lock().unwrap().insert(2, Entry { stored: Instant::now() - TTL, value: "stale", refreshing: false });
        assert_eq!(cache.get(&2), None);
    }

    #[test]
    fn while_one_caller_reads_an_expired_entry_again_the_others_get_the_old_value() {
        let cache: Expiring<i32, &str> = Expiring::new();
        cache.entries.lock().unwrap().insert(1, Entry { stored: Instant::now() - TTL, value: "old", refreshing: false });
        assert_eq!(cache.get(&1), None, "the first caller reads it again");
        assert_eq!(cache.get(&1), Some("old"));
        assert_eq!(cache.get(&1), Some("old"));
        cache.put(1, "new");
        assert_eq!(cache.get(&1), Some("new"));

        // A refresh that never came back is handed on after the grace.
        cache.entries.lock().unwrap().insert(2, Entry { stored: Instant::now() - TTL - GRACE, value: "old", refreshing: true });
        assert_eq!(cache.get(&2), None);
        assert_eq!(cache.get(&2), Some("old"));
    }

    #[tokio::test]
    async fn a_loaded_value_is_kept_and_a_row_that_is_gone_is_forgotten() {
        let cache: Expiring<String, &str> = Expiring::new();
        let loaded = cache.get_or_load("abc", || async { Ok::<_, ()>(Some("link")) }).await;
        assert_eq!(loaded, Ok(Some("link")));
        let cached = cache.get_or_load("abc", || async { panic!("read from the cache") as Result<Option<&str>, ()> }).await;
        assert_eq!(cached, Ok(Some("link")));

        cache.entries.lock().unwrap().get_mut("abc").unwrap().stored = Instant::now() - TTL;
        assert_eq!(cache.get_or_load("abc", || async { Ok::<_, ()>(None) }).await, Ok(None));
        assert_eq!(cache.get("abc"), None, "not handed out during a grace");
        assert!(cache.entries.lock().unwrap().is_empty());

        assert_eq!(cache.get_or_load("xyz", || async { Err::<Option<&str>, _>("database down") }).await, Err("database down"));
    }
}
