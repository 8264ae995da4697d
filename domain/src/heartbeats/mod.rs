//! Heartbeat and cron-job monitors: the check is the absence of a ping.
//! The schedule a job keeps ([`schedule`]), the pings it sends ([`ping`]),
//! the runs they make ([`runs`]), the verdict at an instant ([`verdict`])
//! and its words ([`explain`]) are pure: they take `now` and the history
//! loaded. The database side: the token
//! and ping rows ([`store`]), a verdict recorded through the pipeline's
//! skeleton ([`record`]), and the service the ping endpoints and the API
//! call ([`service`]).

pub mod explain;
pub mod ping;
pub mod record;
pub mod runs;
pub mod schedule;
pub mod service;
pub mod store;
pub mod verdict;

#[cfg(test)]
mod verdict_tests;

pub use ping::{Ping, PingKind, PushForm, PING_BODY_LIMIT};
pub use runs::{History, Outcome, Run};
pub use schedule::{HeartbeatSpec, Schedule};
pub use verdict::{evaluate, next_due, wake_at, DegradedReason, DownReason, Verdict};
