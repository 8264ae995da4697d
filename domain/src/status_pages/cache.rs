//! A short in-process cache of public pages, so that a spike of visitors
//! during an outage costs a few queries: each slug is read at most once per
//! [`TTL`] per process, and visitors arriving together while it is read
//! wait for that one read instead of starting their own. Bounded: at most
//! [`CAPACITY`] slugs, the oldest dropped first. Only published pages are
//! kept; an unknown slug is asked again (it costs one indexed lookup).
//! The time comes from an injected [`Clock`], so tests move it instead of
//! sleeping.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use tokio::sync::OnceCell;

use super::public::PublicPage;
use super::PageError;
use crate::clock::Clock;

/// How long a read page is served before it is read again.
pub const TTL: Duration = Duration::seconds(5);
/// The most slugs kept.
pub const CAPACITY: usize = 1_000;

type Slot = Arc<OnceCell<Arc<PublicPage>>>;

/// Public pages by slug, each for [`TTL`] after it was read.
pub struct PublicCache {
    clock: Clock,
    capacity: usize,
    entries: Mutex<HashMap<String, (DateTime<Utc>, Slot)>>,
}

impl std::fmt::Debug for PublicCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicCache").finish_non_exhaustive()
    }
}

impl PublicCache {
    /// An empty cache reading the time from `clock`.
    pub fn new(clock: Clock) -> Self {
        Self::bounded(clock, CAPACITY)
    }

    /// An empty cache keeping at most `capacity` slugs.
    pub fn bounded(clock: Clock, capacity: usize) -> Self {
        Self { clock, capacity: capacity.max(1), entries: Mutex::new(HashMap::new()) }
    }

    /// The page at `slug`: the one read less than [`TTL`] ago, else what
    /// `load` reads (once, however many callers ask at the same time).
    pub async fn get_or_load<F, Fut>(
        &self,
        slug: &str,
        load: F,
    ) -> Result<Arc<PublicPage>, PageError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<PublicPage, PageError>>,
    {
        let slot = self.slot(slug);
        let page = slot.get_or_try_init(|| async { load().await.map(Arc::new) }).await;
        if page.is_err() {
            // Nothing to serve: the next visitor asks again.
            self.forget_slot(slug, &slot);
        }
        page.cloned()
    }

    /// Drops `slug`, so this process reads it again at once (after its
    /// owner changed it; other processes see the change within [`TTL`]).
    pub fn forget(&self, slug: &str) {
        self.lock().remove(slug);
    }

    /// The fresh slot of `slug`, or a new empty one in its place.
    fn slot(&self, slug: &str) -> Slot {
        let now = self.clock.now();
        let mut entries = self.lock();
        if let Some((at, slot)) = entries.get(slug) {
            if now - *at < TTL && now >= *at {
                return Arc::clone(slot);
            }
        }
        if entries.len() >= self.capacity {
            entries.retain(|_, (at, _)| now - *at < TTL);
        }
        if entries.len() >= self.capacity {
            let oldest = entries.iter().min_by_key(|(_, (at, _))| *at).map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                entries.remove(&oldest);
            }
        }
        let slot = Slot::default();
        entries.insert(slug.to_owned(), (now, Arc::clone(&slot)));
        slot
    }

    fn forget_slot(&self, slug: &str, slot: &Slot) {
        let mut entries = self.lock();
        if entries.get(slug).is_some_and(|(_, kept)| Arc::ptr_eq(kept, slot)) {
            entries.remove(slug);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (DateTime<Utc>, Slot)>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many slugs are kept (for tests of the bound).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
}
