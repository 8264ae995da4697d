//! `GET /api/v1/admin/overview`: the whole installation at a glance (ADMIN
//! only). The figures come from `domain::history::overview`; the queue
//! depths from the queues themselves.

use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::envelope::Envelope;
use super::error::{ApiError, ErrorBody};
use crate::auth::Admin;
use crate::state::AppState;

/// Monitors by current status.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonitorCounts {
    pub total: u64,
    pub up: u64,
    pub down: u64,
    pub degraded: u64,
    pub paused: u64,
    pub unknown: u64,
}

/// Jobs waiting in one queue; `depth` is null when the queue did not answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueDepthBody {
    pub queue: String,
    pub depth: Option<u64>,
}

/// A region whose workers ran checks in the last ten minutes.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionBody {
    pub region: String,
    pub checks: u64,
    pub last_seen: DateTime<Utc>,
}

/// A recent down check.
#[derive(Debug, Serialize, ToSchema)]
pub struct FailureBody {
    pub check_id: Uuid,
    pub monitor_id: Uuid,
    pub monitor_name: String,
    pub checked_at: DateTime<Utc>,
    pub error: Option<String>,
    pub http_status: Option<i16>,
    pub region: String,
}

/// `data` of the overview.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverviewBody {
    pub monitors: MonitorCounts,
    pub open_incidents: u64,
    /// Checks recorded in the last minute.
    pub checks_per_minute: u64,
    /// The pipeline's queues: checks, status, notifications.
    pub queues: Vec<QueueDepthBody>,
    /// Regions (workers) seen in the last ten minutes, busiest first.
    pub workers: Vec<RegionBody>,
    /// The latest down checks of the last day, newest first (at most 20).
    pub recent_failures: Vec<FailureBody>,
}

/// Counts, checks per minute, queue depths, workers seen, open incidents
/// and recent failures (ADMIN only).
#[utoipa::path(get, path = "/admin/overview", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = OverviewBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn overview(
    State(state): State<AppState>,
    Admin(_): Admin,
) -> Result<Envelope<OverviewBody>, ApiError> {
    let o = domain::history::overview::overview(&state.db, Utc::now())
        .await
        .map_err(ApiError::internal)?;
    let queues = crate::ports::queue_depths(&state.queue)
        .await
        .into_iter()
        .map(|(queue, depth)| QueueDepthBody { queue: queue.to_owned(), depth })
        .collect();
    let m = o.monitors;
    Ok(Envelope::ok(OverviewBody {
        monitors: MonitorCounts {
            total: m.total,
            up: m.up,
            down: m.down,
            degraded: m.degraded,
            paused: m.paused,
            unknown: m.unknown,
        },
        open_incidents: o.open_incidents,
        checks_per_minute: o.checks_last_minute,
        queues,
        workers: o
            .regions
            .into_iter()
            .map(|r| RegionBody { region: r.region, checks: r.checks, last_seen: r.last_seen })
            .collect(),
        recent_failures: o
            .recent_failures
            .into_iter()
            .map(|f| FailureBody {
                check_id: f.check_id,
                monitor_id: f.monitor_id,
                monitor_name: f.monitor_name,
                checked_at: f.checked_at,
                error: f.error,
                http_status: f.http_status,
                region: f.region,
            })
            .collect(),
    }))
}
