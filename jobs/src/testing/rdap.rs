//! An RDAP registry on 127.0.0.2 for `domain` monitor tests: the IANA-style
//! bootstrap file at `/dns.json` (naming this server for `.test`), and
//! RFC 9083 domain answers at `/rdap/domain/{name}` with the expiration the
//! test sets; an unknown name is a 404, and the test can make it answer 429
//! with `Retry-After`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use tokio::net::TcpListener;

/// The stand-in registry; cheap to clone.
#[derive(Clone)]
pub struct RdapStandIn {
    /// `http://127.0.0.2:{port}`.
    pub base: String,
    domains: Arc<Mutex<HashMap<String, DateTime<Utc>>>>,
    retry_after: Arc<Mutex<Option<u64>>>,
    lookups: Arc<AtomicUsize>,
}

impl RdapStandIn {
    /// Starts the registry on a free port of [`super::STAND_IN_HOST`].
    pub async fn start() -> Self {
        let listener = TcpListener::bind((super::STAND_IN_HOST, 0)).await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let registry = Self {
            base,
            domains: Arc::default(),
            retry_after: Arc::default(),
            lookups: Arc::default(),
        };
        let app = axum::Router::new()
            .route("/dns.json", get(bootstrap))
            .route("/rdap/domain/{name}", get(domain))
            .with_state(registry.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        registry
    }

    /// The bootstrap file's URL (`--rdap-bootstrap-url`).
    pub fn bootstrap_url(&self) -> String {
        format!("{}/dns.json", self.base)
    }

    /// The server's RDAP base URL (a monitor's `rdap_url`).
    pub fn rdap_url(&self) -> String {
        format!("{}/rdap/", self.base)
    }

    /// Registers `name` until `expires`.
    pub fn register(&self, name: &str, expires: DateTime<Utc>) {
        self.domains
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.to_owned(), expires);
    }

    /// Answers lookups with 429 and `Retry-After: seconds` (`None`: answer again).
    pub fn throttle(&self, seconds: Option<u64>) {
        *self.retry_after.lock().unwrap_or_else(PoisonError::into_inner) = seconds;
    }

    /// How many domain lookups arrived.
    pub fn lookups(&self) -> usize {
        self.lookups.load(Ordering::SeqCst)
    }
}

async fn bootstrap(State(registry): State<RdapStandIn>) -> Response {
    let file = serde_json::json!({
        "version": "1.0",
        "publication": "2026-12-01T00:00:00Z",
        "services": [[["test"], [registry.rdap_url()]]],
    });
    ([("content-type", "application/json")], file.to_string()).into_response()
}

async fn domain(State(registry): State<RdapStandIn>, Path(name): Path<String>) -> Response {
    registry.lookups.fetch_add(1, Ordering::SeqCst);
    let throttled = *registry.retry_after.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(seconds) = throttled {
        return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", seconds.to_string())])
            .into_response();
    }
    let expires =
        registry.domains.lock().unwrap_or_else(PoisonError::into_inner).get(&name).copied();
    let Some(expires) = expires else {
        let error = serde_json::json!({"errorCode": 404, "title": "Not Found"});
        return (
            StatusCode::NOT_FOUND,
            [("content-type", "application/rdap+json")],
            error.to_string(),
        )
            .into_response();
    };
    let answer = serde_json::json!({
        "objectClassName": "domain",
        "ldhName": name.to_uppercase(),
        "rdapConformance": ["rdap_level_0"],
        "events": [
            {"eventAction": "registration", "eventDate": "2020-01-01T00:00:00Z"},
            {"eventAction": "expiration", "eventDate": expires.to_rfc3339()},
        ],
        "status": ["client transfer prohibited"],
        "entities": [{
            "objectClassName": "entity",
            "roles": ["registrar"],
            "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Test Registrar"]]],
        }],
        "nameservers": [{"objectClassName": "nameserver", "ldhName": "NS1.EXAMPLE.TEST"}],
    });
    ([("content-type", "application/rdap+json")], answer.to_string()).into_response()
}
