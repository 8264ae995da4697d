//! The public read of a status page (`/public/status/{slug}`): no session,
//! only what a published page shows, through `domain::status_pages::PublicPage`
//! (which holds nothing else); unpublished and unknown slugs are the same
//! 404. Cached a few seconds in the process and by whoever relays it
//! ([status-pages.md](../../../docs/status-pages.md)).

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use domain::status_pages::incidents::{ComponentImpact, IncidentPhase};
use domain::status_pages::{
    ComponentKind, ComponentState, PageTheme, PublicComponent, PublicIncident, PublicMaintenance,
    PublicPage,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::envelope::Envelope;
use super::error::{ApiError, ErrorBody};
use super::extract::Path;
use crate::state::AppState;

/// What `Cache-Control` says of a public page: as long as the server's own cache.
const CACHE_CONTROL: &str = "public, max-age=5";

/// A published status page.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStatusPage {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub logo_url: Option<String>,
    pub theme: PageTheme,
    pub footer: String,
    /// Whether search engines may index it.
    pub indexable: bool,
    /// The whole page's state.
    pub state: ComponentState,
    pub components: Vec<PublicStatusComponent>,
    /// Maintenance on now or starting within 14 days, soonest first.
    pub maintenance: Vec<PublicStatusMaintenance>,
    /// Published incidents, active or resolved in the last 14 days, newest first.
    pub incidents: Vec<PublicStatusIncident>,
    /// When these figures were read (they may be up to 5 s old).
    pub generated_at: DateTime<Utc>,
}

/// One component of a published page.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStatusComponent {
    /// The component's id: its badges' address, and what a subscriber may
    /// choose (`component_ids`).
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub kind: ComponentKind,
    pub state: ComponentState,
    /// 90 UTC days, oldest first; empty for a static component.
    pub uptime_days: Vec<PublicDayUptime>,
    /// Recent response times in ms, oldest first (null for a failed check);
    /// present only when the page shows them.
    pub latency_ms: Option<Vec<Option<u32>>>,
    /// A group's members, in order.
    pub members: Vec<PublicStatusMember>,
}

/// A group's member on a published page.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStatusMember {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub kind: ComponentKind,
    pub state: ComponentState,
    pub uptime_days: Vec<PublicDayUptime>,
    pub latency_ms: Option<Vec<Option<u32>>>,
}

/// One UTC day's uptime in percent; null when nothing was checked that day.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicDayUptime {
    pub date: NaiveDate,
    pub uptime: Option<f64>,
    /// A maintenance window covered part of the day (its checks still count).
    pub maintenance: bool,
}

/// Planned work on some of the page's components.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStatusMaintenance {
    pub title: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// On now.
    pub active: bool,
    /// The public names of the components it covers.
    pub components: Vec<String>,
}

impl From<&PublicMaintenance> for PublicStatusMaintenance {
    fn from(m: &PublicMaintenance) -> Self {
        Self {
            title: m.title.clone(),
            description: m.description.clone(),
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            active: m.active,
            components: m.components.clone(),
        }
    }
}

/// A published incident: what happened, where, and its updates.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStatusIncident {
    /// The public incident's own id.
    pub id: Uuid,
    pub title: String,
    /// The latest update's phase.
    pub phase: IncidentPhase,
    /// Affected components by public name.
    pub impacts: Vec<PublicStatusImpact>,
    pub published_at: DateTime<Utc>,
    /// Null while active.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Newest first.
    pub updates: Vec<PublicStatusUpdate>,
    /// The postmortem's markdown, once resolved and written.
    pub postmortem: Option<String>,
    /// The postmortem rendered safely.
    pub postmortem_html: Option<String>,
    pub postmortem_at: Option<DateTime<Utc>>,
}

/// A component an incident affects.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStatusImpact {
    /// The component's public name.
    pub component: String,
    pub impact: ComponentImpact,
}

/// One update of a published incident.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStatusUpdate {
    pub id: Uuid,
    pub phase: IncidentPhase,
    /// The markdown as written.
    pub body: String,
    /// The markdown rendered safely: raw HTML escaped, links `rel="nofollow noopener"`.
    pub html: String,
    pub posted_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
}

impl From<&PublicIncident> for PublicStatusIncident {
    fn from(i: &PublicIncident) -> Self {
        Self {
            id: i.id,
            title: i.title.clone(),
            phase: i.phase,
            impacts: i
                .impacts
                .iter()
                .map(|m| PublicStatusImpact { component: m.component.clone(), impact: m.impact })
                .collect(),
            published_at: i.published_at,
            resolved_at: i.resolved_at,
            updates: i
                .updates
                .iter()
                .map(|u| PublicStatusUpdate {
                    id: u.id,
                    phase: u.phase,
                    body: u.body.clone(),
                    html: u.html.clone(),
                    posted_at: u.posted_at,
                    edited_at: u.edited_at,
                })
                .collect(),
            postmortem: i.postmortem.clone(),
            postmortem_html: i.postmortem_html.clone(),
            postmortem_at: i.postmortem_at,
        }
    }
}

fn days(c: &PublicComponent) -> Vec<PublicDayUptime> {
    c.uptime_days
        .iter()
        .map(|d| PublicDayUptime { date: d.date, uptime: d.uptime, maintenance: d.maintenance })
        .collect()
}

impl From<&PublicComponent> for PublicStatusMember {
    fn from(c: &PublicComponent) -> Self {
        Self {
            id: c.id,
            name: c.name.clone(),
            description: c.description.clone(),
            kind: c.kind,
            state: c.state,
            uptime_days: days(c),
            latency_ms: c.latency_ms.clone(),
        }
    }
}

impl From<&PublicComponent> for PublicStatusComponent {
    fn from(c: &PublicComponent) -> Self {
        let member = PublicStatusMember::from(c);
        Self {
            id: member.id,
            name: member.name,
            description: member.description,
            kind: member.kind,
            state: member.state,
            uptime_days: member.uptime_days,
            latency_ms: member.latency_ms,
            members: c.members.iter().map(PublicStatusMember::from).collect(),
        }
    }
}

impl From<&PublicPage> for PublicStatusPage {
    fn from(p: &PublicPage) -> Self {
        Self {
            slug: p.slug.clone(),
            title: p.title.clone(),
            description: p.description.clone(),
            logo_url: p.logo_url.clone(),
            theme: p.theme,
            footer: p.footer.clone(),
            indexable: p.indexable,
            state: p.state,
            components: p.components.iter().map(PublicStatusComponent::from).collect(),
            maintenance: p.maintenance.iter().map(PublicStatusMaintenance::from).collect(),
            incidents: p.incidents.iter().map(PublicStatusIncident::from).collect(),
            generated_at: p.generated_at,
        }
    }
}

/// A published status page, as anyone may read it: no session needed.
#[utoipa::path(get, operation_id = "get_public_status_page", path = "/public/status/{slug}", tag = "status pages", params(("slug" = String, Path, description = "The page's slug")),
    responses((status = 200, body = Envelope<PublicStatusPage>, headers(("Cache-Control" = String, description = "`public, max-age=5` (`private, no-store` for a page with a password)"))),
              (status = 401, body = ErrorBody, description = "the page has a password and the request carries no pass for it (the `rs_page_{slug}` cookie set by the page's password form)"),
              (status = 404, body = ErrorBody, description = "no published page has this slug")))]
pub async fn read(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let cookies = headers.get(header::COOKIE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let pass = domain::status_pages::pass_in(cookies, &slug);
    let page = state.status_pages.public_for(&slug, pass).await?;
    let mut response = Envelope::ok(PublicStatusPage::from(page.as_ref())).into_response();
    // A protected page's answer is for the visitor holding the pass only.
    let cache = if page.is_protected() { "private, no-store" } else { CACHE_CONTROL };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(response)
}
