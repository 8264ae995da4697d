//! What the admin console and the admin dashboard show.

use kinds::Role;
use serde::{Deserialize, Serialize};

use super::{MonitorRow, StatusCounts, When};

/// A user as admins see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUser {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub disabled: bool,
    pub monitor_count: i64,
    pub created: When,
}

/// Jobs waiting in one queue (`None`: the queue did not answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueDepth {
    pub queue: String,
    pub depth: Option<u64>,
}

/// A region (worker location) that ran checks recently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionSeen {
    pub region: String,
    pub checks: u64,
    pub last_seen: When,
}

/// A recent failed check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureItem {
    pub monitor_id: String,
    pub monitor_name: String,
    pub at: When,
    pub error: Option<String>,
    pub http_status: Option<i16>,
    pub region: String,
}

/// The whole installation at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub counts: StatusCounts,
    pub open_incidents: u64,
    pub checks_last_minute: u64,
    pub queues: Vec<QueueDepth>,
    pub regions: Vec<RegionSeen>,
    pub failures: Vec<FailureItem>,
    pub monitors: Vec<MonitorRow>,
}
