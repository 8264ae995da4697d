//! A local stand-in for GitHub's REST API (self-hosted runners), speaking
//! the documented shapes: `{total_count, runners: [{id, name, os, status,
//! busy, labels: [{id, name, type}]}]}`, pages with `Link` headers, ETags
//! and 304s, rate-limit and bad-credential answers. Listens on the stand-in address, 127.0.0.2.

use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sha2::{Digest, Sha256};

/// One request the stand-in answered.
#[derive(Clone, Debug)]
pub struct SeenRequest {
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub status: u16,
    pub at: chrono::DateTime<chrono::Utc>,
}

impl SeenRequest {
    /// A header's value, or "".
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

#[derive(Clone, Debug)]
struct Runner {
    id: i64,
    name: String,
    online: bool,
    busy: bool,
}

#[derive(Clone, Copy, Debug)]
enum Mode {
    Normal,
    /// 403 with x-ratelimit-remaining: 0 until this unix time.
    RateLimited(i64),
    BadToken,
}

struct Inner {
    token: String,
    runners: Vec<Runner>,
    mode: Mode,
    seen: Vec<SeenRequest>,
}

/// The stand-in; `url` is its API base (what `api_url` is set to).
#[derive(Clone)]
pub struct GithubStandIn {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

/// `runner-001`, `runner-002`, …
pub fn runner_name(i: usize) -> String {
    format!("runner-{i:03}")
}

impl GithubStandIn {
    /// Starts with `count` online runners, accepting `token`.
    pub async fn start(token: &str, count: usize) -> Self {
        let listener =
            tokio::net::TcpListener::bind((jobs::testing::STAND_IN_HOST, 0)).await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let runners = (1..=count)
            .map(|i| Runner {
                id: i64::try_from(i).expect("small"),
                name: runner_name(i),
                online: true,
                busy: i % 3 == 0,
            })
            .collect();
        let stand_in = Self {
            url: format!("http://{addr}"),
            inner: Arc::new(Mutex::new(Inner {
                token: token.to_owned(),
                runners,
                mode: Mode::Normal,
                seen: Vec::new(),
            })),
        };
        let app = axum::Router::new()
            .route("/repos/{owner}/{repo}/actions/runners", axum::routing::get(list))
            .route("/orgs/{org}/actions/runners", axum::routing::get(list))
            .with_state(stand_in.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        stand_in
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.inner.lock().expect("stand-in lock"))
    }

    /// Sets a runner online or offline, adding it if missing.
    pub fn set_online(&self, name: &str, online: bool) {
        self.with(|inner| match inner.runners.iter_mut().find(|r| r.name == name) {
            Some(runner) => runner.online = online,
            None => {
                let id = 10_000 + i64::try_from(inner.runners.len()).expect("small");
                inner.runners.insert(0, Runner { id, name: name.into(), online, busy: false });
            }
        });
    }

    /// Removes a runner from the listing.
    pub fn remove(&self, name: &str) {
        self.with(|inner| inner.runners.retain(|r| r.name != name));
    }

    /// Answers 403 with an exhausted primary rate limit until `reset` (unix).
    pub fn rate_limit_until(&self, reset: i64) {
        self.with(|inner| inner.mode = Mode::RateLimited(reset));
    }

    /// Answers 401 Bad credentials to everything.
    pub fn reject_tokens(&self) {
        self.with(|inner| inner.mode = Mode::BadToken);
    }

    /// Answers normally again.
    pub fn normal(&self) {
        self.with(|inner| inner.mode = Mode::Normal);
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.with(|inner| inner.seen.clone())
    }
}

#[derive(serde::Deserialize)]
struct Paging {
    per_page: Option<usize>,
    page: Option<usize>,
}

async fn list(
    State(stand_in): State<GithubStandIn>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    Query(paging): Query<Paging>,
) -> Response {
    let mut inner = stand_in.inner.lock().expect("stand-in lock");
    let response = answer(&stand_in.url, &inner, uri.path(), &headers, &paging);
    inner.seen.push(SeenRequest {
        path_and_query: uri.path_and_query().map(|p| p.to_string()).unwrap_or_default(),
        headers,
        status: response.status().as_u16(),
        at: chrono::Utc::now(),
    });
    response
}

fn answer(base: &str, inner: &Inner, path: &str, headers: &HeaderMap, paging: &Paging) -> Response {
    let bad_credentials = || {
        let body = json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"});
        (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response()
    };
    let expected = format!("Bearer {}", inner.token);
    let authorized = headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&expected);
    match inner.mode {
        Mode::BadToken => return bad_credentials(),
        _ if !authorized => return bad_credentials(),
        Mode::RateLimited(reset) => {
            let body = json!({"message": "API rate limit exceeded for user ID 1.", "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"});
            let mut response = (StatusCode::FORBIDDEN, axum::Json(body)).into_response();
            let h = response.headers_mut();
            h.insert("x-ratelimit-limit", HeaderValue::from_static("5000"));
            h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
            h.insert("x-ratelimit-used", HeaderValue::from_static("5000"));
            h.insert("x-ratelimit-reset", HeaderValue::from(reset));
            return response;
        }
        Mode::Normal => {}
    }
    let per_page = paging.per_page.unwrap_or(30).clamp(1, 100);
    let page = paging.page.unwrap_or(1).max(1);
    let total = inner.runners.len();
    let runners: Vec<_> = inner
        .runners
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|r| {
            json!({
                "id": r.id, "name": r.name, "os": "Linux",
                "status": if r.online { "online" } else { "offline" }, "busy": r.busy,
                "labels": [
                    {"id": 1, "name": "self-hosted", "type": "read-only"},
                    {"id": 2, "name": "Linux", "type": "read-only"},
                    {"id": 3, "name": "X64", "type": "read-only"}
                ]
            })
        })
        .collect();
    let body = json!({"total_count": total, "runners": runners}).to_string();
    let etag = format!("W/\"{}\"", hex::encode(&Sha256::digest(body.as_bytes())[..16]));
    let mut out = HeaderMap::new();
    out.insert("etag", HeaderValue::from_str(&etag).expect("etag"));
    out.insert("x-ratelimit-remaining", HeaderValue::from_static("4999"));
    // A 304 carries the ETag but no Link: the client must remember the pages.
    if headers.get("if-none-match").and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return (StatusCode::NOT_MODIFIED, out).into_response();
    }
    let last = total.div_ceil(per_page).max(1);
    if page < last {
        let link = format!(
            "<{base}{path}?per_page={per_page}&page={}>; rel=\"next\", <{base}{path}?per_page={per_page}&page={last}>; rel=\"last\"",
            page + 1
        );
        out.insert("link", HeaderValue::from_str(&link).expect("link"));
    }
    out.insert("content-type", HeaderValue::from_static("application/json; charset=utf-8"));
    (StatusCode::OK, out, body).into_response()
}
