//! Where time-dependent logic reads "now". Production uses [`SystemClock`];
//! tests inject a [`FixedClock`], so no test races a boundary such as a
//! five-minute replay window against the wall clock.

use chrono::{DateTime, Utc};

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The machine's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that always reads the same instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl FixedClock {
    /// A clock stopped at `secs` unix seconds (the epoch if out of range).
    pub fn at_unix(secs: i64) -> Self {
        Self(DateTime::from_timestamp(secs, 0).unwrap_or_default())
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}
