//! Fixtures for the queue tests: one `Queues` per backend on fresh storage, a
//! recorder of handled jobs, and a Redis server of the test's own.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use domain::testing::TestDb;
use jobs::{Job, QueueConfig, Queues};
use serde::{Deserialize, Serialize};

/// The job the tests push: an id to count deliveries by.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ping {
    pub id: u32,
}

impl Job for Ping {
    const QUEUE: &'static str = "ping";
}

/// Short timings so that failure scenarios finish in seconds.
pub fn fast_config() -> QueueConfig {
    QueueConfig {
        namespace: format!("t{}", uuid::Uuid::new_v4().simple()),
        heartbeat: Duration::from_secs(1),
        orphan_after: Duration::from_secs(3),
        poll_interval: Duration::from_millis(100),
        retry_base: Duration::from_secs(1),
        retry_max: Duration::from_secs(2),
        shutdown_grace: Duration::from_secs(2),
        ..QueueConfig::default()
    }
}

/// One backend under test.
pub struct Backend {
    pub label: &'static str,
    pub queues: Queues,
    _db: TestDb,
}

fn require_services() -> bool {
    std::env::var("RUNSTATE_REQUIRE_SERVICES").is_ok()
}

/// The test Redis (`TEST_REDIS_URL`), if any.
pub fn redis_url() -> Option<String> {
    match std::env::var("TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                !require_services(),
                "TEST_REDIS_URL is required with RUNSTATE_REQUIRE_SERVICES"
            );
            eprintln!("TEST_REDIS_URL unset: skipping the Redis variant");
            None
        }
    }
}

/// Shows the workers' logs (`RUST_LOG=jobs=debug`) with the failing test's output.
pub fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
}

/// Embedded SQLite, embedded Postgres and Redis, as available, each with `config`.
pub async fn backends(config: QueueConfig) -> Vec<Backend> {
    init_tracing();
    let mut all = Vec::new();
    let sqlite = domain::testing::sqlite().await;
    let queues = Queues::connect_with(None, &sqlite.db, config.clone()).await.unwrap();
    all.push(Backend { label: "sqlite", queues, _db: sqlite });
    if let Some(pg) = domain::testing::postgres().await {
        let queues = Queues::connect_with(None, &pg.db, config.clone()).await.unwrap();
        all.push(Backend { label: "postgres", queues, _db: pg });
    }
    if let Some(url) = redis_url() {
        let db = domain::testing::sqlite().await;
        let queues = Queues::connect_with(Some(&url), &db.db, config).await.unwrap();
        all.push(Backend { label: "redis", queues, _db: db });
    }
    all
}

/// Runs `scenario` on every available backend at once. The backends (and
/// their temporary databases) live until every scenario has finished.
pub async fn on_each_backend<F, Fut>(config: QueueConfig, scenario: F)
where
    F: Fn(&'static str, Queues) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let all = backends(config).await;
    futures::future::join_all(all.iter().map(|b| scenario(b.label, b.queues.clone()))).await;
}

/// Counts how often each job id reached a handler.
#[derive(Clone, Default)]
pub struct Recorder(Arc<Mutex<HashMap<u32, u32>>>);

impl Recorder {
    pub fn record(&self, id: u32) -> u32 {
        let mut seen = self.0.lock().unwrap();
        let count = seen.entry(id).or_default();
        *count += 1;
        *count
    }

    pub fn count(&self, id: u32) -> u32 {
        self.0.lock().unwrap().get(&id).copied().unwrap_or(0)
    }

    pub fn distinct(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    pub fn snapshot(&self) -> HashMap<u32, u32> {
        self.0.lock().unwrap().clone()
    }

    /// Waits until `done` holds, looking every 50 ms and at most `limit / 50 ms`
    /// times: a bound by count, not a deadline, so a loaded machine gets every look.
    pub async fn wait_until(&self, limit: Duration, what: &str, done: impl Fn(&Self) -> bool) {
        let poll = Duration::from_millis(50);
        for _ in 0..limit.as_millis() / poll.as_millis() {
            if done(self) {
                return;
            }
            tokio::time::sleep(poll).await;
        }
        assert!(done(self), "{what}: not after {limit:?} of looks; seen {:?}", self.snapshot());
    }
}

/// A shutdown signal for `run_worker`, and the switch that fires it.
pub fn shutdown_signal() -> (tokio::sync::oneshot::Sender<()>, impl std::future::Future<Output = ()>)
{
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    (tx, async move {
        let _ = rx.await;
    })
}

/// A redis-server of this test's own on 127.0.0.1, append-only like production.
pub struct RedisServer {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts one on a free port, or `None` when redis-server is not installed.
    pub fn start() -> Option<Self> {
        init_tracing();
        if Command::new("redis-server").arg("--version").output().is_err() {
            assert!(!require_services(), "redis-server is required with RUNSTATE_REQUIRE_SERVICES");
            eprintln!("redis-server not on PATH: skipping");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut server = Self { port, dir: tempfile::tempdir().unwrap(), child: None };
        server.restart();
        Some(server)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts the server (again) on the same port and directory.
    pub fn restart(&mut self) {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--appendonly", "yes", "--save", ""])
            .arg("--dir")
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn redis-server");
        self.child = Some(child);
        // 200 looks 50 ms apart: bounded by count, not by a deadline.
        let started = (0..200).any(|_| {
            let up = self.answers();
            if !up {
                std::thread::sleep(Duration::from_millis(50));
            }
            up
        });
        assert!(started, "redis-server did not start");
    }

    /// `redis-cli shutdown nosave`: the append-only file keeps the data.
    pub fn shutdown(&mut self) {
        let _ = self.cli(&["shutdown", "nosave"]);
        if let Some(mut child) = self.child.take() {
            child.wait().unwrap();
        }
    }

    fn answers(&self) -> bool {
        self.cli(&["ping"]).is_some_and(|out| out.trim() == "PONG")
    }

    fn cli(&self, args: &[&str]) -> Option<String> {
        let out = Command::new("redis-cli")
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(args)
            .output()
            .ok()?;
        Some(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
