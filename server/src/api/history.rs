//! A monitor's history in our API: checks (cursor), statistics, incidents
//! and notifications. Owner or admin only, like the monitor itself.

use axum::extract::State;
use chrono::{DateTime, Utc};
use domain::history::{self, CheckRow, NotificationRow, Stats, StatsWindow};
use domain::monitors::Read;
use domain::monitors::Status;
use kinds::{ChannelKind, DeliveryStatus, NotificationEvent};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::envelope::Envelope;
use super::error::{ApiError, ErrorBody};
use super::extract::{Path, Query};
use super::incidents::IncidentList;
use crate::auth::Auth;
use crate::state::AppState;

/// The monitor in the path.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct MonitorId {
    /// The monitor's id.
    id: Uuid,
}

/// Paging of a history list: the cursor is the last row's id.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// From the previous page's `next_cursor`.
    pub cursor: Option<Uuid>,
    /// Page size (default 50; at most 1000, incidents 500).
    #[serde(default, deserialize_with = "super::extract::page_limit")]
    pub limit: Option<u64>,
}

/// The statistics window.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WindowQuery {
    /// 1h, 24h, 7d, 30d or 90d (default 24h).
    #[param(pattern = "^(1h|24h|7d|30d|90d)$")]
    pub window: Option<String>,
}

/// One check.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Check)]
pub struct CheckBody {
    pub id: Uuid,
    pub monitor_id: Uuid,
    pub checked_at: DateTime<Utc>,
    pub status: Status,
    pub latency_ms: Option<i32>,
    pub http_status: Option<i16>,
    pub error: Option<String>,
    /// Where the check ran.
    pub region: String,
}

impl From<CheckRow> for CheckBody {
    fn from(c: CheckRow) -> Self {
        Self {
            id: c.id,
            monitor_id: c.monitor_id,
            checked_at: c.checked_at,
            status: c.status,
            latency_ms: c.latency_ms,
            http_status: c.http_status,
            error: c.error,
            region: c.region,
        }
    }
}

/// `data` of a monitor's check list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckList {
    pub checks: Vec<CheckBody>,
    /// Pass back as `cursor` for the next (older) page; null on the last.
    pub next_cursor: Option<String>,
}

/// One chart bucket of the statistics.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StatsBucket)]
pub struct BucketBody {
    pub start: DateTime<Utc>,
    pub checks: u32,
    pub up: u32,
    /// Average latency of the bucket's checks that answered.
    pub avg_latency_ms: Option<u32>,
    pub max_latency_ms: Option<u32>,
    /// Whether any check in the bucket was down.
    pub down: bool,
}

/// A monitor's statistics over one window.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Stats)]
pub struct StatsBody {
    pub window: StatsWindow,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub checks: u32,
    /// Share of healthy checks, 0-100; null without checks.
    pub uptime_percent: Option<f64>,
    pub p50_latency_ms: Option<u32>,
    pub p95_latency_ms: Option<u32>,
    pub max_latency_ms: Option<u32>,
    pub series: Vec<BucketBody>,
}

impl From<Stats> for StatsBody {
    fn from(s: Stats) -> Self {
        Self {
            window: s.window,
            from: s.from,
            to: s.to,
            checks: s.checks,
            uptime_percent: s.uptime_percent,
            p50_latency_ms: s.p50_latency_ms,
            p95_latency_ms: s.p95_latency_ms,
            max_latency_ms: s.max_latency_ms,
            series: s
                .series
                .into_iter()
                .map(|b| BucketBody {
                    start: b.start,
                    checks: b.checks,
                    up: b.up,
                    avg_latency_ms: b.avg_latency_ms,
                    max_latency_ms: b.max_latency_ms,
                    down: b.down,
                })
                .collect(),
        }
    }
}

/// One notification and its delivery.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Notification)]
pub struct NotificationBody {
    pub id: Uuid,
    pub monitor_id: Uuid,
    pub incident_id: Option<Uuid>,
    pub channel_id: Option<Uuid>,
    pub channel: ChannelKind,
    pub recipient: String,
    pub event: NotificationEvent,
    pub prev_status: Option<String>,
    pub current_status: Option<String>,
    pub delivery_status: DeliveryStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub region: String,
}

impl From<NotificationRow> for NotificationBody {
    fn from(n: NotificationRow) -> Self {
        Self {
            id: n.id,
            monitor_id: n.monitor_id,
            incident_id: n.incident_id,
            channel_id: n.channel_id,
            channel: n.channel,
            recipient: n.recipient,
            event: n.event,
            prev_status: n.prev_status,
            current_status: n.current_status,
            delivery_status: n.delivery_status,
            attempts: n.attempts,
            last_error: n.last_error,
            created_at: n.created_at,
            sent_at: n.sent_at,
            region: n.region,
        }
    }
}

/// `data` of a monitor's notification list.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationList {
    pub items: Vec<NotificationBody>,
    /// Pass back as `cursor` for the next (older) page; null on the last.
    pub next_cursor: Option<String>,
}

/// A monitor's checks, newest first.
#[utoipa::path(get, operation_id = "monitor_checks", path = "/monitors/{id}/checks", tag = "monitors", params(MonitorId, Paging), security(("bearer" = [])),
    responses((status = 200, body = Envelope<CheckList>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn checks(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Query(paging): Query<Paging>,
) -> Result<Envelope<CheckList>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    let page = history::checks::page(&monitor, paging.cursor, paging.limit.unwrap_or(50))
        .await
        .map_err(ApiError::internal)?;
    let checks = page.checks.into_iter().map(CheckBody::from).collect();
    Ok(Envelope::ok(CheckList { checks, next_cursor: page.next_cursor }))
}

/// Uptime, latency percentiles and a bucketed series over a window.
#[utoipa::path(get, path = "/monitors/{id}/stats", tag = "monitors", params(MonitorId, WindowQuery), security(("bearer" = [])),
    responses((status = 200, body = Envelope<StatsBody>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody, description = "an unknown `window`")))]
pub async fn stats(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Query(query): Query<WindowQuery>,
) -> Result<Envelope<StatsBody>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    let window = match query.window.as_deref() {
        None => StatsWindow::default(),
        Some(raw) => StatsWindow::parse(raw).ok_or_else(|| ApiError::Unprocessable {
            field: "window".into(),
            message: "window must be 1h, 24h, 7d, 30d or 90d".into(),
        })?,
    };
    let stats =
        history::stats::compute(&monitor, window, Utc::now()).await.map_err(ApiError::internal)?;
    Ok(Envelope::ok(stats.into()))
}

/// A monitor's incidents, newest first.
#[utoipa::path(get, operation_id = "monitor_incidents", path = "/monitors/{id}/incidents", tag = "monitors", params(MonitorId, Paging), security(("bearer" = [])),
    responses((status = 200, body = Envelope<IncidentList>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn incidents(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Query(paging): Query<Paging>,
) -> Result<Envelope<IncidentList>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    let page =
        history::incidents::of_monitor(&monitor, None, paging.cursor, paging.limit.unwrap_or(50))
            .await
            .map_err(ApiError::internal)?;
    Ok(Envelope::ok(IncidentList::new(page.incidents, page.next_cursor)))
}

/// A monitor's notifications and their delivery, newest first.
#[utoipa::path(get, operation_id = "monitor_notifications", path = "/monitors/{id}/notifications", tag = "monitors", params(MonitorId, Paging), security(("bearer" = [])),
    responses((status = 200, body = Envelope<NotificationList>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn notifications(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Query(paging): Query<Paging>,
) -> Result<Envelope<NotificationList>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    let limit = paging.limit.unwrap_or(50);
    let page = history::checks::notification_page(&monitor, paging.cursor, limit)
        .await
        .map_err(ApiError::internal)?;
    let items = page.items.into_iter().map(NotificationBody::from).collect();
    Ok(Envelope::ok(NotificationList { items, next_cursor: page.next_cursor }))
}
