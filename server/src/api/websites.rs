//! The RunState v1 `websites` routes: HTTP monitors seen the RunState way,
//! adapters over the monitor service.

use axum::extract::State;
use chrono::{DateTime, Utc};
use domain::history::{self, region_id, IncidentRow};
use domain::monitors::{MonitorFilter, MonitorKind, MonitorView, Read, Status, Write};
use kinds::{ChannelKind, DeliveryStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::envelope::{Envelope, NoData};
use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Path, Query};
use crate::auth::Auth;
use crate::state::AppState;

/// A website as the RunState contract shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Website {
    pub id: Uuid,
    pub url: String,
    pub current_status: Status,
    pub time_added: DateTime<Utc>,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub latest_response_time_ms: Option<i32>,
}

impl From<MonitorView> for Website {
    fn from(m: MonitorView) -> Self {
        Self {
            id: m.id,
            url: m.http.map_or(m.target, |h| h.url.into()),
            current_status: m.status,
            time_added: m.created_at,
            last_checked_at: m.last_checked_at,
            latest_response_time_ms: m.latest_response_time_ms,
        }
    }
}

/// `data` of the website list.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebsiteList {
    pub websites: Vec<Website>,
}

/// A new website.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewWebsite {
    /// An http(s) URL of at most 2048 characters, without spaces or
    /// credentials. A URL of this shape that the URL parser refuses (e.g. a
    /// host with `%`) gets 400, as any invalid URL (the contract).
    #[schema(max_length = 2048, pattern = r"^[hH][tT][tT][pP][sS]?://[^\s/?#@\\]+(?:[/?#]\S*)?$")]
    pub url: String,
}

/// The caller's websites (their HTTP monitors).
#[utoipa::path(get, operation_id = "list_websites", path = "/websites", tag = "websites", security(("bearer" = [])),
    responses((status = 200, body = Envelope<WebsiteList>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
) -> Result<Envelope<WebsiteList>, ApiError> {
    let mut websites = Vec::new();
    let mut filter =
        MonitorFilter { kind: Some(MonitorKind::Http), limit: 500, ..Default::default() };
    loop {
        let page = state.monitors.list(&caller, &filter).await?;
        websites.extend(page.monitors.into_iter().map(Website::from));
        match page.next_cursor {
            Some(cursor) => filter.cursor = Some(cursor),
            None => break,
        }
    }
    Ok(Envelope::ok(WebsiteList { websites }))
}

/// Starts monitoring a URL (GET, expecting 200-399, every 60 s).
#[utoipa::path(post, operation_id = "create_website", path = "/websites", tag = "websites", request_body = NewWebsite, security(("bearer" = [])),
    responses((status = 201, body = Envelope<Website>), (status = 400, body = ErrorBody, description = "not an http(s) URL of at most 2048 characters"),
              (status = 403, body = ErrorBody, description = "`quota_exceeded`: the user owns --max-monitors-per-user already"),
              (status = 409, body = ErrorBody, description = "the caller monitors this URL already")))]
pub async fn create(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Json(body): Json<NewWebsite>,
) -> Result<Envelope<Website>, ApiError> {
    let monitor =
        state.monitors.create_website(&caller, &body.url).await.map_err(ApiError::contract)?;
    Ok(Envelope::created(monitor.into()))
}

/// A website and its open incident, if any.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebsiteDetail {
    #[serde(flatten)]
    pub website: Website,
    /// The open incident; null when the website is not down.
    pub active_incident: Option<ContractIncident>,
}

/// One website with its active incident.
#[utoipa::path(get, operation_id = "get_website", path = "/websites/{id}", tag = "websites", params(("id" = Uuid, Path, description = "The website's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<WebsiteDetail>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<WebsiteDetail>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    let open = history::incidents::of_monitor(&monitor, Some(true), None, 1)
        .await
        .map_err(ApiError::internal)?
        .incidents;
    let status = monitor.view().status;
    let monitor = monitor.into_view();
    let active_incident = open.into_iter().next().map(|i| ContractIncident::from_row(i, status));
    Ok(Envelope::ok(WebsiteDetail { website: monitor.into(), active_incident }))
}

/// Stops monitoring a website and deletes its history.
#[utoipa::path(delete, operation_id = "delete_website", path = "/websites/{id}", tag = "websites", params(("id" = Uuid, Path, description = "The website's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<NoData>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<NoData>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Write).await?;
    state.monitors.delete(monitor).await?;
    Ok(Envelope::ok(NoData).with_message("website deleted"))
}

/// `?limit=` of the contract's history routes.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Limit {
    #[serde(default, deserialize_with = "super::extract::page_limit")]
    pub limit: Option<u64>,
}

/// One check, the RunState way.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractCheck {
    pub id: Uuid,
    pub website_id: Uuid,
    pub region_id: Uuid,
    pub status: Status,
    pub response_time_ms: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub region_name: String,
}

/// `data` of the checks route.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractChecks {
    pub checks: Vec<ContractCheck>,
}

/// A website's latest checks, newest first.
#[utoipa::path(get, operation_id = "website_checks", path = "/websites/{id}/checks", tag = "websites", params(("id" = Uuid, Path, description = "The website's id"), Limit), security(("bearer" = [])),
    responses((status = 200, body = Envelope<ContractChecks>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn checks(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Query(limit): Query<Limit>,
) -> Result<Envelope<ContractChecks>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    let page = history::checks::page(&monitor, None, limit.limit.unwrap_or(20))
        .await
        .map_err(ApiError::internal)?;
    let checks = page
        .checks
        .into_iter()
        .map(|c| ContractCheck {
            id: c.id,
            website_id: c.monitor_id,
            region_id: region_id(&c.region),
            status: c.status,
            response_time_ms: c.latency_ms,
            created_at: c.checked_at,
            region_name: c.region,
        })
        .collect();
    Ok(Envelope::ok(ContractChecks { checks }))
}

/// One chart point, the RunState way.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractPoint {
    pub timestamp: DateTime<Utc>,
    pub response_time_ms: Option<i32>,
    pub status: Status,
    pub region_id: Uuid,
    pub region_name: String,
}

/// `data` of the response-times route.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractPoints {
    pub points: Vec<ContractPoint>,
}

/// A website's latest response times, oldest first (for charts).
#[utoipa::path(get, path = "/websites/{id}/response-times", tag = "websites", params(("id" = Uuid, Path, description = "The website's id"), Limit), security(("bearer" = [])),
    responses((status = 200, body = Envelope<ContractPoints>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn response_times(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Query(limit): Query<Limit>,
) -> Result<Envelope<ContractPoints>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    let rows = history::checks::latest_oldest_first(&monitor, limit.limit.unwrap_or(50))
        .await
        .map_err(ApiError::internal)?;
    let points = rows
        .into_iter()
        .map(|c| ContractPoint {
            timestamp: c.checked_at,
            response_time_ms: c.latency_ms,
            status: c.status,
            region_id: region_id(&c.region),
            region_name: c.region,
        })
        .collect();
    Ok(Envelope::ok(ContractPoints { points }))
}

/// One incident, the RunState way.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractIncident {
    pub id: Uuid,
    pub website_id: Uuid,
    pub region_id: Uuid,
    pub started_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub is_active: bool,
    pub current_status: Status,
    pub duration_seconds: i64,
}

impl ContractIncident {
    fn from_row(i: IncidentRow, current_status: Status) -> Self {
        Self {
            id: i.id,
            website_id: i.monitor_id,
            region_id: region_id("default"),
            started_at: i.started_at,
            resolved_at: i.resolved_at,
            is_active: i.is_active,
            current_status: if i.is_active { Status::Down } else { current_status },
            duration_seconds: i.duration_seconds,
        }
    }
}

/// `data` of the incidents route.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractIncidents {
    pub incidents: Vec<ContractIncident>,
}

/// A website's incidents, newest first.
#[utoipa::path(get, operation_id = "website_incidents", path = "/websites/{id}/incidents", tag = "websites", params(("id" = Uuid, Path, description = "The website's id"), Limit), security(("bearer" = [])),
    responses((status = 200, body = Envelope<ContractIncidents>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn incidents(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Query(limit): Query<Limit>,
) -> Result<Envelope<ContractIncidents>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    let rows = history::incidents::of_monitor(&monitor, None, None, limit.limit.unwrap_or(20))
        .await
        .map_err(ApiError::internal)?
        .incidents;
    let status = monitor.view().status;
    let incidents = rows.into_iter().map(|i| ContractIncident::from_row(i, status)).collect();
    Ok(Envelope::ok(ContractIncidents { incidents }))
}

/// One notification, the RunState way.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractNotification {
    pub id: Uuid,
    pub channel: ChannelKind,
    pub recipient: String,
    pub prev_status: Option<String>,
    pub current_status: Option<String>,
    pub delivery_status: DeliveryStatus,
    pub sent_at: Option<DateTime<Utc>>,
    pub region_id: Uuid,
}

/// `data` of the notifications route.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractNotifications {
    pub items: Vec<ContractNotification>,
}

/// A website's notifications and their delivery, newest first.
#[utoipa::path(get, operation_id = "website_notifications", path = "/websites/{id}/notifications", tag = "websites", params(("id" = Uuid, Path, description = "The website's id"), Limit), security(("bearer" = [])),
    responses((status = 200, body = Envelope<ContractNotifications>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn notifications(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Query(limit): Query<Limit>,
) -> Result<Envelope<ContractNotifications>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    let rows = history::checks::notifications(&monitor, limit.limit.unwrap_or(20))
        .await
        .map_err(ApiError::internal)?;
    let items = rows
        .into_iter()
        .map(|n| ContractNotification {
            id: n.id,
            channel: n.channel,
            recipient: n.recipient,
            prev_status: n.prev_status,
            current_status: n.current_status,
            delivery_status: n.delivery_status,
            sent_at: n.sent_at,
            region_id: region_id(&n.region),
        })
        .collect();
    Ok(Envelope::ok(ContractNotifications { items }))
}
