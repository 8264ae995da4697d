//! The real app on a loopback port with a fresh database, for integration tests.

#![allow(dead_code)]

pub mod github;

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use domain::testing::{ChannelBuilder, MonitorBuilder, TestDb};
use server::config::Cli;
use server::http::ServeOptions;
use tokio::sync::oneshot;

/// A running RunState serving HTTP on 127.0.0.1.
pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub backend: &'static str,
    pub db: TestDb,
    /// What this app's workers share (queues, outbound, writer), for tests
    /// that run a worker by hand.
    pub context: jobs::workers::PipelineContext,
    _data: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    _pipeline: Option<jobs::runtime::Running>,
}

impl TestApp {
    /// `http://127.0.0.1:port` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

impl TestApp {
    /// Sends `method path` with an optional JSON body and bearer token;
    /// returns the status and the JSON body (`Null` when there is none).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
        token: Option<&str>,
    ) -> (u16, serde_json::Value) {
        let mut req = self.client.request(method, self.url(path));
        if let Some(body) = body {
            req = req.json(&body);
        }
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let response = req.send().await.expect("request");
        (response.status().as_u16(), response.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// POSTs JSON: [`TestApp::send`].
    pub async fn post(
        &self,
        path: &str,
        body: serde_json::Value,
        token: Option<&str>,
    ) -> (u16, serde_json::Value) {
        self.send(reqwest::Method::POST, path, Some(body), token).await
    }

    /// GETs with an optional bearer token: [`TestApp::send`].
    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, serde_json::Value) {
        self.send(reqwest::Method::GET, path, None, token).await
    }

    /// Creates `what` through the API as the owner of `token` and returns the
    /// created resource (`data`); the test fails unless the answer is 201.
    /// `what` is a [`MonitorBuilder`], a [`ChannelBuilder`] or a
    /// `(collection path, JSON body)` pair.
    pub async fn create(&self, token: &str, what: impl Resource) -> serde_json::Value {
        let (path, body) = what.request();
        let (status, answer) = self.post(&path, body, Some(token)).await;
        assert_eq!(status, 201, "create at {path} ({}): {answer}", self.backend);
        answer["data"].clone()
    }

    /// GETs `path` until `done` holds for its `data` and returns that data;
    /// fails, showing the last answer, after [`TRIES`] tries [`POLL`] apart.
    /// The bound is a count, not a deadline: a slow machine gets every try.
    pub async fn wait_for(
        &self,
        token: &str,
        path: &str,
        done: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let mut last = serde_json::Value::Null;
        for _ in 0..TRIES {
            let (status, body) = self.get(path, Some(token)).await;
            assert_eq!(status, 200, "{path}: {body}");
            if done(&body["data"]) {
                return body["data"].clone();
            }
            last = body;
            tokio::time::sleep(POLL).await;
        }
        panic!("{path} ({}) never got there in {TRIES} tries: {last}", self.backend)
    }
}

/// How many times [`TestApp::wait_for`] and [`eventually`] look.
pub const TRIES: u32 = 300;
/// The pause between two looks.
pub const POLL: Duration = Duration::from_millis(200);

/// Runs `probe` until it returns `Some`, at most [`TRIES`] times [`POLL`]
/// apart, for conditions that are not one API read (rows, stand-ins, logs);
/// fails naming `what`.
pub async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..TRIES {
        if let Some(value) = probe().await {
            return value;
        }
        tokio::time::sleep(POLL).await;
    }
    panic!("{what}: not after {TRIES} tries")
}

/// Something [`TestApp::create`] posts: where to, and the body.
pub trait Resource {
    fn request(self) -> (String, serde_json::Value);
}

impl Resource for MonitorBuilder {
    fn request(self) -> (String, serde_json::Value) {
        ("/api/v1/monitors".into(), self.json())
    }
}

impl Resource for ChannelBuilder {
    fn request(self) -> (String, serde_json::Value) {
        ("/api/v1/channels".into(), self.json())
    }
}

impl Resource for (&str, serde_json::Value) {
    fn request(self) -> (String, serde_json::Value) {
        (self.0.to_owned(), self.1)
    }
}

impl TestApp {
    /// Signs up a user and returns their id.
    pub async fn signup(&self, email: &str, password: &str) -> String {
        let (status, body) = self
            .post("/api/v1/signup", serde_json::json!({"email": email, "password": password}), None)
            .await;
        assert_eq!(status, 201, "signup failed: {body}");
        body["data"]["id"].as_str().expect("id").to_owned()
    }

    /// Signs in and returns (access token, refresh token).
    pub async fn signin(&self, email: &str, password: &str) -> (String, String) {
        let (status, body) = self
            .post("/api/v1/signin", serde_json::json!({"email": email, "password": password}), None)
            .await;
        assert_eq!(status, 200, "signin failed: {body}");
        (
            body["data"]["access_token"].as_str().expect("access").to_owned(),
            body["data"]["refresh_token"].as_str().expect("refresh").to_owned(),
        )
    }

    /// Signs up `{name}@example.org` with [`PASSWORD`]; returns their access token.
    pub async fn user(&self, name: &str) -> String {
        let email = format!("{name}@example.org");
        self.signup(&email, PASSWORD).await;
        self.signin(&email, PASSWORD).await.0
    }

    /// A page as a signed-in browser gets it: status and HTML.
    pub async fn page(&self, path: &str, access: &str) -> (u16, String) {
        let response = self
            .client
            .get(self.url(path))
            .header("cookie", format!("rs_access={access}"))
            .send()
            .await
            .expect("page");
        (response.status().as_u16(), response.text().await.expect("html"))
    }

    /// A server-function call as the hydrated page makes it.
    pub async fn rpc(
        &self,
        name: &str,
        form: &[(&str, &str)],
        access: Option<&str>,
    ) -> (u16, serde_json::Value) {
        let mut req = self
            .client
            .post(self.url(&format!("/rpc/{name}")))
            .header("origin", format!("http://{}", self.addr))
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(urlencoded(form));
        if let Some(access) = access {
            req = req.header("cookie", format!("rs_access={access}"));
        }
        let response = req.send().await.expect("rpc");
        (response.status().as_u16(), response.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// The bootstrapped admin's access token.
    pub async fn admin_token(&self) -> String {
        self.signin(ADMIN_EMAIL, ADMIN_PASSWORD).await.0
    }
}

/// `application/x-www-form-urlencoded`, as a browser encodes a form.
pub fn urlencoded(form: &[(&str, &str)]) -> String {
    let encode = |text: &str| {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    char::from(b).to_string()
                }
                b' ' => "+".to_owned(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    form.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Options for [`spawn`].
#[derive(Default, Clone)]
pub struct Spawn {
    pub args: Vec<String>,
    pub serve: Option<ServeOptions>,
    /// Run the scheduler and workers in the app, as `runstate all` does.
    pub pipeline: bool,
    /// Allow no target at all; by default only the stand-ins' address
    /// (`jobs::testing::STAND_IN_ALLOW`, 127.0.0.2/32) is allowed.
    pub guard_loopback: bool,
    /// With `pipeline`: which roles run (default: all of them).
    pub roles: Option<jobs::runtime::Roles>,
    /// Keep the default minimum interval for non-admins (30 s); otherwise
    /// tests may check every second.
    pub default_min_interval: bool,
}

/// Starts the app on SQLite with embedded queues.
pub async fn spawn_sqlite(opts: Spawn) -> TestApp {
    let db = domain::testing::sqlite().await;
    spawn_on(db, None, "sqlite", opts).await
}

/// Starts the app on a fresh Postgres database with Redis queues, when the
/// test run provides them.
pub async fn spawn_postgres(opts: Spawn) -> Option<TestApp> {
    let db = domain::testing::postgres().await?;
    let redis = std::env::var("TEST_REDIS_URL").ok();
    Some(spawn_on(db, redis, "postgres", opts).await)
}

/// Every backend this run has: SQLite always, Postgres + Redis when started.
pub async fn spawn_all() -> Vec<TestApp> {
    spawn_each(Spawn::default()).await
}

/// Like [`spawn_all`], with options.
pub async fn spawn_each(opts: Spawn) -> Vec<TestApp> {
    let mut apps = vec![spawn_sqlite(opts.clone()).await];
    apps.extend(spawn_postgres(opts).await);
    apps
}

/// A second app on `app`'s database, as another `serve` process of the same
/// installation (its own queues: only the database is shared).
pub async fn spawn_beside(app: &TestApp, opts: Spawn) -> TestApp {
    let db = app.db.share().await;
    let redis = if app.backend == "postgres" { std::env::var("TEST_REDIS_URL").ok() } else { None };
    spawn_on(db, redis, app.backend, opts).await
}

/// The JWT secret test apps sign with, so tests can forge tokens.
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";
/// The admin every test app bootstraps.
pub const ADMIN_EMAIL: &str = "admin@example.org";
pub const ADMIN_PASSWORD: &str = "admin-password-1";
/// The password of the users tests sign up.
pub const PASSWORD: &str = "correct horse battery";

async fn spawn_on(
    db: TestDb,
    redis: Option<String>,
    backend: &'static str,
    opts: Spawn,
) -> TestApp {
    let data = tempfile::tempdir().expect("data dir");
    let mut args = vec![
        "runstate".to_owned(),
        "--data-dir".to_owned(),
        data.path().display().to_string(),
        "--database-url".to_owned(),
        db.url.clone(),
        "--site-root".to_owned(),
        data.path().join("site").display().to_string(),
        "--jwt-secret".to_owned(),
        JWT_SECRET.to_owned(),
        "--admin-email".to_owned(),
        ADMIN_EMAIL.to_owned(),
        "--admin-password".to_owned(),
        ADMIN_PASSWORD.to_owned(),
    ];
    if !opts.guard_loopback {
        args.extend(["--allow-targets".to_owned(), jobs::testing::STAND_IN_ALLOW.to_owned()]);
    }
    if !opts.default_min_interval {
        args.extend(["--min-interval".to_owned(), "1".to_owned()]);
    }
    if let Some(redis) = redis {
        // Tests share one Redis: each app gets its own queues.
        let namespace = format!("test-{}", uuid::Uuid::new_v4().simple());
        args.extend(["--redis-url".to_owned(), redis, "--queue-namespace".to_owned(), namespace]);
    }
    args.extend(opts.args);
    let cli = Cli::try_parse_from(args).expect("valid test arguments");
    // Logs show with `--nocapture`; RUST_LOG refines them.
    server::telemetry::init_logging(cli.config.log_format);
    let state = server::build_state(cli.config, true).await.expect("app state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = oneshot::channel::<()>();
    let serve_opts = opts.serve.unwrap_or_default();
    let roles = opts.roles.clone().unwrap_or_else(|| jobs::runtime::Roles::all(8));
    let context = server::pipeline_context(&state);
    let pipeline = opts.pipeline.then(|| jobs::runtime::start(context.clone(), &roles));
    tokio::spawn(server::http::serve(listener, server::app(state), serve_opts, async {
        let _ = stopped.await;
    }));
    #[allow(
        clippy::disallowed_methods,
        reason = "a client of RunState itself, not an outbound path"
    )]
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp {
        addr,
        client,
        backend,
        db,
        context,
        _data: data,
        stop: Some(stop),
        _pipeline: pipeline,
    }
}
