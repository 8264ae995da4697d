//! Public incidents of a status page, the owner's side
//! (`/status-pages/{id}/incidents`): list, write, change (title, impacts,
//! publish or discard, postmortem), delete; post, edit and delete updates.
//! Every route goes through the page's access check: another user's page
//! is a 404, as if it did not exist
//! ([status-pages.md](../../../docs/status-pages.md#public-incidents)).

use axum::extract::State;
use chrono::{DateTime, Utc};
use domain::monitors::{Read, Write};
use domain::status_pages::incidents::{
    ComponentImpact, ImpactView, IncidentInput, IncidentPatch, IncidentPhase, IncidentView,
    PublicIncidentState, UpdateInput, UpdatePatch, UpdateView,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::envelope::{Envelope, NoData};
use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Path};
use crate::auth::Auth;
use crate::state::AppState;

/// A public incident to write, with its first update. Read as
/// `domain::status_pages::incidents::IncidentInput`; this documents it.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = PublicIncidentRequest)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct IncidentRequest {
    /// 1 to 200 characters.
    title: String,
    /// `published` (the default) or `draft`.
    state: Option<PublicIncidentState>,
    /// The affected components of this page, each once.
    #[serde(default)]
    impacts: Vec<ImpactBody>,
    /// The first update's phase; `investigating` by default.
    phase: Option<IncidentPhase>,
    /// The first update: markdown, 1 to 20,000 characters.
    body: String,
}

/// Changes to a public incident; absent fields stay. Read as `IncidentPatch`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = PublicIncidentPatch)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct IncidentPatchRequest {
    title: Option<String>,
    /// Replaces the list.
    impacts: Option<Vec<ImpactBody>>,
    /// `published` or `discarded`.
    state: Option<PublicIncidentState>,
    /// Markdown, only once resolved (422 before); empty removes it.
    postmortem: Option<String>,
}

/// An update to post (read as `UpdateInput`).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = PublicIncidentUpdateRequest)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct UpdateRequest {
    /// `resolved` resolves the incident; another phase after it reopens it.
    phase: IncidentPhase,
    /// Markdown, 1 to 20,000 characters.
    body: String,
}

/// Changes to an update (read as `UpdatePatch`); it keeps its `posted_at`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = PublicIncidentUpdatePatch)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct UpdatePatchRequest {
    phase: Option<IncidentPhase>,
    body: Option<String>,
}

/// One affected component and how badly.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[schema(as = PublicIncidentImpactRequest)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ImpactBody {
    /// One of this page's components.
    component_id: Uuid,
    impact: ComponentImpact,
}

/// A public incident, as the page's owner sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PublicIncidentOwned)]
pub struct IncidentBody {
    pub id: Uuid,
    pub title: String,
    pub state: PublicIncidentState,
    pub phase: IncidentPhase,
    /// The internal incident it was drafted from (never shown publicly).
    pub internal_incident_id: Option<Uuid>,
    pub impacts: Vec<ImpactOut>,
    /// When the draft publishes itself; null when it waits for a person.
    pub publish_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub postmortem: Option<String>,
    pub postmortem_html: Option<String>,
    /// The last change by a person; null while only automation wrote it.
    pub person_edited_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Newest first.
    pub updates: Vec<UpdateOut>,
}

/// An affected component.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PublicIncidentImpact)]
pub struct ImpactOut {
    /// Null once the page's components were replaced.
    pub component_id: Option<Uuid>,
    pub component_name: String,
    pub impact: ComponentImpact,
}

/// One update, as the owner sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PublicIncidentUpdateOwned)]
pub struct UpdateOut {
    pub id: Uuid,
    pub phase: IncidentPhase,
    /// The markdown as written.
    pub body: String,
    /// The markdown rendered safely.
    pub body_html: String,
    pub posted_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    /// Null when automation wrote it.
    pub author_id: Option<Uuid>,
}

/// `data` of the list.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PublicIncidentList)]
pub struct IncidentList {
    pub incidents: Vec<IncidentBody>,
}

impl From<ImpactView> for ImpactOut {
    fn from(v: ImpactView) -> Self {
        Self { component_id: v.component_id, component_name: v.component_name, impact: v.impact }
    }
}

impl From<UpdateView> for UpdateOut {
    fn from(v: UpdateView) -> Self {
        Self {
            id: v.id,
            phase: v.phase,
            body: v.body,
            body_html: v.body_html,
            posted_at: v.posted_at,
            edited_at: v.edited_at,
            author_id: v.author_id,
        }
    }
}

impl From<IncidentView> for IncidentBody {
    fn from(v: IncidentView) -> Self {
        Self {
            id: v.id,
            title: v.title,
            state: v.state,
            phase: v.phase,
            internal_incident_id: v.internal_incident_id,
            impacts: v.impacts.into_iter().map(ImpactOut::from).collect(),
            publish_at: v.publish_at,
            published_at: v.published_at,
            resolved_at: v.resolved_at,
            postmortem: v.postmortem,
            postmortem_html: v.postmortem_html,
            person_edited_at: v.person_edited_at,
            created_at: v.created_at,
            updated_at: v.updated_at,
            updates: v.updates.into_iter().map(UpdateOut::from).collect(),
        }
    }
}

/// The page's public incidents in every state, newest first (the latest 200).
#[utoipa::path(get, operation_id = "list_public_incidents", path = "/status-pages/{id}/incidents", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<IncidentList>), (status = 404, body = ErrorBody, description = "no such page, or another user's")))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<IncidentList>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Read).await?;
    let list = state.status_pages.incidents().list(&page).await?;
    Ok(Envelope::ok(IncidentList { incidents: list.into_iter().map(IncidentBody::from).collect() }))
}

/// Writes a public incident and its first update; published unless it says `draft`.
#[utoipa::path(post, operation_id = "create_public_incident", path = "/status-pages/{id}/incidents", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id")), request_body = IncidentRequest, security(("bearer" = [])),
    responses((status = 201, body = Envelope<IncidentBody>), (status = 404, body = ErrorBody, description = "no such page, or another user's"), (status = 422, body = ErrorBody, description = "`field` names the fault, e.g. `impacts[0].component_id`")))]
pub async fn create(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Json(input): Json<IncidentInput>,
) -> Result<Envelope<IncidentBody>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Write).await?;
    Ok(Envelope::created(state.status_pages.incidents().create(&page, input).await?.into()))
}

/// One public incident of the page, with its updates.
#[utoipa::path(get, operation_id = "get_public_incident", path = "/status-pages/{id}/incidents/{incident_id}", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id"), ("incident_id" = Uuid, Path, description = "The public incident's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<IncidentBody>), (status = 404, body = ErrorBody, description = "no such page or incident, or another user's")))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((id, incident_id)): Path<(Uuid, Uuid)>,
) -> Result<Envelope<IncidentBody>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Read).await?;
    Ok(Envelope::ok(state.status_pages.incidents().get(&page, incident_id).await?.into()))
}

/// Changes a public incident: title, impacts, `state` (`published` or
/// `discarded`), postmortem (only once resolved). A person's change stops
/// a draft from publishing itself.
#[utoipa::path(patch, operation_id = "update_public_incident", path = "/status-pages/{id}/incidents/{incident_id}", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id"), ("incident_id" = Uuid, Path, description = "The public incident's id")), request_body = IncidentPatchRequest, security(("bearer" = [])),
    responses((status = 200, body = Envelope<IncidentBody>), (status = 404, body = ErrorBody, description = "no such page or incident, or another user's"), (status = 422, body = ErrorBody, description = "`field` names the fault; `postmortem` before resolution")))]
pub async fn update(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((id, incident_id)): Path<(Uuid, Uuid)>,
    Json(patch): Json<IncidentPatch>,
) -> Result<Envelope<IncidentBody>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Write).await?;
    Ok(Envelope::ok(state.status_pages.incidents().update(&page, incident_id, patch).await?.into()))
}

/// Deletes a public incident and its updates.
#[utoipa::path(delete, operation_id = "delete_public_incident", path = "/status-pages/{id}/incidents/{incident_id}", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id"), ("incident_id" = Uuid, Path, description = "The public incident's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<NoData>), (status = 404, body = ErrorBody, description = "no such page or incident, or another user's")))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((id, incident_id)): Path<(Uuid, Uuid)>,
) -> Result<Envelope<NoData>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Write).await?;
    state.status_pages.incidents().delete(&page, incident_id).await?;
    Ok(Envelope::ok(NoData).with_message("incident deleted"))
}

/// Posts an update; `resolved` resolves the incident.
#[utoipa::path(post, operation_id = "post_public_incident_update", path = "/status-pages/{id}/incidents/{incident_id}/updates", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id"), ("incident_id" = Uuid, Path, description = "The public incident's id")), request_body = UpdateRequest, security(("bearer" = [])),
    responses((status = 201, body = Envelope<IncidentBody>), (status = 404, body = ErrorBody, description = "no such page or incident, or another user's"), (status = 422, body = ErrorBody)))]
pub async fn post_update(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((id, incident_id)): Path<(Uuid, Uuid)>,
    Json(update): Json<UpdateInput>,
) -> Result<Envelope<IncidentBody>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Write).await?;
    let incident = state.status_pages.incidents().post_update(&page, incident_id, update).await?;
    Ok(Envelope::created(incident.into()))
}

/// Edits an update's text or phase; it keeps `posted_at` and gets `edited_at`.
#[utoipa::path(patch, operation_id = "edit_public_incident_update", path = "/status-pages/{id}/incidents/{incident_id}/updates/{update_id}", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id"), ("incident_id" = Uuid, Path, description = "The public incident's id"), ("update_id" = Uuid, Path, description = "The update's id")), request_body = UpdatePatchRequest, security(("bearer" = [])),
    responses((status = 200, body = Envelope<IncidentBody>), (status = 404, body = ErrorBody, description = "no such page, incident or update, or another user's"), (status = 422, body = ErrorBody)))]
pub async fn edit_update(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((id, incident_id, update_id)): Path<(Uuid, Uuid, Uuid)>,
    Json(patch): Json<UpdatePatch>,
) -> Result<Envelope<IncidentBody>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Write).await?;
    let incidents = state.status_pages.incidents();
    Ok(Envelope::ok(incidents.edit_update(&page, incident_id, update_id, patch).await?.into()))
}

/// Deletes an update; the incident's phase follows the latest one left.
#[utoipa::path(delete, operation_id = "delete_public_incident_update", path = "/status-pages/{id}/incidents/{incident_id}/updates/{update_id}", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id"), ("incident_id" = Uuid, Path, description = "The public incident's id"), ("update_id" = Uuid, Path, description = "The update's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<IncidentBody>), (status = 404, body = ErrorBody, description = "no such page, incident or update, or another user's")))]
pub async fn delete_update(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((id, incident_id, update_id)): Path<(Uuid, Uuid, Uuid)>,
) -> Result<Envelope<IncidentBody>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Write).await?;
    let incidents = state.status_pages.incidents();
    Ok(Envelope::ok(incidents.delete_update(&page, incident_id, update_id).await?.into()))
}
