//! A monitor's history in our API: checks (cursor), statistics, incidents
//! and notifications. Owner or admin only, like the monitor itself.

use axum::extract::State;
use chrono::Utc;
use domain::history::{self, CheckPage, IncidentRow, NotificationRow, Stats, Window};
use domain::monitors::Read;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use uuid::Uuid;

use super::envelope::Envelope;
use super::error::{ApiError, ErrorBody};
use super::extract::{Path, Query};
use crate::auth::Auth;
use crate::state::AppState;

/// Paging of a history list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct Paging {
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size (default 50, at most 1000).
    pub limit: Option<u64>,
}

/// The statistics window.
#[derive(Debug, Deserialize, IntoParams)]
pub struct WindowQuery {
    /// 1h, 24h, 7d, 30d or 90d (default 24h).
    pub window: Option<String>,
}

/// `data` of a monitor's incident list.
#[derive(Debug, Serialize)]
pub struct IncidentList {
    pub incidents: Vec<IncidentRow>,
    pub next_cursor: Option<String>,
}

/// `data` of a monitor's notification list.
#[derive(Debug, Serialize)]
pub struct NotificationList {
    pub items: Vec<NotificationRow>,
    pub next_cursor: Option<String>,
}

/// A monitor's checks, newest first.
#[utoipa::path(get, path = "/monitors/{id}/checks", tag = "monitors", params(Paging), security(("bearer" = [])),
    responses((status = 200, description = "`{checks, next_cursor}`"), (status = 403, body = ErrorBody)))]
pub async fn checks(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Query(paging): Query<Paging>,
) -> Result<Envelope<CheckPage>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    let cursor = match paging.cursor.as_deref() {
        Some(raw) => {
            Some(raw.parse::<Uuid>().map_err(|_| ApiError::BadRequest("invalid cursor".into()))?)
        }
        None => None,
    };
    let page = history::checks::page(&monitor, cursor, paging.limit.unwrap_or(50))
        .await
        .map_err(ApiError::internal)?;
    Ok(Envelope::ok(page))
}

/// Uptime, latency percentiles and a bucketed series over a window.
#[utoipa::path(get, path = "/monitors/{id}/stats", tag = "monitors", params(WindowQuery), security(("bearer" = [])),
    responses((status = 200, description = "uptime_percent, p50/p95/max latency, series"), (status = 422, body = ErrorBody)))]
pub async fn stats(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Query(query): Query<WindowQuery>,
) -> Result<Envelope<Stats>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    let label = query.window.unwrap_or_else(|| "24h".into());
    let window = Window::parse(&label).ok_or_else(|| ApiError::Unprocessable {
        field: "window".into(),
        message: "window must be 1h, 24h, 7d, 30d or 90d".into(),
    })?;
    let stats = history::stats::compute(&monitor, window, &label, Utc::now())
        .await
        .map_err(ApiError::internal)?;
    Ok(Envelope::ok(stats))
}

/// A monitor's incidents, newest first.
#[utoipa::path(get, path = "/monitors/{id}/incidents", tag = "monitors", params(Paging), security(("bearer" = [])),
    responses((status = 200, description = "`{incidents, next_cursor}`")))]
pub async fn incidents(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Query(paging): Query<Paging>,
) -> Result<Envelope<IncidentList>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    let incidents = history::incidents::of_monitor(&monitor, None, paging.limit.unwrap_or(50))
        .await
        .map_err(ApiError::internal)?;
    Ok(Envelope::ok(IncidentList { incidents, next_cursor: None }))
}

/// A monitor's notifications and their delivery, newest first.
#[utoipa::path(get, path = "/monitors/{id}/notifications", tag = "monitors", params(Paging), security(("bearer" = [])),
    responses((status = 200, description = "`{items, next_cursor}`")))]
pub async fn notifications(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Query(paging): Query<Paging>,
) -> Result<Envelope<NotificationList>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    let items = history::checks::notifications(&monitor, paging.limit.unwrap_or(50))
        .await
        .map_err(ApiError::internal)?;
    Ok(Envelope::ok(NotificationList { items, next_cursor: None }))
}
