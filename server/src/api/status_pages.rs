//! Status pages, the owner's side (`/status-pages`): create, list, read,
//! change and delete pages, and replace a page's components as a whole.
//! Another user's page is a 404, as if it did not exist
//! ([status-pages.md](../../../docs/status-pages.md)).

use axum::extract::State;
use chrono::{DateTime, Utc};
use domain::monitors::{Read, Write};
use domain::status_pages::{
    ComponentInput, ComponentKind, ComponentState, ComponentView, PageInput, PageTheme, PageView,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::envelope::{Envelope, NoData};
use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Path};
use crate::auth::Auth;
use crate::state::AppState;

/// A status page to create, or the changes to one (absent fields stay).
/// Read as `domain::status_pages::PageInput`; this is its documentation.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = StatusPageRequest)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct PageRequest {
    /// Required on create: 3 to 60 of `a-z`, `0-9` and `-`, not at either end; unique.
    slug: Option<String>,
    /// Required on create: 1 to 100 characters.
    title: Option<String>,
    /// At most 2000 characters.
    description: Option<String>,
    /// An absolute http(s) URL; empty removes the logo.
    logo_url: Option<String>,
    /// `auto` by default.
    theme: Option<PageTheme>,
    /// At most 2000 characters.
    footer: Option<String>,
    /// Readable without a session at `/api/v1/public/status/{slug}`; `false` by default.
    published: Option<bool>,
    /// Whether search engines may index the page; `true` by default.
    indexable: Option<bool>,
    /// Seconds (0 to 86400) before a draft made from a monitor's incident
    /// publishes itself; 300 by default.
    auto_publish_delay_secs: Option<u32>,
}

/// A status page, as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StatusPage)]
pub struct PageBody {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub logo_url: Option<String>,
    pub theme: PageTheme,
    pub footer: String,
    pub published: bool,
    pub indexable: bool,
    /// Seconds before a draft made from a monitor's incident publishes itself.
    pub auto_publish_delay_secs: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<PageView> for PageBody {
    fn from(v: PageView) -> Self {
        Self {
            id: v.id,
            owner_id: v.owner_id,
            slug: v.slug,
            title: v.title,
            description: v.description,
            logo_url: v.logo_url,
            theme: v.theme,
            footer: v.footer,
            published: v.published,
            indexable: v.indexable,
            auto_publish_delay_secs: v.auto_publish_delay_secs,
            created_at: v.created_at,
            updated_at: v.updated_at,
        }
    }
}

/// `data` of the page list.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StatusPageList)]
pub struct PageList {
    pub pages: Vec<PageBody>,
}

/// A page's whole component list, replacing the one it has.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = StatusPageComponentsRequest)]
#[serde(deny_unknown_fields)]
pub struct ComponentsRequest {
    /// In order; at most 100 components, groups and members together.
    #[schema(value_type = Vec<ComponentRequest>)]
    components: Vec<ComponentInput>,
}

/// One component of the list (read as `domain::status_pages::ComponentInput`).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = StatusPageComponentRequest)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ComponentRequest {
    /// The id of one of the page's current components to keep it (badge
    /// addresses name components by id); otherwise, or absent, a new one.
    id: Option<Uuid>,
    kind: ComponentKind,
    /// 1 to 100 characters: what the public page calls it.
    public_name: String,
    /// At most 500 characters.
    description: Option<String>,
    /// `monitor` only, required: one of the page owner's monitors.
    monitor_id: Option<Uuid>,
    /// `static` only, required: its state (not `no_data`).
    static_state: Option<ComponentState>,
    /// `monitor` only: show its recent response times.
    #[serde(default)]
    show_latency: bool,
    /// `group` only: its members in order (monitor and static components).
    #[serde(default)]
    members: Vec<MemberRequest>,
}

/// A group's member: a monitor or static component.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = StatusPageMemberRequest)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct MemberRequest {
    kind: ComponentKind,
    public_name: String,
    description: Option<String>,
    monitor_id: Option<Uuid>,
    static_state: Option<ComponentState>,
    #[serde(default)]
    show_latency: bool,
}

/// One component, as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StatusPageComponent)]
pub struct ComponentBody {
    pub id: Uuid,
    pub kind: ComponentKind,
    pub public_name: String,
    pub description: Option<String>,
    pub monitor_id: Option<Uuid>,
    pub static_state: Option<ComponentState>,
    pub show_latency: bool,
    /// A group's members, in order; empty for other kinds.
    pub members: Vec<MemberBody>,
}

/// A group's member, as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StatusPageMember)]
pub struct MemberBody {
    pub id: Uuid,
    pub kind: ComponentKind,
    pub public_name: String,
    pub description: Option<String>,
    pub monitor_id: Option<Uuid>,
    pub static_state: Option<ComponentState>,
    pub show_latency: bool,
}

impl From<ComponentView> for ComponentBody {
    fn from(v: ComponentView) -> Self {
        let members = v
            .members
            .into_iter()
            .map(|m| MemberBody {
                id: m.id,
                kind: m.kind,
                public_name: m.public_name,
                description: m.description,
                monitor_id: m.monitor_id,
                static_state: m.static_state,
                show_latency: m.show_latency,
            })
            .collect();
        Self {
            id: v.id,
            kind: v.kind,
            public_name: v.public_name,
            description: v.description,
            monitor_id: v.monitor_id,
            static_state: v.static_state,
            show_latency: v.show_latency,
            members,
        }
    }
}

/// `data` of a page's components.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StatusPageComponents)]
pub struct ComponentList {
    pub components: Vec<ComponentBody>,
}

fn components(list: Vec<ComponentView>) -> ComponentList {
    ComponentList { components: list.into_iter().map(ComponentBody::from).collect() }
}

/// The caller's own status pages, by slug.
#[utoipa::path(get, operation_id = "list_status_pages", path = "/status-pages", tag = "status pages", security(("bearer" = [])),
    responses((status = 200, body = Envelope<PageList>)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
) -> Result<Envelope<PageList>, ApiError> {
    let pages = state.status_pages.list(&caller).await?;
    Ok(Envelope::ok(PageList { pages: pages.into_iter().map(PageBody::from).collect() }))
}

/// Creates a status page owned by the caller; unpublished unless it says so.
#[utoipa::path(post, operation_id = "create_status_page", path = "/status-pages", tag = "status pages", request_body = PageRequest, security(("bearer" = [])),
    responses((status = 201, body = Envelope<PageBody>), (status = 409, body = ErrorBody, description = "another page has this slug (`field`: `slug`)"), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Json(input): Json<PageInput>,
) -> Result<Envelope<PageBody>, ApiError> {
    Ok(Envelope::created(state.status_pages.create(&caller, input).await?.into()))
}

/// One status page (its owner's or, for an admin, anyone's).
#[utoipa::path(get, operation_id = "get_status_page", path = "/status-pages/{id}", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<PageBody>), (status = 404, body = ErrorBody, description = "no such page, or another user's")))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<PageBody>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Read).await?;
    Ok(Envelope::ok(page.view().clone().into()))
}

/// Changes a status page; absent fields stay.
#[utoipa::path(patch, operation_id = "update_status_page", path = "/status-pages/{id}", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id")), request_body = PageRequest, security(("bearer" = [])),
    responses((status = 200, body = Envelope<PageBody>), (status = 404, body = ErrorBody, description = "no such page, or another user's"), (status = 409, body = ErrorBody, description = "another page has this slug"), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Json(input): Json<PageInput>,
) -> Result<Envelope<PageBody>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Write).await?;
    Ok(Envelope::ok(state.status_pages.update(page, input).await?.into()))
}

/// Deletes a status page and its components.
#[utoipa::path(delete, operation_id = "delete_status_page", path = "/status-pages/{id}", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<NoData>), (status = 404, body = ErrorBody, description = "no such page, or another user's")))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<NoData>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Write).await?;
    state.status_pages.delete(page).await?;
    Ok(Envelope::ok(NoData).with_message("status page deleted"))
}

/// A page's components in order, groups with their members.
#[utoipa::path(get, operation_id = "get_status_page_components", path = "/status-pages/{id}/components", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<ComponentList>), (status = 404, body = ErrorBody, description = "no such page, or another user's")))]
pub async fn get_components(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<ComponentList>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Read).await?;
    Ok(Envelope::ok(components(state.status_pages.components(&page).await?)))
}

/// Replaces a page's components with the list given, in its order. A
/// monitor component names one of the page owner's monitors; any other id
/// is a 422 on its `monitor_id`, alike for another user's and for none.
#[utoipa::path(put, operation_id = "replace_status_page_components", path = "/status-pages/{id}/components", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id")), request_body = ComponentsRequest, security(("bearer" = [])),
    responses((status = 200, body = Envelope<ComponentList>), (status = 404, body = ErrorBody, description = "no such page, or another user's"), (status = 422, body = ErrorBody, description = "`field` names the component at fault, e.g. `components[1].members[0].monitor_id`")))]
pub async fn replace_components(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<ComponentsRequest>,
) -> Result<Envelope<ComponentList>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Write).await?;
    let saved = state.status_pages.replace_components(&page, body.components).await?;
    Ok(Envelope::ok(components(saved)))
}
