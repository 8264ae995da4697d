//! `/api/v1/incidents`: every incident of the caller's monitors (everyone's
//! for admins with `all=true`), one with its timeline, and acknowledging.

use axum::extract::State;
use domain::history::{self, IncidentFilter, IncidentRow, IncidentTimeline};
use domain::monitors::{Access, MonitorError, MonitorRef, Read, Write};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use uuid::Uuid;

use super::envelope::Envelope;
use super::error::{ApiError, ErrorBody};
use super::extract::{Path, Query};
use crate::auth::Auth;
use crate::state::AppState;

/// Filters of the incident list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct IncidentQuery {
    /// open or resolved.
    pub status: Option<String>,
    pub monitor_id: Option<Uuid>,
    pub limit: Option<u64>,
    /// Admins: every user's incidents.
    pub all: Option<bool>,
}

/// `data` of the incident list.
#[derive(Debug, Serialize)]
pub struct IncidentList {
    pub incidents: Vec<IncidentRow>,
    pub next_cursor: Option<String>,
}

/// Incidents, newest first.
#[utoipa::path(get, path = "/incidents", tag = "incidents", params(IncidentQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{incidents, next_cursor}`"), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Query(query): Query<IncidentQuery>,
) -> Result<Envelope<IncidentList>, ApiError> {
    let open = match query.status.as_deref() {
        None | Some("") => None,
        Some("open") => Some(true),
        Some("resolved") => Some(false),
        Some(_) => {
            return Err(ApiError::Unprocessable {
                field: "status".into(),
                message: "status must be open or resolved".into(),
            })
        }
    };
    let filter = IncidentFilter {
        all_users: query.all.unwrap_or(false),
        monitor: query.monitor_id,
        open,
        limit: query.limit.unwrap_or(100),
    };
    let incidents =
        history::incidents::list(&state.db, &caller, &filter).await.map_err(ApiError::internal)?;
    Ok(Envelope::ok(IncidentList { incidents, next_cursor: None }))
}

/// The access check for incident `id`, answered in the incident's words.
async fn authorize<A: Access>(
    state: &AppState,
    caller: &domain::accounts::Principal,
    id: Uuid,
    access: A,
) -> Result<MonitorRef<A>, ApiError> {
    state.monitors.authorize_incident(caller, id, access).await.map_err(|err| match err {
        MonitorError::NotFound => ApiError::NotFound("incident not found".into()),
        MonitorError::Forbidden => {
            ApiError::Forbidden("this incident belongs to another user's monitor".into())
        }
        other => other.into(),
    })
}

async fn timeline(
    monitor: &MonitorRef<impl Access>,
    id: Uuid,
) -> Result<IncidentTimeline, ApiError> {
    history::incidents::find(monitor, id)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::NotFound("incident not found".into()))
}

/// One incident with its timeline.
#[utoipa::path(get, path = "/incidents/{id}", tag = "incidents", security(("bearer" = [])),
    responses((status = 200, description = "the incident and `timeline`"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<IncidentTimeline>, ApiError> {
    let monitor = authorize(&state, &caller, id, Read).await?;
    Ok(Envelope::ok(timeline(&monitor, id).await?))
}

/// Acknowledges an incident (idempotent).
#[utoipa::path(post, path = "/incidents/{id}/acknowledge", tag = "incidents", security(("bearer" = [])),
    responses((status = 200, description = "the incident and `timeline`"), (status = 403, body = ErrorBody)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<IncidentTimeline>, ApiError> {
    let monitor = authorize(&state, &caller, id, Write).await?;
    history::incidents::acknowledge(&monitor, id).await.map_err(ApiError::internal)?;
    Ok(Envelope::ok(timeline(&monitor, id).await?))
}
