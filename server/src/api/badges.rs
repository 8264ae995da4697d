//! Badges of published status pages (`/public/badges/…`), no session: the
//! page's or one component's status, uptime, response-time percentile or
//! certificate days, as SVG or as Shields' endpoint JSON (not in the
//! envelope: Shields reads it as it is). Anything without a figure (an
//! unknown or unpublished page, a component not on it, a figure it does not
//! have) is the same grey "N/A" badge, 200, byte for byte
//! ([status-pages.md](../../../docs/status-pages.md#badges)).

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::status_pages::{BadgeMetric, BadgeSubject, BadgeTarget, Figure};
use kinds::StatsWindow;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::error::{ApiError, ErrorBody};
use super::extract::{Path, Query};
use crate::badges::{clean_label, svg, Badge, MAX_LABEL};
use crate::state::AppState;

/// As long as a badge may be kept by whoever relays it (GitHub's image
/// proxy, a CDN, Shields).
const CACHE_CONTROL: &str = "public, max-age=60";
const SVG: &str = "image/svg+xml; charset=utf-8";
const JSON: &str = "application/json";

/// Which badge, as the last segment of its address: the figure and the format.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub enum BadgeFile {
    #[serde(rename = "status.svg")]
    StatusSvg,
    #[serde(rename = "status.json")]
    StatusJson,
    #[serde(rename = "uptime.svg")]
    UptimeSvg,
    #[serde(rename = "uptime.json")]
    UptimeJson,
    #[serde(rename = "p50.svg")]
    P50Svg,
    #[serde(rename = "p50.json")]
    P50Json,
    #[serde(rename = "p95.svg")]
    P95Svg,
    #[serde(rename = "p95.json")]
    P95Json,
    #[serde(rename = "certificate.svg")]
    CertificateSvg,
    #[serde(rename = "certificate.json")]
    CertificateJson,
}

impl BadgeFile {
    /// The figure, and whether it is drawn (SVG) or Shields' JSON.
    fn parts(self) -> (BadgeMetric, bool) {
        match self {
            Self::StatusSvg => (BadgeMetric::Status, true),
            Self::StatusJson => (BadgeMetric::Status, false),
            Self::UptimeSvg => (BadgeMetric::Uptime, true),
            Self::UptimeJson => (BadgeMetric::Uptime, false),
            Self::P50Svg => (BadgeMetric::P50, true),
            Self::P50Json => (BadgeMetric::P50, false),
            Self::P95Svg => (BadgeMetric::P95, true),
            Self::P95Json => (BadgeMetric::P95, false),
            Self::CertificateSvg => (BadgeMetric::Certificate, true),
            Self::CertificateJson => (BadgeMetric::Certificate, false),
        }
    }
}

/// A page's badge.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PageBadge {
    /// The page's slug.
    slug: String,
    #[param(inline)]
    badge: BadgeFile,
}

/// A component's badge.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ComponentBadge {
    /// The page's slug.
    slug: String,
    /// The component's id, as the page's owner sees it.
    component_id: Uuid,
    #[param(inline)]
    badge: BadgeFile,
}

/// What a badge may be asked.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BadgeQuery {
    /// The label's text instead of the default (status: the component's or
    /// page's name; else the figure's words); empty for none. At most 50 characters.
    #[param(max_length = 50)]
    label: Option<String>,
    /// The window of `uptime`, `p50` and `p95`: 1h, 24h, 7d, 30d or 90d (default 24h).
    #[param(pattern = "^(1h|24h|7d|30d|90d)$")]
    window: Option<String>,
}

/// A badge of a published status page: its status, uptime, or the soonest
/// certificate expiry of its monitors. No session.
#[utoipa::path(get, operation_id = "get_page_badge", path = "/public/badges/{slug}/{badge}", tag = "status pages",
    params(PageBadge, BadgeQuery, ("If-None-Match" = Option<String>, Header, description = "An `ETag` of an earlier answer")),
    responses(
        (status = 200, description = "the badge; a grey `N/A` one for an unknown or unpublished page, or a figure the page does not have", headers(("ETag" = String), ("Cache-Control" = String, description = "`public, max-age=60`")),
            content((String = "image/svg+xml"), (ShieldsBadge = "application/json"))),
        (status = 304, description = "the badge has not changed since the `ETag` sent", headers(("ETag" = String))),
        (status = 400, body = ErrorBody, description = "a label over 50 characters"),
        (status = 422, body = ErrorBody, description = "an unknown `window`")))]
pub async fn page(
    State(state): State<AppState>,
    Path(path): Path<PageBadge>,
    Query(query): Query<BadgeQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    answer(&state, &path.slug, BadgeTarget::Page, path.badge, query, &headers).await
}

/// A badge of one component of a published status page: its status, uptime,
/// response-time percentile (when the page shows its response times) or
/// certificate days. No session.
#[utoipa::path(get, operation_id = "get_component_badge", path = "/public/badges/{slug}/components/{component_id}/{badge}", tag = "status pages",
    params(ComponentBadge, BadgeQuery, ("If-None-Match" = Option<String>, Header, description = "An `ETag` of an earlier answer")),
    responses(
        (status = 200, description = "the badge; a grey `N/A` one for an unknown or unpublished page, a component not on it, or a figure it does not have", headers(("ETag" = String), ("Cache-Control" = String, description = "`public, max-age=60`")),
            content((String = "image/svg+xml"), (ShieldsBadge = "application/json"))),
        (status = 304, description = "the badge has not changed since the `ETag` sent", headers(("ETag" = String))),
        (status = 400, body = ErrorBody, description = "a label over 50 characters"),
        (status = 422, body = ErrorBody, description = "an unknown `window`")))]
pub async fn component(
    State(state): State<AppState>,
    Path(path): Path<ComponentBadge>,
    Query(query): Query<BadgeQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let target = BadgeTarget::Component(path.component_id);
    answer(&state, &path.slug, target, path.badge, query, &headers).await
}

/// Shields' endpoint badge (https://shields.io/badges/endpoint-badge).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ShieldsBadge {
    /// Always 1.
    #[schema(rename = "schemaVersion")]
    schema_version: u8,
    label: String,
    message: String,
    /// A colour name Shields knows: brightgreen, green, yellowgreen, yellow, orange, red, blue, lightgrey.
    color: String,
}

async fn answer(
    state: &AppState,
    slug: &str,
    target: BadgeTarget,
    file: BadgeFile,
    query: BadgeQuery,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let label = match query.label.as_deref() {
        None => None,
        Some(raw) => Some(clean_label(raw).ok_or_else(|| {
            ApiError::BadRequest(format!("label: at most {MAX_LABEL} characters"))
        })?),
    };
    let window = match query.window.as_deref() {
        None => StatsWindow::default(),
        Some(raw) => StatsWindow::parse(raw).ok_or_else(|| ApiError::Unprocessable {
            field: "window".into(),
            message: "window must be 1h, 24h, 7d, 30d or 90d".into(),
        })?,
    };
    let (metric, drawn) = file.parts();
    let subject = BadgeSubject::find(&state.db, slug, target).await.map_err(ApiError::internal)?;
    let figure = match &subject {
        Some(subject) => subject
            .figure(&state.db, metric, window, Utc::now())
            .await
            .map_err(ApiError::internal)?,
        None => Figure::NotAvailable,
    };
    let badge = Badge::new(figure, metric, window, label, subject.as_ref().map(|s| s.name()));
    let (body, content_type) = if drawn {
        (svg::render(&badge), SVG)
    } else {
        let json = serde_json::to_string(&badge.shields()).map_err(ApiError::internal)?;
        (json, JSON)
    };
    Ok(cached(body, content_type, headers))
}

/// The answer with its `ETag` (a hash of the body), or a 304 when the
/// client already has this body.
fn cached(body: String, content_type: &'static str, request: &HeaderMap) -> Response {
    let digest = Sha256::digest(body.as_bytes());
    let etag = format!("\"{}\"", hex_prefix(&digest[..16]));
    let fresh = request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*");
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Response::new(Body::from(body));
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    response
}

fn hex_prefix(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
