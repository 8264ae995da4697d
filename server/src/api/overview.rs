//! `GET /api/v1/admin/overview`: the whole installation at a glance (ADMIN
//! only). The figures come from `domain::history::overview`; the queue
//! depths from the queues themselves.

use app::dto::{Instant, Overview, QueueDepth};
use axum::extract::State;
use chrono::Utc;

use super::envelope::Envelope;
use super::error::{ApiError, ErrorBody};
use crate::auth::Admin;
use crate::state::AppState;

/// `data` of the overview: the one definition the admin dashboard shows too.
pub type OverviewBody = Overview<Instant>;

/// Counts, checks per minute, queue depths, workers seen, open incidents
/// and recent failures (ADMIN only).
#[utoipa::path(get, path = "/admin/overview", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Envelope<OverviewBody>), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn overview(
    State(state): State<AppState>,
    Admin(admin): Admin,
) -> Result<Envelope<OverviewBody>, ApiError> {
    let o = domain::history::overview::overview(&state.db, &admin, Utc::now())
        .await
        .map_err(ApiError::internal)?;
    let queues = crate::ports::queue_depths(&state.queue)
        .await
        .into_iter()
        .map(|(queue, depth)| QueueDepth { queue: queue.to_owned(), depth })
        .collect();
    Ok(Envelope::ok(Overview::new(o, queues)))
}
