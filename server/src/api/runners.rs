//! A runner monitor's runners, one runner's outages, and forgetting a
//! runner: owner or admin only, like the monitor itself.

use axum::extract::State;
use chrono::{DateTime, Utc};
use domain::monitors::{Read, Write};
use domain::runners::{self, OutageStatus, OutageView, RunnerStatus, RunnerView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::envelope::{Envelope, NoData};
use super::error::{ApiError, ErrorBody};
use super::extract::{Path, Query};
use crate::auth::Auth;
use crate::state::AppState;

/// A runner a runner monitor has seen.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Runner)]
pub struct RunnerBody {
    pub id: Uuid,
    pub github_id: i64,
    pub name: String,
    /// `unknown`: missing from the last listing.
    pub status: RunnerStatus,
    pub busy: bool,
    pub os: String,
    pub labels: Vec<String>,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

impl From<RunnerView> for RunnerBody {
    fn from(r: RunnerView) -> Self {
        Self {
            id: r.id,
            github_id: r.github_id,
            name: r.name,
            status: r.status,
            busy: r.busy,
            os: r.os,
            labels: r.labels,
            first_seen_at: r.first_seen_at,
            last_seen_at: r.last_seen_at,
        }
    }
}

/// One outage of a runner.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RunnerOutage)]
pub struct OutageBody {
    /// Sequential per runner: 1, 2, 3 …
    pub number: i32,
    pub status: OutageStatus,
    pub started_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Until resolution, or until now for an ongoing outage.
    pub duration_seconds: i64,
    pub description: String,
}

impl From<OutageView> for OutageBody {
    fn from(o: OutageView) -> Self {
        Self {
            number: o.number,
            status: o.status,
            started_at: o.started_at,
            resolved_at: o.resolved_at,
            duration_seconds: o.duration_seconds,
            description: o.description,
        }
    }
}

/// `data` of the runner list.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunnerList {
    pub runners: Vec<RunnerBody>,
    /// Always null: the list is whole.
    pub next_cursor: Option<String>,
}

/// `data` of a runner's outage list.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutageList {
    pub outages: Vec<OutageBody>,
    /// Always null: `limit` bounds the list.
    pub next_cursor: Option<String>,
}

/// How many outages to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutageQuery {
    /// 1 to 500 (default 50).
    #[serde(default, deserialize_with = "super::extract::page_limit")]
    pub limit: Option<u64>,
}

/// The runners a GitHub runner monitor has seen, by name (empty for other kinds).
#[utoipa::path(get, operation_id = "list_runners", path = "/monitors/{id}/runners", tag = "monitors",
    params(("id" = Uuid, Path, description = "The monitor's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<RunnerList>),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<RunnerList>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    let runners = runners::list_runners(&monitor).await.map_err(ApiError::internal)?;
    let runners = runners.into_iter().map(RunnerBody::from).collect();
    Ok(Envelope::ok(RunnerList { runners, next_cursor: None }))
}

/// One runner's outages, newest first.
#[utoipa::path(get, path = "/monitors/{id}/runners/{name}/outages", tag = "monitors",
    params(("id" = Uuid, Path, description = "The monitor's id"), ("name" = String, Path, description = "The runner's name"), OutageQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Envelope<OutageList>),
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
    let outages = outages.into_iter().map(OutageBody::from).collect();
    Ok(Envelope::ok(OutageList { outages, next_cursor: None }))
}

/// Forgets a decommissioned runner: its open outage is closed without an
/// alert, its history stays; if GitHub still lists it, it comes back as new.
#[utoipa::path(delete, path = "/monitors/{id}/runners/{name}", tag = "monitors",
    params(("id" = Uuid, Path, description = "The monitor's id"), ("name" = String, Path, description = "The runner's name")),
    security(("bearer" = [])),
    responses((status = 200, body = Envelope<NoData>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn forget(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((id, name)): Path<(Uuid, String)>,
) -> Result<Envelope<NoData>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Write).await?;
    if !runners::forget_runner(&monitor, &name).await.map_err(ApiError::internal)? {
        return Err(ApiError::NotFound(format!("this monitor has no runner named `{name}`")));
    }
    Ok(Envelope::ok(NoData).with_message("runner forgotten"))
}
