//! The RunState v1 `websites` routes: HTTP monitors seen the RunState way,
//! adapters over the monitor service.

use axum::extract::State;
use chrono::{DateTime, Utc};
use domain::monitors::{MonitorFilter, MonitorView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::envelope::Envelope;
use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Path};
use crate::auth::Auth;
use crate::state::AppState;

/// A website as the RunState contract shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Website {
    pub id: Uuid,
    pub url: String,
    /// up, down, unknown (plus paused, degraded).
    pub current_status: String,
    pub time_added: DateTime<Utc>,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub latest_response_time_ms: Option<i32>,
}

impl From<MonitorView> for Website {
    fn from(m: MonitorView) -> Self {
        Self {
            id: m.id,
            url: m.http.map(|h| h.url).unwrap_or(m.target),
            current_status: m.status.as_str().to_owned(),
            time_added: m.created_at,
            last_checked_at: m.last_checked_at,
            latest_response_time_ms: m.latest_response_time_ms,
        }
    }
}

/// `data` of the website list.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebsiteList {
    pub websites: Vec<Website>,
}

/// A new website.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewWebsite {
    pub url: String,
}

/// The caller's websites (their HTTP monitors).
#[utoipa::path(get, path = "/websites", tag = "websites", security(("bearer" = [])),
    responses((status = 200, body = WebsiteList), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
) -> Result<Envelope<WebsiteList>, ApiError> {
    let mut websites = Vec::new();
    let mut filter = MonitorFilter { kind: Some("http".into()), limit: 500, ..Default::default() };
    loop {
        let page = state.monitors.list(&caller, &filter).await?;
        websites.extend(page.monitors.into_iter().map(Website::from));
        match page.next_cursor {
            Some(cursor) => filter.cursor = Some(cursor),
            None => break,
        }
    }
    Ok(Envelope::ok(WebsiteList { websites }))
}

/// Starts monitoring a URL (GET, expecting 200-399, every 60 s).
#[utoipa::path(post, path = "/websites", tag = "websites", request_body = NewWebsite, security(("bearer" = [])),
    responses((status = 201, body = Website), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Json(body): Json<NewWebsite>,
) -> Result<Envelope<Website>, ApiError> {
    let monitor =
        state.monitors.create_website(&caller, &body.url).await.map_err(ApiError::contract)?;
    Ok(Envelope::created(monitor.into()))
}

/// A website and its open incident, if any.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebsiteDetail {
    #[serde(flatten)]
    pub website: Website,
    #[schema(value_type = Option<Object>)]
    pub active_incident: Option<serde_json::Value>,
}

/// One website with its active incident.
#[utoipa::path(get, path = "/websites/{id}", tag = "websites", security(("bearer" = [])),
    responses((status = 200, body = WebsiteDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<WebsiteDetail>, ApiError> {
    let monitor = state.monitors.get(&caller, id).await?;
    Ok(Envelope::ok(WebsiteDetail { website: monitor.into(), active_incident: None }))
}

/// Stops monitoring a website and deletes its history.
#[utoipa::path(delete, path = "/websites/{id}", tag = "websites", security(("bearer" = [])),
    responses((status = 200), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<Option<()>>, ApiError> {
    state.monitors.delete(&caller, id).await?;
    Ok(Envelope::ok(None).with_message("website deleted"))
}
