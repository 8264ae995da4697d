//! Operational endpoints: `/healthz` (alive), `/readyz` (dependencies
//! reachable) and `/metrics` (Prometheus text).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::state::AppState;

/// The probe routes, outside `/api` so load balancers need no envelope.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
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

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render())
}
