//! `GET /api/v1/health`: the RunState contract's liveness route.

use serde::Serialize;

use super::envelope::Envelope;

/// What the health route reports.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok` when the process answers.
    pub status: &'static str,
    /// The running version of RunState.
    pub version: &'static str,
}

/// The service answers: no authentication, no dependencies checked.
#[utoipa::path(get, path = "/health", tag = "system",
    responses((status = 200, description = "The service is up", body = Envelope<Health>)))]
pub async fn health() -> Envelope<Health> {
    Envelope::ok(Health { status: "ok", version: env!("CARGO_PKG_VERSION") })
}
