//! A runner monitor's runners and their outages, as its page shows them.

use kinds::RunnerStatus;
use serde::{Deserialize, Serialize};

use super::When;

/// One self-hosted runner with its newest outages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunnerItem {
    pub name: String,
    /// `Unknown`: missing from GitHub's last listing.
    pub status: RunnerStatus,
    pub busy: bool,
    pub os: String,
    pub labels: Vec<String>,
    pub first_seen: When,
    pub last_seen: When,
    /// Newest first, at most [`RunnersData::outages_per_runner`].
    pub outages: Vec<OutageItem>,
}

/// One outage of a runner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutageItem {
    /// 1, 2, 3 … per runner.
    pub number: i32,
    pub ongoing: bool,
    pub started: When,
    pub resolved: Option<When>,
    /// E.g. `3m 5s`; until now while ongoing.
    pub duration: String,
    pub description: String,
}

/// The runners section of a monitor's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RunnersData {
    pub runners: Vec<RunnerItem>,
    /// How many outages each runner shows at most.
    pub outages_per_runner: usize,
}

impl RunnersData {
    /// How many runners are unhealthy (offline or missing).
    pub fn unhealthy(&self) -> usize {
        self.runners.iter().filter(|r| r.status != RunnerStatus::Online).count()
    }
}
