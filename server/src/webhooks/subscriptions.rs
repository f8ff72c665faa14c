//! Which events the active webhooks want, known to the whole process, so that
//! [`super::enqueue`] costs nothing when no webhook wants an event (the
//! tracking recorder calls it for every click).
//!
//! Each running [`super::worker::WebhookWorker`] keeps its server's entry
//! fresh: every few seconds (webhooks edited on another server) and at once
//! after this process edited one ([`changed`]). A process normally runs one
//! server; the tests run several, each on its own database, so the answer is
//! only "maybe": the insert itself reads the real `webhooks` table. Until
//! every entry has caught up with a change, or when no worker runs at all
//! (a CLI command), the answer is "maybe" too.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, PoisonError, RwLock};

use tokio::sync::Notify;

/// Bumped by every change this process makes to a webhook.
static GENERATION: AtomicU64 = AtomicU64::new(1);
static NEXT_ENTRY: AtomicU64 = AtomicU64::new(1);
static ENTRIES: LazyLock<RwLock<HashMap<u64, Entry>>> = LazyLock::new(Default::default);
/// Wakes the workers: to reload after a change, or to deliver something new.
static WAKE: LazyLock<Notify> = LazyLock::new(Notify::new);

struct Entry {
    events: HashSet<String>,
    /// The generation current when `events` was read; older means stale.
    generation: u64,
}

/// Whether some active webhook may want `event`. `false` is certain.
pub fn may_want(event: &str) -> bool {
    let generation = GENERATION.load(Ordering::Acquire);
    let entries = ENTRIES.read().unwrap_or_else(PoisonError::into_inner);
    entries.is_empty() || entries.values().any(|entry| entry.generation < generation || entry.events.contains(event))
}

/// Call after this server created, edited or deleted a webhook (once committed).
pub fn changed() {
    GENERATION.fetch_add(1, Ordering::AcqRel);
    wake();
}

pub fn wake() {
    WAKE.notify_waiters();
}

/// Resolves at the next [`wake`] after it was created.
pub fn woken() -> tokio::sync::futures::Notified<'static> {
    WAKE.notified()
}

/// One server's entry, owned by its worker and removed when the worker stops.
pub struct Registration {
    id: u64,
}

impl Registration {
    /// Starts stale, so events count as wanted until the first [`Registration::update`].
    pub fn new() -> Registration {
        let id = NEXT_ENTRY.fetch_add(1, Ordering::Relaxed);
        ENTRIES.write().unwrap_or_else(PoisonError::into_inner).insert(id, Entry { events: HashSet::new(), generation: 0 });
        Registration { id }
    }

    /// Whether this process changed a webhook since the entry was last updated.
    pub fn stale(&self) -> bool {
        let generation = GENERATION.load(Ordering::Acquire);
        let entries = ENTRIES.read().unwrap_or_else(PoisonError::into_inner);
        entries.get(&self.id).is_none_or(|entry| entry.generation < generation)
    }

    /// Read before loading the events, and hand to [`Registration::update`]:
    /// a change made while loading leaves the entry stale.
    pub fn generation(&self) -> u64 {
        GENERATION.load(Ordering::Acquire)
    }

    pub fn update(&self, generation: u64, events: HashSet<String>) {
        ENTRIES.write().unwrap_or_else(PoisonError::into_inner).insert(self.id, Entry { events, generation });
    }
}

impl Default for Registration {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        ENTRIES.write().unwrap_or_else(PoisonError::into_inner).remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // One test: the entries are process-wide, and parallel tests would see each other's.
    #[test]
    fn events_are_wanted_until_every_server_knows_they_are_not() {
        let first = Registration::new();
        assert!(may_want("click"), "a server that has not loaded its webhooks yet may want anything");
        first.update(first.generation(), HashSet::from(["bounce".to_owned()]));
        assert!(may_want("bounce"));
        assert!(!may_want("click"));
        changed();
        assert!(first.stale());
        assert!(may_want("click"), "after a change, until the server reloads");
        let loading = first.generation();
        changed();
        first.update(loading, HashSet::new());
        assert!(first.stale(), "a change made while loading is not missed");
        first.update(first.generation(), HashSet::new());
        assert!(!may_want("bounce"));
        let second = Registration::new();
        assert!(may_want("bounce"));
        second.update(second.generation(), HashSet::from(["click".to_owned()]));
        assert!(may_want("click") && !may_want("bounce"));
        drop(second);
        drop(first);
        assert!(may_want("open"), "with no worker running, the table decides");
    }
}
