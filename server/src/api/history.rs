//! A monitor's history in our API: checks (cursor), statistics, incidents
//! and notifications. Owner or admin only, like the monitor itself.

use axum::extract::State;
use chrono::{DateTime, Utc};
use domain::history::{self, CheckRow, NotificationRow, Stats, StatsWindow};
use domain::monitors::Read;
use domain::monitors::Status;
use domain::probe::Phases;
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
    /// HTTP checks: where the time went. Absent for other kinds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timings: Option<TimingsBody>,
    /// HTTP checks: the address the (final) request reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_ip: Option<String>,
    /// HTTP checks: `HTTP/1.1` or `HTTP/2`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_version: Option<String>,
    /// HTTPS checks: `TLSv1.2` or `TLSv1.3`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_version: Option<String>,
    /// A failed HTTP check: the start of the answer's body (at most 2 KiB,
    /// the monitor's own header values and body replaced by `[redacted]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
}

/// Where an HTTP check's time went, in milliseconds: a phase that did not
/// happen (TLS on plain HTTP) or was not reached is null. With redirects,
/// each phase is summed over the hops. In statistics, each is the mean over
/// the healthy checks and `total_ms` their sum.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Timings)]
pub struct TimingsBody {
    pub dns_ms: Option<u32>,
    pub connect_ms: Option<u32>,
    pub tls_ms: Option<u32>,
    /// From sending the request to the first byte of the answer.
    pub ttfb_ms: Option<u32>,
    pub transfer_ms: Option<u32>,
    pub total_ms: Option<u32>,
}

impl From<Phases> for TimingsBody {
    fn from(p: Phases) -> Self {
        Self {
            dns_ms: p.dns_ms,
            connect_ms: p.connect_ms,
            tls_ms: p.tls_ms,
            ttfb_ms: p.ttfb_ms,
            transfer_ms: p.transfer_ms,
            total_ms: p.total_ms,
        }
    }
}

impl From<CheckRow> for CheckBody {
    fn from(c: CheckRow) -> Self {
        let http = c.http.unwrap_or_default();
        Self {
            timings: (http.phases != Phases::default()).then(|| http.phases.into()),
            resolved_ip: http.resolved_ip.map(|ip| ip.to_string()),
            http_version: http.http_version,
            tls_version: http.tls_version,
            excerpt: http.excerpt,
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
    /// HTTP monitors: the mean time of each phase of the bucket's healthy checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timings: Option<TimingsBody>,
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
    /// HTTP monitors: the mean time of each phase over the window's healthy checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timings: Option<TimingsBody>,
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
            timings: s.phases.map(TimingsBody::from),
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
                    timings: b.phases.map(TimingsBody::from),
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
