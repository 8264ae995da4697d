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

// The overview's rows are defined once for the REST API and the admin
// dashboard; `T` is how a time travels: an [`Instant`] on the API, a `When`
// (text and "ago", computed by the server) on the page.

/// A region whose workers ran checks in the last ten minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionSeen<T> {
    pub region: String,
    /// Checks it ran in the window.
    pub checks: u64,
    pub last_seen: T,
}

/// A recent down check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Failure<T> {
    #[cfg_attr(feature = "openapi", schema(format = Uuid))]
    pub check_id: String,
    #[cfg_attr(feature = "openapi", schema(format = Uuid))]
    pub monitor_id: String,
    pub monitor_name: String,
    pub checked_at: T,
    pub error: Option<String>,
    pub http_status: Option<i16>,
    pub region: String,
}

/// The whole installation at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overview<T> {
    /// Monitors by current status.
    pub monitors: StatusCounts,
    pub open_incidents: u64,
    /// Checks recorded in the last minute.
    pub checks_per_minute: u64,
    /// The pipeline's queues: checks, status, notifications; `depth` is null
    /// when the queue did not answer.
    pub queues: Vec<QueueDepth>,
    /// Regions (workers) seen in the last ten minutes, busiest first.
    pub workers: Vec<RegionSeen<T>>,
    /// The latest down checks of the last day, newest first (at most 20).
    pub recent_failures: Vec<Failure<T>>,
}

impl<T> Overview<T> {
    /// The same overview with its times shown another way.
    pub fn map_time<U>(self, mut f: impl FnMut(T) -> U) -> Overview<U> {
        Overview {
            monitors: self.monitors,
            open_incidents: self.open_incidents,
            checks_per_minute: self.checks_per_minute,
            queues: self.queues,
            workers: self
                .workers
                .into_iter()
                .map(|r| RegionSeen {
                    region: r.region,
                    checks: r.checks,
                    last_seen: f(r.last_seen),
                })
                .collect(),
            recent_failures: self
                .recent_failures
                .into_iter()
                .map(|x| Failure {
                    check_id: x.check_id,
                    monitor_id: x.monitor_id,
                    monitor_name: x.monitor_name,
                    checked_at: f(x.checked_at),
                    error: x.error,
                    http_status: x.http_status,
                    region: x.region,
                })
                .collect(),
        }
    }
}

/// An instant, RFC 3339 in UTC.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
#[serde(transparent)]
pub struct Instant(pub chrono::DateTime<chrono::Utc>);

#[cfg(feature = "ssr")]
impl Overview<Instant> {
    /// The domain's figures with the queues' depths.
    pub fn new(o: domain::history::overview::Overview, queues: Vec<QueueDepth>) -> Self {
        Self {
            monitors: o.monitors,
            open_incidents: o.open_incidents,
            checks_per_minute: o.checks_last_minute,
            queues,
            workers: o
                .regions
                .into_iter()
                .map(|r| RegionSeen {
                    region: r.region,
                    checks: r.checks,
                    last_seen: Instant(r.last_seen),
                })
                .collect(),
            recent_failures: o
                .recent_failures
                .into_iter()
                .map(|f| Failure {
                    check_id: f.check_id.to_string(),
                    monitor_id: f.monitor_id.to_string(),
                    monitor_name: f.monitor_name,
                    checked_at: Instant(f.checked_at),
                    error: f.error,
                    http_status: f.http_status,
                    region: f.region,
                })
                .collect(),
        }
    }
}

/// The admin dashboard: the overview and every monitor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub summary: Overview<When>,
    pub monitors: Vec<MonitorRow>,
}
