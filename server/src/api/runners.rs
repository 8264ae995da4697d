//! A runner monitor's runners, one runner's outages, and forgetting a
//! runner: owner or admin only, like the monitor itself.

use axum::extract::State;
use domain::monitors::{Read, Write};
use domain::runners::{self, OutageView, RunnerView};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use uuid::Uuid;

use super::envelope::Envelope;
use super::error::{ApiError, ErrorBody};
use super::extract::{Path, Query};
use crate::auth::Auth;
use crate::state::AppState;

/// `data` of the runner list.
#[derive(Debug, Serialize)]
pub struct RunnerList {
    pub runners: Vec<RunnerView>,
    pub next_cursor: Option<String>,
}

/// `data` of a runner's outage list.
#[derive(Debug, Serialize)]
pub struct OutageList {
    pub outages: Vec<OutageView>,
    pub next_cursor: Option<String>,
}

/// How many outages to list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct OutageQuery {
    /// 1 to 500 (default 50).
    pub limit: Option<u64>,
}

/// The runners a GitHub runner monitor has seen, by name (empty for other kinds).
#[utoipa::path(get, path = "/monitors/{id}/runners", tag = "monitors", security(("bearer" = [])),
    responses((status = 200, description = "`{runners: [{id, github_id, name, status, busy, os, labels, first_seen_at, last_seen_at}], next_cursor}`"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<RunnerList>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    let runners = runners::list_runners(&monitor).await.map_err(ApiError::internal)?;
    Ok(Envelope::ok(RunnerList { runners, next_cursor: None }))
}

/// One runner's outages, newest first.
#[utoipa::path(get, path = "/monitors/{id}/runners/{name}/outages", tag = "monitors",
    params(("id" = Uuid, Path), ("name" = String, Path, description = "The runner's name"), OutageQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "`{outages: [{number, status, started_at, resolved_at, duration_seconds, description}], next_cursor}`"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn outages(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((id, name)): Path<(Uuid, String)>,
    Query(query): Query<OutageQuery>,
) -> Result<Envelope<OutageList>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    if runners::find_runner(&monitor, &name).await.map_err(ApiError::internal)?.is_none() {
        return Err(ApiError::NotFound(format!("this monitor has no runner named `{name}`")));
    }
    let outages = runners::outages(&monitor, &name, query.limit.unwrap_or(50))
        .await
        .map_err(ApiError::internal)?;
    Ok(Envelope::ok(OutageList { outages, next_cursor: None }))
}

/// Forgets a decommissioned runner: its open outage is closed without an
/// alert, its history stays; if GitHub still lists it, it comes back as new.
#[utoipa::path(delete, path = "/monitors/{id}/runners/{name}", tag = "monitors",
    params(("id" = Uuid, Path), ("name" = String, Path, description = "The runner's name")),
    security(("bearer" = [])),
    responses((status = 200), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn forget(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((id, name)): Path<(Uuid, String)>,
) -> Result<Envelope<Option<()>>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Write).await?;
    if !runners::forget_runner(&monitor, &name).await.map_err(ApiError::internal)? {
        return Err(ApiError::NotFound(format!("this monitor has no runner named `{name}`")));
    }
    Ok(Envelope::ok(None).with_message("runner forgotten"))
}
