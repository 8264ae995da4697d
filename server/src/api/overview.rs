//! `GET /api/v1/admin/overview`: the whole installation at a glance (ADMIN
//! only). The figures come from `domain::history::overview`; the queue
//! depths from the queues themselves.

use app::dto::{QueueDepth, StatusCounts};
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::envelope::Envelope;
use super::error::{ApiError, ErrorBody};
use crate::auth::Admin;
use crate::state::AppState;

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
    /// Monitors by current status.
    pub monitors: StatusCounts,
    pub open_incidents: u64,
    /// Checks recorded in the last minute.
    pub checks_per_minute: u64,
    /// The pipeline's queues: checks, status, notifications; `depth` is null
    /// when the queue did not answer.
    pub queues: Vec<QueueDepth>,
    /// Regions (workers) seen in the last ten minutes, busiest first.
    pub workers: Vec<RegionBody>,
    /// The latest down checks of the last day, newest first (at most 20).
    pub recent_failures: Vec<FailureBody>,
}

/// Counts, checks per minute, queue depths, workers seen, open incidents
/// and recent failures (ADMIN only).
#[utoipa::path(get, path = "/admin/overview", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Envelope<OverviewBody>), (status = 401, body = ErrorBody),
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
        .map(|(queue, depth)| QueueDepth { queue: queue.to_owned(), depth })
        .collect();
    Ok(Envelope::ok(OverviewBody {
        monitors: o.monitors.into(),
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
