//! The password-hashing gate: each Argon2 hash takes 19 MiB and tens of
//! milliseconds of a core, so a flood of sign-ups or sign-ins could exhaust
//! memory if every request hashed at once. At most `permits` hashes run;
//! at most `max_waiting` callers queue behind them; the rest are refused at
//! once with "busy, retry shortly".

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Hashes run at once by default (2 × 19 MiB).
pub const DEFAULT_PERMITS: usize = 2;
/// Callers allowed to wait for a hash by default; more are refused.
pub const DEFAULT_MAX_WAITING: usize = 32;
/// What a refused caller is told to wait, in seconds.
pub const BUSY_RETRY_AFTER_SECS: u64 = 1;

/// Bounds the hashes running and waiting; cheap to clone.
#[derive(Debug, Clone)]
pub struct HashGate {
    permits: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
    max_waiting: usize,
}

/// The gate is full: retry after a second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GateFull;

/// Holding one hashing slot; released on drop.
#[derive(Debug)]
pub struct HashSlot {
    _permit: OwnedSemaphorePermit,
}

/// Counts a waiter while its future is alive (also when it is dropped early).
struct Waiting(Arc<AtomicUsize>);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl HashGate {
    /// At most `permits` hashes at once and `max_waiting` callers queued.
    pub fn new(permits: usize, max_waiting: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(permits.max(1))),
            waiting: Arc::new(AtomicUsize::new(0)),
            max_waiting,
        }
    }

    /// A slot to hash in: at once if one is free, after waiting if the queue
    /// has room, `GateFull` otherwise.
    pub async fn enter(&self) -> Result<HashSlot, GateFull> {
        if let Ok(permit) = self.permits.clone().try_acquire_owned() {
            return Ok(HashSlot { _permit: permit });
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(GateFull);
        }
        let _waiting = Waiting(self.waiting.clone());
        // The semaphore is never closed; were it, the caller would see "busy".
        let permit = self.permits.clone().acquire_owned().await.map_err(|_| GateFull)?;
        Ok(HashSlot { _permit: permit })
    }
}

impl Default for HashGate {
    fn default() -> Self {
        Self::new(DEFAULT_PERMITS, DEFAULT_MAX_WAITING)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Polls `future` once: `None` when it is pending.
    async fn poll_once<F: std::future::Future + Unpin>(future: &mut F) -> Option<F::Output> {
        tokio::time::timeout(Duration::ZERO, future).await.ok()
    }

    #[tokio::test]
    async fn at_most_the_permits_run_the_queue_is_bounded_and_the_rest_are_refused() {
        let gate = HashGate::new(2, 1);
        let first = gate.enter().await.expect("a free slot");
        let _second = gate.enter().await.expect("a free slot");
        let mut third = Box::pin(gate.enter());
        assert!(poll_once(&mut third).await.is_none(), "the third waits");
        assert_eq!(gate.enter().await.unwrap_err(), GateFull, "the queue is full");
        drop(first);
        let _third_slot = poll_once(&mut third).await.expect("ready").expect("the freed slot");
        let mut fourth = Box::pin(gate.enter());
        assert!(poll_once(&mut fourth).await.is_none(), "the fourth waits");
        drop(fourth);
        let mut fifth = Box::pin(gate.enter());
        assert!(poll_once(&mut fifth).await.is_none(), "a dropped waiter gave back its place");
    }
}
