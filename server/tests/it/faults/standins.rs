//! The outside world of the fault suite, on 127.0.0.2 (the only address the
//! processes may reach: `RUNSTATE_ALLOW_TARGETS=127.0.0.2/32`): a check
//! target whose monitors go down and up on command, and a webhook receiver
//! that records the `webhook-id` of every delivery.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Utc};

/// The address every stand-in listens on.
pub const HOST: &str = "127.0.0.2";

/// Counts a request in flight until dropped (answered or abandoned).
struct Flight(Arc<AtomicUsize>);

impl Flight {
    fn start(counter: &Arc<AtomicUsize>) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        Self(counter.clone())
    }
}

impl Drop for Flight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind((HOST, 0)).await.expect("bind 127.0.0.2");
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

#[derive(Default)]
struct TargetState {
    down: Mutex<HashSet<usize>>,
    requests: Mutex<HashMap<usize, u64>>,
    in_flight: Arc<AtomicUsize>,
    delay_ms: AtomicU64,
}

/// `GET /m/{i}`: 200, or 503 while monitor `i` is down, after a delay.
#[derive(Clone)]
pub struct Target {
    pub url: String,
    state: Arc<TargetState>,
}

async fn check(State(state): State<Arc<TargetState>>, Path(i): Path<usize>) -> StatusCode {
    *state.requests.lock().unwrap().entry(i).or_default() += 1;
    let _flight = Flight::start(&state.in_flight);
    tokio::time::sleep(Duration::from_millis(state.delay_ms.load(Ordering::SeqCst))).await;
    if state.down.lock().unwrap().contains(&i) {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    }
}

impl Target {
    /// Starts one; every monitor is up.
    pub async fn start() -> Self {
        let state = Arc::new(TargetState::default());
        let url = serve(Router::new().route("/m/{i}", get(check)).with_state(state.clone())).await;
        Self { url, state }
    }

    /// The URL monitor `i` checks.
    pub fn path(&self, i: usize) -> String {
        format!("{}/m/{i}", self.url)
    }

    /// Monitor `i` answers 503 (`down`) or 200.
    pub fn set_down(&self, i: usize, down: bool) {
        let mut set = self.state.down.lock().unwrap();
        if down {
            set.insert(i);
        } else {
            set.remove(&i);
        }
    }

    /// Every monitor answers 200.
    pub fn all_up(&self) {
        self.state.down.lock().unwrap().clear();
    }

    /// How long each answer takes.
    pub fn set_delay(&self, delay: Duration) {
        self.state.delay_ms.store(delay.as_millis() as u64, Ordering::SeqCst);
    }

    /// Requests received per monitor index.
    pub fn requests(&self) -> HashMap<usize, u64> {
        self.state.requests.lock().unwrap().clone()
    }

    /// Requests being answered right now.
    pub fn in_flight(&self) -> usize {
        self.state.in_flight.load(Ordering::SeqCst)
    }
}

/// One delivery the receiver got.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub webhook_id: String,
    pub at: DateTime<Utc>,
}

#[derive(Default)]
struct ReceiverState {
    deliveries: Mutex<Vec<Delivery>>,
    in_flight: Arc<AtomicUsize>,
    delay_ms: AtomicU64,
}

/// `POST /hook`: records the delivery, then answers 204 after a delay.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    state: Arc<ReceiverState>,
}

async fn hook(State(state): State<Arc<ReceiverState>>, headers: HeaderMap) -> StatusCode {
    let webhook_id =
        headers.get("webhook-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    state.deliveries.lock().unwrap().push(Delivery { webhook_id, at: Utc::now() });
    let _flight = Flight::start(&state.in_flight);
    tokio::time::sleep(Duration::from_millis(state.delay_ms.load(Ordering::SeqCst))).await;
    StatusCode::NO_CONTENT
}

impl Receiver {
    /// Starts one answering at once.
    pub async fn start() -> Self {
        let state = Arc::new(ReceiverState::default());
        let url = serve(Router::new().route("/hook", post(hook)).with_state(state.clone())).await;
        Self { url: format!("{url}/hook"), state }
    }

    /// How long each answer takes.
    pub fn set_delay(&self, delay: Duration) {
        self.state.delay_ms.store(delay.as_millis() as u64, Ordering::SeqCst);
    }

    /// Every delivery so far, in order of arrival.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state.deliveries.lock().unwrap().clone()
    }

    /// Deliveries being answered right now.
    pub fn in_flight(&self) -> usize {
        self.state.in_flight.load(Ordering::SeqCst)
    }
}
