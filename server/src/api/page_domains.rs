//! A status page's custom domains (`/status-pages/{id}/domains`): the
//! hostnames whose requests are served the page at `/`, replaced as a
//! whole. Another user's page is a 404, as for the page itself
//! ([status-pages.md](../../../docs/status-pages.md#custom-domains)).

use axum::extract::State;
use domain::monitors::{Read, Write};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::envelope::Envelope;
use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Path};
use crate::auth::Auth;
use crate::state::AppState;

/// The hostnames to serve the page at (at most 10; an empty list removes them).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = StatusPageDomainsRequest)]
#[serde(deny_unknown_fields)]
pub struct DomainsRequest {
    /// DNS names such as `status.example.com` (lower-cased; no port).
    pub custom_domains: Vec<String>,
}

/// A page's custom domains and where their DNS should point.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StatusPageDomains)]
pub struct DomainsBody {
    pub custom_domains: Vec<String>,
    /// This installation's own host: point each domain here (a `CNAME`),
    /// and have the proxy in front hold their TLS certificates.
    pub dns_target: Option<String>,
}

fn body(state: &AppState, custom_domains: Vec<String>) -> DomainsBody {
    DomainsBody { custom_domains, dns_target: state.config.public_host() }
}

/// A page's custom domains.
#[utoipa::path(get, operation_id = "get_status_page_domains", path = "/status-pages/{id}/domains", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<DomainsBody>), (status = 404, body = ErrorBody, description = "no such page, or another user's")))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<DomainsBody>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Read).await?;
    let list = state.status_pages.domains(&page).await?;
    Ok(Envelope::ok(body(&state, list)))
}

/// Replaces a page's custom domains.
#[utoipa::path(put, operation_id = "replace_status_page_domains", path = "/status-pages/{id}/domains", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id")), request_body = DomainsRequest, security(("bearer" = [])),
    responses((status = 200, body = Envelope<DomainsBody>), (status = 404, body = ErrorBody, description = "no such page, or another user's"),
              (status = 409, body = ErrorBody, description = "another page has one of these domains (`field`: `custom_domains`)"),
              (status = 422, body = ErrorBody, description = "`field` names the domain at fault, e.g. `custom_domains[1]`")))]
pub async fn replace(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Json(request): Json<DomainsRequest>,
) -> Result<Envelope<DomainsBody>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Write).await?;
    let own = state.config.public_host();
    let list =
        state.status_pages.replace_domains(&page, request.custom_domains, own.as_deref()).await?;
    Ok(Envelope::ok(body(&state, list)))
}
