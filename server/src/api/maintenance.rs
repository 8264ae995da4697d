//! Maintenance windows (`/maintenance-windows` CRUD, owner-scoped): when a
//! user's monitors are under planned work. Each answer says whether the
//! window is on now and lists its next occurrences.

use axum::extract::State;
use chrono::{DateTime, Utc};
use domain::maintenance::{MaintenanceInput, MaintenanceView, Window};
use kinds::MaintenanceKind;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::envelope::{Envelope, NoData};
use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Path};
use crate::auth::Auth;
use crate::state::AppState;

/// A maintenance window to add, or the changes to one (absent fields stay;
/// a `kind` other than the stored one replaces the schedule whole). Read as
/// `domain::maintenance::MaintenanceInput`; this is its documentation.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = MaintenanceWindowRequest)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct WindowRequest {
    /// Required on create; 1 to 200 characters.
    title: Option<String>,
    /// Up to 4000 characters.
    description: Option<String>,
    /// An IANA time zone (`Europe/Berlin`); `UTC` when absent on create.
    time_zone: Option<String>,
    /// Required on create.
    kind: Option<MaintenanceKind>,
    /// One-off: the start. Recurring: the first start; an RRULE's occurrences
    /// keep its wall-clock time in `time_zone`. Optional for cron (now).
    starts_at: Option<DateTime<Utc>>,
    /// One-off: the end (required). Recurring: no occurrence starts after it.
    ends_at: Option<DateTime<Utc>>,
    /// `rrule`: e.g. `FREQ=WEEKLY;BYDAY=SU` or `FREQ=MONTHLY;BYDAY=2TU`;
    /// `cron`: a 5- or 6-field pattern.
    rule: Option<String>,
    /// Recurring: how long each occurrence lasts, 60 s to 31 days.
    duration_secs: Option<i64>,
    /// The monitors it covers: ones the window's owner can read.
    monitor_ids: Option<Vec<Uuid>>,
    /// Status pages of the window's owner: it covers every monitor they
    /// show, as they are when read (a component added later too).
    status_page_ids: Option<Vec<Uuid>>,
    /// Tags: it covers every monitor of the window's owner carrying one of
    /// them, as tagged when read (normalised like a monitor's tags).
    #[schema(schema_with = super::monitors::tags_schema)]
    tags: Option<Vec<String>>,
    /// Whether the subscribers of the status pages it concerns are told
    /// when it is created, starts and ends; `true` when absent on create.
    announce: Option<bool>,
    /// Server-owned fields a client may echo back: accepted and ignored.
    #[schema(read_only, value_type = Option<String>, format = Uuid)]
    id: Option<serde_json::Value>,
    #[schema(read_only, value_type = Option<String>, format = Uuid)]
    owner_id: Option<serde_json::Value>,
    #[schema(read_only, value_type = Option<bool>)]
    active: Option<serde_json::Value>,
    #[schema(read_only, value_type = Option<Vec<Occurrence>>)]
    occurrences: Option<serde_json::Value>,
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    created_at: Option<serde_json::Value>,
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    updated_at: Option<serde_json::Value>,
}

/// One occurrence of a window.
#[derive(Debug, Serialize, ToSchema)]
pub struct Occurrence {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl From<Window> for Occurrence {
    fn from(w: Window) -> Self {
        Self { starts_at: w.start, ends_at: w.end }
    }
}

/// A maintenance window.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = MaintenanceWindow)]
pub struct WindowBody {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub title: String,
    pub description: String,
    pub time_zone: String,
    pub kind: MaintenanceKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub rule: Option<String>,
    pub duration_secs: Option<i64>,
    pub monitor_ids: Vec<Uuid>,
    /// Status pages whose shown monitors it covers too.
    pub status_page_ids: Vec<Uuid>,
    /// Its owner's monitors carrying one of these tags are covered too.
    pub tags: Vec<String>,
    /// Whether status page subscribers are told of it.
    pub announce: bool,
    /// Whether an occurrence covers the present: the monitors' alerts are held.
    pub active: bool,
    /// The current occurrence (if any) and the next ones, up to three.
    pub occurrences: Vec<Occurrence>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<MaintenanceView> for WindowBody {
    fn from(v: MaintenanceView) -> Self {
        Self {
            id: v.id,
            owner_id: v.owner_id,
            title: v.title,
            description: v.description,
            time_zone: v.time_zone,
            kind: v.kind,
            starts_at: v.starts_at,
            ends_at: v.ends_at,
            rule: v.rule,
            duration_secs: v.duration_secs,
            monitor_ids: v.monitor_ids,
            status_page_ids: v.status_page_ids,
            tags: v.tags,
            announce: v.announce,
            active: v.active,
            occurrences: v.occurrences.into_iter().map(Occurrence::from).collect(),
            created_at: v.created_at,
            updated_at: v.updated_at,
        }
    }
}

/// `data` of the window list.
#[derive(Debug, Serialize, ToSchema)]
pub struct WindowList {
    pub windows: Vec<WindowBody>,
    /// Always null: the list is whole.
    pub next_cursor: Option<String>,
}

/// The caller's maintenance windows, oldest first.
#[utoipa::path(get, operation_id = "list_maintenance_windows", path = "/maintenance-windows", tag = "maintenance", security(("bearer" = [])),
    responses((status = 200, body = Envelope<WindowList>)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
) -> Result<Envelope<WindowList>, ApiError> {
    let windows =
        state.maintenance.list(&caller).await?.into_iter().map(WindowBody::from).collect();
    Ok(Envelope::ok(WindowList { windows, next_cursor: None }))
}

/// Adds a maintenance window over some of the caller's monitors.
#[utoipa::path(post, operation_id = "create_maintenance_window", path = "/maintenance-windows", tag = "maintenance", request_body = WindowRequest, security(("bearer" = [])),
    responses((status = 201, body = Envelope<WindowBody>), (status = 422, body = ErrorBody, description = "a field is refused; `field` names it")))]
pub async fn create(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Json(input): Json<MaintenanceInput>,
) -> Result<Envelope<WindowBody>, ApiError> {
    Ok(Envelope::created(state.maintenance.create(&caller, input).await?.into()))
}

/// One maintenance window, for its owner or an admin.
#[utoipa::path(get, operation_id = "get_maintenance_window", path = "/maintenance-windows/{id}", tag = "maintenance", params(("id" = Uuid, Path, description = "The window's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<WindowBody>), (status = 404, body = ErrorBody, description = "unknown, or another user's")))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<WindowBody>, ApiError> {
    Ok(Envelope::ok({
        let window = state.maintenance.authorize(&caller, id).await?;
        state.maintenance.get(&window).await?.into()
    }))
}

/// Changes a maintenance window; absent fields stay. Alerts it holds are
/// looked at again at once: ending a window early releases them.
#[utoipa::path(patch, operation_id = "update_maintenance_window", path = "/maintenance-windows/{id}", tag = "maintenance", params(("id" = Uuid, Path, description = "The window's id")), request_body = WindowRequest, security(("bearer" = [])),
    responses((status = 200, body = Envelope<WindowBody>), (status = 404, body = ErrorBody, description = "unknown, or another user's"), (status = 422, body = ErrorBody, description = "a field is refused; `field` names it")))]
pub async fn update(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Json(patch): Json<MaintenanceInput>,
) -> Result<Envelope<WindowBody>, ApiError> {
    Ok(Envelope::ok({
        let window = state.maintenance.authorize(&caller, id).await?;
        state.maintenance.update(window, patch).await?.into()
    }))
}

/// Deletes a maintenance window; alerts it held are released as if it ended.
#[utoipa::path(delete, operation_id = "delete_maintenance_window", path = "/maintenance-windows/{id}", tag = "maintenance", params(("id" = Uuid, Path, description = "The window's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<NoData>), (status = 404, body = ErrorBody, description = "unknown, or another user's")))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<NoData>, ApiError> {
    let window = state.maintenance.authorize(&caller, id).await?;
    state.maintenance.delete(window).await?;
    Ok(Envelope::ok(NoData).with_message("maintenance window deleted"))
}
