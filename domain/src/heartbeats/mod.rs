//! Heartbeat and cron-job monitors: the check is the absence of a ping.
//! This module is the pure part — the schedule a job keeps ([`schedule`]),
//! the pings it sends ([`ping`]), the runs they make ([`runs`]) and the
//! verdict at an instant ([`verdict`]). Nothing here reads a clock or a
//! database: the caller passes `now` and the history it loaded.

pub mod ping;
pub mod runs;
pub mod schedule;
pub mod verdict;

#[cfg(test)]
mod verdict_tests;

pub use ping::{Ping, PingKind, PushForm, PING_BODY_LIMIT};
pub use runs::{History, Outcome, Run};
pub use schedule::{HeartbeatSpec, Schedule};
pub use verdict::{evaluate, next_due, DegradedReason, DownReason, Verdict};
