//! Sign-in throttling: attempts per client address and failures per account,
//! counted in fixed windows in this process's memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Beyond this many tracked keys, expired windows are swept on insert.
const SWEEP_ABOVE: usize = 10_000;

/// Counts events per key in fixed windows; a key over its limit is blocked
/// until its window ends.
#[derive(Debug)]
pub struct Throttle {
    limit: u32,
    window: Duration,
    counts: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Throttle {
    /// At most `limit` events per `window` per key.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self { limit, window, counts: Mutex::new(HashMap::new()) }
    }

    /// `Err(seconds to wait)` when `key` has used up its window.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), u64> {
        let counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        match counts.get(key) {
            Some((start, count)) if *count >= self.limit && now < *start + self.window => {
                let left = (*start + self.window).saturating_duration_since(now);
                Err(left.as_secs().max(1))
            }
            _ => Ok(()),
        }
    }

    /// Counts one event for `key`.
    pub fn hit(&self, key: &str, now: Instant) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if counts.len() > SWEEP_ABOVE {
            let window = self.window;
            counts.retain(|_, (start, _)| now < *start + window);
        }
        let entry = counts.entry(key.to_owned()).or_insert((now, 0));
        if now >= entry.0 + self.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }

    /// Forgets `key` (after a successful sign-in).
    pub fn reset(&self, key: &str) {
        self.counts.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}

/// The two throttles of sign-in.
#[derive(Debug)]
pub struct SigninThrottle {
    /// Every attempt from one client address.
    pub per_client: Throttle,
    /// Failed attempts against one account.
    pub per_account: Throttle,
}

impl Default for SigninThrottle {
    /// 20 attempts a minute per address; 5 failures per 5 minutes per account.
    fn default() -> Self {
        Self {
            per_client: Throttle::new(20, Duration::from_secs(60)),
            per_account: Throttle::new(5, Duration::from_secs(300)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_blocked_after_its_limit_until_the_window_ends() {
        let throttle = Throttle::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(throttle.check("k", t0).is_ok());
            throttle.hit("k", t0);
        }
        let wait = throttle.check("k", t0 + Duration::from_secs(10)).expect_err("blocked");
        assert_eq!(wait, 50);
        assert!(throttle.check("other", t0).is_ok(), "keys are independent");
        assert!(throttle.check("k", t0 + Duration::from_secs(61)).is_ok());
    }

    #[test]
    fn reset_unblocks_a_key() {
        let throttle = Throttle::new(1, Duration::from_secs(60));
        let now = Instant::now();
        throttle.hit("k", now);
        assert!(throttle.check("k", now).is_err());
        throttle.reset("k");
        assert!(throttle.check("k", now).is_ok());
    }
}
