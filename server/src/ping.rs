//! The public ping endpoints of heartbeat monitors, with no session:
//! Healthchecks' `/ping/{token}[/start|/fail|/log|/{status}]` over HEAD, GET
//! and POST, answering `OK`, and Uptime Kuma's `/api/push/{token}`.
//!
//! A known and an unknown token get the same status and body after the
//! same work (the hash, the rate count, the lookup), so the answer never
//! tells whether a token exists; a bad tail or run id is a 400 before any
//! lookup, for both alike (decision 75).

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use domain::heartbeats::service::PingAnswer;
use domain::heartbeats::store::Received;
use domain::heartbeats::{ping::keep_body, PingKind, PushForm, PING_BODY_LIMIT};
use http_body_util::BodyExt;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::Client;
use crate::state::AppState;

/// The header that tells a job how much of its body is kept.
pub const BODY_LIMIT_HEADER: &str = "ping-body-limit";

/// Whether `path` is a ping endpoint: they carry no ambient authority, so
/// the cross-site guard lets them through.
pub fn is_ping_path(path: &str) -> bool {
    path.starts_with("/ping/") || path.starts_with("/api/push/")
}

/// The ping routes (`/api/push/…` is registered before the `/api/*` 404).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ping/{token}", get(bare).post(bare))
        .route("/ping/{token}/{tail}", get(tail).post(tail))
        .route("/api/push/{token}", get(push).post(push))
}

/// `?rid=`: the run a ping belongs to.
#[derive(Debug, Deserialize)]
pub struct RunId {
    rid: Option<String>,
}

async fn bare(
    State(state): State<AppState>,
    Path(token): Path<String>,
    query: Result<Query<RunId>, axum::extract::rejection::QueryRejection>,
    Client(client): Client,
    body: Body,
) -> Response {
    ping(state, token, "", query, client, body).await
}

async fn tail(
    State(state): State<AppState>,
    Path((token, tail)): Path<(String, String)>,
    query: Result<Query<RunId>, axum::extract::rejection::QueryRejection>,
    Client(client): Client,
    body: Body,
) -> Response {
    ping(state, token, &tail, query, client, body).await
}

async fn ping(
    state: AppState,
    token: String,
    tail: &str,
    query: Result<Query<RunId>, axum::extract::rejection::QueryRejection>,
    client: domain::accounts::ClientInfo,
    body: Body,
) -> Response {
    let kind = match PingKind::from_tail(tail) {
        Ok(kind) => kind,
        Err(err) => return bad_request(&err.to_string()),
    };
    let rid = match query.map(|Query(q)| q.rid) {
        Ok(None) => None,
        Ok(Some(rid)) if rid.trim().is_empty() => None,
        Ok(Some(rid)) => match rid.trim().parse::<Uuid>() {
            Ok(rid) => Some(rid),
            Err(_) => return bad_request("`rid` must be a UUID"),
        },
        Err(_) => return bad_request("the query string is not readable"),
    };
    let (body, _cut) = keep_body(&read_capped(body).await);
    let received =
        Received { kind, rid, body, source_ip: client.ip, user_agent: client.user_agent };
    answer(&state, &token, received, ok_text()).await
}

async fn push(
    State(state): State<AppState>,
    Path(token): Path<String>,
    query: Result<Query<PushForm>, axum::extract::rejection::QueryRejection>,
    Client(client): Client,
) -> Response {
    let Ok(Query(form)) = query else {
        return bad_request("the query string is not readable");
    };
    let push = form.read();
    let received = Received {
        kind: push.kind,
        rid: None,
        body: push.message,
        source_ip: client.ip,
        user_agent: client.user_agent,
    };
    // Uptime Kuma's own answer, so its clients read it as they do today.
    let ok = ([(CONTENT_TYPE, "application/json")], r#"{"ok":true}"#).into_response();
    answer(&state, &token, received, ok).await
}

/// Takes the ping and answers `ok` (the same for every token), or 429.
async fn answer(state: &AppState, token: &str, received: Received, ok: Response) -> Response {
    let mut response = match state.heartbeats.ping(token, received).await {
        Ok(PingAnswer::Accepted { changes }) => {
            for change_id in changes {
                // The outbox sweep re-enqueues a change whose job is lost.
                if let Err(err) =
                    state.queue.push(jobs::payloads::StatusChangeJob { change_id }).await
                {
                    tracing::warn!(%change_id, error = %err, "could not enqueue a heartbeat's status change");
                }
            }
            ok
        }
        Ok(PingAnswer::Limited(retry)) => {
            let mut limited = text(StatusCode::TOO_MANY_REQUESTS, "rate limited\n");
            if let Ok(value) = HeaderValue::from_str(&retry.0.to_string()) {
                limited.headers_mut().insert(RETRY_AFTER, value);
            }
            limited
        }
        Err(err) => {
            tracing::error!(error = %err, "a ping could not be stored");
            text(StatusCode::SERVICE_UNAVAILABLE, "try again\n")
        }
    };
    response.headers_mut().insert(BODY_LIMIT_HEADER, HeaderValue::from(PING_BODY_LIMIT));
    response
}

/// At most a little over [`PING_BODY_LIMIT`] bytes of the body; the rest is
/// never read.
async fn read_capped(mut body: Body) -> Vec<u8> {
    let mut kept = Vec::new();
    while kept.len() <= PING_BODY_LIMIT {
        match body.frame().await {
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    let room = PING_BODY_LIMIT + 1 - kept.len();
                    kept.extend_from_slice(&data[..data.len().min(room)]);
                }
            }
            _ => break,
        }
    }
    kept
}

fn ok_text() -> Response {
    text(StatusCode::OK, "OK")
}

fn bad_request(message: &str) -> Response {
    let mut response = text(StatusCode::BAD_REQUEST, &format!("{message}\n"));
    response.headers_mut().insert(BODY_LIMIT_HEADER, HeaderValue::from(PING_BODY_LIMIT));
    response
}

fn text(status: StatusCode, body: &str) -> Response {
    (status, [(CONTENT_TYPE, "text/plain; charset=utf-8")], body.to_owned()).into_response()
}
