//! `/api/v1/incidents`: every incident of the caller's monitors (everyone's
//! for admins with `all=true`), one with its timeline, and acknowledging.

use axum::extract::State;
use domain::history::{self, IncidentFilter, IncidentRow, IncidentTimeline};
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
    let everyone = caller.is_admin() && query.all.unwrap_or(false);
    let filter = IncidentFilter {
        owner: (!everyone).then_some(caller.user_id),
        monitor: query.monitor_id,
        open,
        limit: query.limit.unwrap_or(100),
    };
    let incidents =
        history::incidents::list(&state.db, &filter).await.map_err(ApiError::internal)?;
    Ok(Envelope::ok(IncidentList { incidents, next_cursor: None }))
}

async fn authorized(
    state: &AppState,
    caller: &domain::accounts::Principal,
    id: Uuid,
) -> Result<IncidentTimeline, ApiError> {
    let (incident, owner) = history::incidents::find(&state.db, id)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::NotFound("incident not found".into()))?;
    if owner != caller.user_id && !caller.is_admin() {
        return Err(ApiError::Forbidden("this incident belongs to another user's monitor".into()));
    }
    Ok(incident)
}

/// One incident with its timeline.
#[utoipa::path(get, path = "/incidents/{id}", tag = "incidents", security(("bearer" = [])),
    responses((status = 200, description = "the incident and `timeline`"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<IncidentTimeline>, ApiError> {
    Ok(Envelope::ok(authorized(&state, &caller, id).await?))
}

/// Acknowledges an incident (idempotent).
#[utoipa::path(post, path = "/incidents/{id}/acknowledge", tag = "incidents", security(("bearer" = [])),
    responses((status = 200, description = "the incident and `timeline`"), (status = 403, body = ErrorBody)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<IncidentTimeline>, ApiError> {
    authorized(&state, &caller, id).await?;
    history::incidents::acknowledge(&state.db, id, caller.user_id, &caller.email)
        .await
        .map_err(ApiError::internal)?;
    Ok(Envelope::ok(authorized(&state, &caller, id).await?))
}
