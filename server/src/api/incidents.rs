//! `/api/v1/incidents`: every incident of the caller's monitors (everyone's
//! for admins with `all=true`), one with its timeline, and acknowledging.

use axum::extract::State;
use chrono::{DateTime, Utc};
use domain::history::{self, IncidentFilter, IncidentRow, IncidentTimeline};
use domain::monitors::{Access, MonitorError, MonitorRef, Read, Write};
use kinds::IncidentEventKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::envelope::Envelope;
use super::error::{ApiError, ErrorBody};
use super::extract::{Path, Query};
use crate::auth::Auth;
use crate::state::AppState;

/// One incident.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Incident)]
pub struct IncidentBody {
    pub id: Uuid,
    pub monitor_id: Uuid,
    pub monitor_name: String,
    /// Sequential per monitor: 1, 2, 3 …
    pub number: i32,
    /// The runner's name for runner monitors; empty otherwise.
    pub subject: String,
    pub started_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub is_active: bool,
    pub cause: String,
    /// Until resolution, or until now for an open incident.
    pub duration_seconds: i64,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

impl From<IncidentRow> for IncidentBody {
    fn from(i: IncidentRow) -> Self {
        Self {
            id: i.id,
            monitor_id: i.monitor_id,
            monitor_name: i.monitor_name,
            number: i.number,
            subject: i.subject,
            started_at: i.started_at,
            resolved_at: i.resolved_at,
            is_active: i.is_active,
            cause: i.cause,
            duration_seconds: i.duration_seconds,
            acknowledged_at: i.acknowledged_at,
        }
    }
}

/// One entry of an incident's timeline.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TimelineEntry)]
pub struct TimelineEntryBody {
    pub at: DateTime<Utc>,
    pub kind: IncidentEventKind,
    pub message: String,
}

/// An incident and its timeline, oldest entry first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = IncidentDetail)]
pub struct IncidentDetail {
    #[serde(flatten)]
    pub incident: IncidentBody,
    pub timeline: Vec<TimelineEntryBody>,
}

impl From<IncidentTimeline> for IncidentDetail {
    fn from(t: IncidentTimeline) -> Self {
        Self {
            incident: t.incident.into(),
            timeline: t
                .timeline
                .into_iter()
                .map(|e| TimelineEntryBody { at: e.at, kind: e.kind, message: e.message })
                .collect(),
        }
    }
}

/// Filters of the incident list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IncidentQuery {
    /// open or resolved.
    #[param(value_type = Option<String>, pattern = "^(open|resolved)?$")]
    pub status: Option<String>,
    pub monitor_id: Option<Uuid>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<Uuid>,
    /// Page size (default 100, at most 500).
    #[serde(default, deserialize_with = "super::extract::page_limit")]
    pub limit: Option<u64>,
    /// Admins: every user's incidents.
    #[param(value_type = Option<String>, pattern = "^(true|false)$")]
    pub all: Option<bool>,
}

/// `data` of an incident list.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentList {
    pub incidents: Vec<IncidentBody>,
    /// Pass back as `cursor` for the next (older) page; null on the last.
    pub next_cursor: Option<String>,
}

impl IncidentList {
    /// A page of rows and the cursor after it.
    pub fn new(rows: Vec<IncidentRow>, next_cursor: Option<String>) -> Self {
        Self { incidents: rows.into_iter().map(IncidentBody::from).collect(), next_cursor }
    }
}

/// Incidents, newest first.
#[utoipa::path(get, operation_id = "list_incidents", path = "/incidents", tag = "incidents", params(IncidentQuery), security(("bearer" = [])),
    responses((status = 200, body = Envelope<IncidentList>), (status = 422, body = ErrorBody, description = "a `status` other than open or resolved")))]
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
        after: query.cursor,
        limit: query.limit.unwrap_or(100),
    };
    let page =
        history::incidents::page(&state.db, &caller, &filter).await.map_err(ApiError::internal)?;
    Ok(Envelope::ok(IncidentList::new(page.incidents, page.next_cursor)))
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
#[utoipa::path(get, operation_id = "get_incident", path = "/incidents/{id}", tag = "incidents", params(("id" = Uuid, Path, description = "The incident's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<IncidentDetail>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<IncidentDetail>, ApiError> {
    let monitor = authorize(&state, &caller, id, Read).await?;
    Ok(Envelope::ok(timeline(&monitor, id).await?.into()))
}

/// Acknowledges an incident (idempotent).
#[utoipa::path(post, path = "/incidents/{id}/acknowledge", tag = "incidents", params(("id" = Uuid, Path, description = "The incident's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<IncidentDetail>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<IncidentDetail>, ApiError> {
    let monitor = authorize(&state, &caller, id, Write).await?;
    history::incidents::acknowledge(&monitor, id).await.map_err(ApiError::internal)?;
    Ok(Envelope::ok(timeline(&monitor, id).await?.into()))
}
