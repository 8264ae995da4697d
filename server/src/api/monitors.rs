//! Our monitor API: `/api/v1/monitors` CRUD, pause and resume.

use axum::extract::State;
use domain::monitors::{MonitorFilter, MonitorInput, MonitorPage, MonitorView, Status, Write};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::envelope::Envelope;
use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Path, Query};
use crate::auth::Auth;
use crate::state::AppState;

/// Filters and paging of the monitor list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// up, down, degraded, paused or unknown.
    pub status: Option<String>,
    /// http, tcp or github_runners.
    pub kind: Option<String>,
    /// Part of the name or target.
    pub search: Option<String>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 100).
    pub limit: Option<u64>,
    /// Admins: every user's monitors.
    pub all: Option<bool>,
}

/// A monitor (request and response); the kind's block matches `kind`.
#[derive(Debug, ToSchema)]
#[schema(as = Monitor)]
#[allow(dead_code)]
pub struct MonitorSchema {
    id: Uuid,
    name: String,
    kind: String,
    interval_seconds: i32,
    timeout_ms: i32,
    confirmations: i32,
    recoveries: i32,
    channel_ids: Vec<Uuid>,
    paused: bool,
    status: String,
    status_since: String,
    last_checked_at: Option<String>,
    #[schema(value_type = Object)]
    http: Option<serde_json::Value>,
    #[schema(value_type = Object)]
    tcp: Option<serde_json::Value>,
    /// `{owner, repo, token (write-only, returned masked), api_url}`; `repo`
    /// null means the organisation's runners.
    #[schema(value_type = Object)]
    github_runners: Option<serde_json::Value>,
}

fn parse_status(raw: Option<&str>) -> Result<Option<Status>, ApiError> {
    match raw {
        None | Some("") => Ok(None),
        Some(raw) => match Status::from_stored(raw) {
            Status::Unknown if raw != "unknown" => Err(ApiError::Unprocessable {
                field: "status".into(),
                message: "status must be up, down, degraded, paused or unknown".into(),
            }),
            status => Ok(Some(status)),
        },
    }
}

/// The caller's monitors, newest first.
#[utoipa::path(get, path = "/monitors", tag = "monitors", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{monitors: [Monitor], next_cursor}`"), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Query(query): Query<ListQuery>,
) -> Result<Envelope<MonitorPage>, ApiError> {
    let filter = MonitorFilter {
        status: parse_status(query.status.as_deref())?,
        kind: query.kind,
        search: query.search,
        cursor: query.cursor,
        limit: query.limit.unwrap_or(100),
        all_users: query.all.unwrap_or(false),
    };
    Ok(Envelope::ok(state.monitors.list(&caller, &filter).await?))
}

/// Creates a monitor.
#[utoipa::path(post, path = "/monitors", tag = "monitors", request_body = MonitorSchema, security(("bearer" = [])),
    responses((status = 201, body = MonitorSchema),
              (status = 403, body = ErrorBody, description = "`quota_exceeded`: the user owns --max-monitors-per-user already"),
              (status = 422, body = ErrorBody, description = "a value out of range, e.g. `interval_seconds` below --min-interval for a non-admin")))]
pub async fn create(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Json(input): Json<MonitorInput>,
) -> Result<Envelope<MonitorView>, ApiError> {
    Ok(Envelope::created(state.monitors.create(&caller, input).await?))
}

/// One monitor.
#[utoipa::path(get, path = "/monitors/{id}", tag = "monitors", security(("bearer" = [])),
    responses((status = 200, body = MonitorSchema), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<MonitorView>, ApiError> {
    Ok(Envelope::ok(state.monitors.get(&caller, id).await?))
}

/// Changes a monitor; absent fields stay as they are.
#[utoipa::path(patch, path = "/monitors/{id}", tag = "monitors", request_body = MonitorSchema, security(("bearer" = [])),
    responses((status = 200, body = MonitorSchema),
              (status = 422, body = ErrorBody, description = "a value out of range, e.g. `interval_seconds` below --min-interval for a non-admin")))]
pub async fn update(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Json(patch): Json<MonitorInput>,
) -> Result<Envelope<MonitorView>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Write).await?;
    Ok(Envelope::ok(state.monitors.update(monitor, patch).await?))
}

/// Deletes a monitor and its history.
#[utoipa::path(delete, path = "/monitors/{id}", tag = "monitors", security(("bearer" = [])),
    responses((status = 200), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<Option<()>>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Write).await?;
    state.monitors.delete(monitor).await?;
    Ok(Envelope::ok(None).with_message("monitor deleted"))
}

/// Stops checking a monitor.
#[utoipa::path(post, path = "/monitors/{id}/pause", tag = "monitors", security(("bearer" = [])),
    responses((status = 200, body = MonitorSchema)))]
pub async fn pause(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<MonitorView>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Write).await?;
    let patch = MonitorInput { paused: Some(true), ..Default::default() };
    Ok(Envelope::ok(state.monitors.update(monitor, patch).await?))
}

/// Starts checking a paused monitor again, at once.
#[utoipa::path(post, path = "/monitors/{id}/resume", tag = "monitors", security(("bearer" = [])),
    responses((status = 200, body = MonitorSchema)))]
pub async fn resume(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<MonitorView>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Write).await?;
    let patch = MonitorInput { paused: Some(false), ..Default::default() };
    Ok(Envelope::ok(state.monitors.update(monitor, patch).await?))
}
