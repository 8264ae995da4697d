//! GitHub Actions runners of `github_runners` monitors: what a listing saw
//! ([`ListingOutcome`]), recording it (the listing's step in the recording
//! skeleton, [`crate::pipeline::recording`]: runners, their confirmed health
//! and per-runner status changes in one transaction; [`record_listing`]), and
//! the read side the API, Slack and the UI share ([`list_runners`],
//! [`outages`]), and forgetting decommissioned runners ([`forget_runner`]).
//!
//! A runner is healthy when GitHub says `online`; `offline`, and `unknown`
//! (missing from a complete listing), are unhealthy. Each runner has its own
//! outages: incidents whose `subject` is the runner's name, numbered per
//! runner. The monitor's own incident (`subject` = '') is reserved for the
//! listing itself failing (token rejected, API errors), so one runner going
//! offline notifies once, not twice.

mod forget;
mod read;
mod record;
mod store;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub(crate) use forget::forget_all;
pub use forget::forget_runner;
pub use read::{
    find_runner, list_runners, listing_state, outages, recent_outages, ListingState, OutageView,
    RunnerView,
};
pub use record::record_listing;

pub use kinds::{OutageStatus, RunnerStatus};

/// Why a runner in `status` is unhealthy (or that it is well), in a sentence.
pub fn describe(status: RunnerStatus, name: &str) -> String {
    match status {
        RunnerStatus::Online => format!("Runner {name} is online"),
        RunnerStatus::Offline => format!("Runner {name} is offline"),
        RunnerStatus::Unknown => format!("Runner {name} is missing from GitHub's runner list"),
    }
}

/// One runner as a listing shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedRunner {
    pub github_id: i64,
    pub name: String,
    /// Online or offline.
    pub status: RunnerStatus,
    pub busy: bool,
    pub os: String,
    pub labels: Vec<String>,
}

/// One page of a full listing: where it was and its ETag, for conditional
/// requests next time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageTag {
    pub url: String,
    pub etag: Option<String>,
}

/// What one listing of a monitor's runners came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListingOutcome {
    /// Every page was read: these are all the runners.
    Listed { runners: Vec<ListedRunner>, pages: Vec<PageTag> },
    /// Every page answered 304 Not Modified: the stored runners stand.
    Unchanged,
    /// GitHub's rate limit: nothing is known; check again after `until`.
    RateLimited { until: DateTime<Utc>, error: String },
    /// The listing failed: token rejected, not found, server or network error.
    Failed { error: String },
}

/// The result of one listing of one slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingResult {
    pub monitor_id: Uuid,
    /// The slot the check was scheduled for (unix ms): the result's identity.
    pub slot: i64,
    pub checked_at: DateTime<Utc>,
    /// Time for the whole listing, every page.
    pub latency_ms: Option<i32>,
    /// The last HTTP status GitHub answered.
    pub http_status: Option<i16>,
    pub outcome: ListingOutcome,
    pub region: String,
}
