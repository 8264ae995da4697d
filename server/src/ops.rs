//! Operational endpoints: `/healthz` (alive), `/readyz` (dependencies
//! reachable) and `/metrics` (Prometheus text, behind `--metrics-token`
//! when set, and on `--metrics-bind` alone when that is set).

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::state::AppState;

/// The probes and the metrics: what a `--metrics-bind` listener serves.
pub fn router() -> Router<AppState> {
    probes().route("/metrics", get(metrics))
}

/// The probe routes, outside `/api` so load balancers need no envelope.
pub fn probes() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz))
}

async fn healthz() -> &'static str {
    "ok"
}

/// One dependency's state in `/readyz`.
#[derive(Debug, Serialize)]
struct Probe {
    backend: &'static str,
    ok: bool,
}

#[derive(Debug, Serialize)]
struct Readiness {
    ready: bool,
    database: Probe,
    queue: Probe,
}

/// 200 when the database and the queue answer, else 503. Causes go to the
/// log, not to the unauthenticated caller.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let (db, queue) = tokio::join!(domain::db::ping(&state.db), state.queue.ping());
    if let Err(err) = &db {
        tracing::warn!(error = %err, "readiness: database unreachable");
    }
    if let Err(err) = &queue {
        tracing::warn!(error = %err, "readiness: queue unreachable");
    }
    let body = Readiness {
        ready: db.is_ok() && queue.is_ok(),
        database: Probe { backend: domain::db::backend_name(&state.db), ok: db.is_ok() },
        queue: Probe { backend: state.queue.name(), ok: queue.is_ok() },
    };
    let status = if body.ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(body))
}

/// Prometheus text; with `--metrics-token`, only for `Authorization: Bearer <token>`.
async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(expected) = &state.config.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !same_secret(given.trim(), expected) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\"")],
                "the metrics need `Authorization: Bearer <metrics token>`\n",
            )
                .into_response();
        }
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render())
        .into_response()
}

/// Compares in constant time; hashing first hides the length too.
fn same_secret(given: &str, expected: &str) -> bool {
    let given = Sha256::digest(given.as_bytes());
    let expected = Sha256::digest(expected.as_bytes());
    bool::from(given.ct_eq(&expected))
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn tokens_match_only_exactly() {
        assert!(same_secret("s3cret-metrics-token", "s3cret-metrics-token"));
        assert!(!same_secret("s3cret-metrics-toke", "s3cret-metrics-token"));
        assert!(!same_secret("", "s3cret-metrics-token"));
    }
}
