//! The foundation's promises: probes, the envelope on every API error, limits
//! on what clients may send, and the pages' security headers.

#![allow(clippy::unwrap_used)]

use crate::support;

use std::time::Duration;

use serde_json::Value;
use support::{spawn_all, spawn_sqlite, Spawn};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn health_ready_metrics_and_openapi_answer_on_every_backend() {
    for app in spawn_all().await {
        let health: Value =
            app.client.get(app.url("/api/v1/health")).send().await.unwrap().json().await.unwrap();
        assert_eq!(health["success"], true, "{}", app.backend);
        assert_eq!(health["data"]["status"], "ok");

        let live = app.client.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(live.status(), 200);

        let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(ready.status(), 200, "{}", app.backend);
        let ready: Value = ready.json().await.unwrap();
        assert_eq!(ready["database"]["backend"], app.backend);
        let expected_queue = if app.backend == "postgres" { "redis" } else { "embedded" };
        assert_eq!(ready["queue"]["backend"], expected_queue);

        let metrics = app.client.get(app.url("/metrics")).send().await.unwrap();
        assert_eq!(metrics.status(), 200);
        let text = metrics.text().await.unwrap();
        assert!(
            text.contains("runstate_http_requests_total"),
            "metrics lack request counts:\n{text}"
        );
        assert!(text.contains("route=\"/api/v1/health\""));

        let doc: Value = app
            .client
            .get(app.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        assert!(doc["paths"]["/health"]["get"].is_object(), "health missing from {doc}");
    }
}

#[tokio::test]
async fn readyz_is_503_when_the_database_is_unreachable() {
    let app = spawn_sqlite(Spawn::default()).await;
    // A pool that can only connect lazily, to a port nothing listens on.
    let mut opts = sea_orm::ConnectOptions::new("postgres://nobody@127.0.0.1:9/none");
    opts.connect_lazy(true)
        .connect_timeout(Duration::from_millis(500))
        .acquire_timeout(Duration::from_secs(1));
    let dead = sea_orm::Database::connect(opts).await.expect("lazy pool");
    let data = tempfile::tempdir().unwrap();
    let cli = <server::config::Cli as clap::Parser>::try_parse_from([
        "runstate",
        "--data-dir",
        data.path().to_str().unwrap(),
    ])
    .unwrap();
    // The queues need live tables to start; only the database is meant to be down.
    let queue_db = domain::testing::sqlite().await;
    let queue = jobs::Queues::connect(None, &queue_db.db).await.unwrap();
    let state = server::AppState {
        config: std::sync::Arc::new(cli.config.clone()),
        queue,
        db: dead.clone(),
        leptos: server::web::leptos_options(&cli.config),
        metrics: server::telemetry::metrics_handle(),
        monitors: domain::monitors::MonitorService::new(
            dead.clone(),
            &domain::channels::EncryptionKey::generate(),
        ),
        integrations: domain::integrations::SlackIntegrationService::new(
            dead.clone(),
            &domain::channels::EncryptionKey::generate(),
        ),
        maintenance: domain::maintenance::MaintenanceService::new(dead.clone()),
        accounts: domain::accounts::AccountService::new(
            dead.clone(),
            domain::accounts::TokenKeys::from_secret(&[7u8; 32]).unwrap(),
            domain::accounts::SignupPolicy::Open,
        ),
        channels: domain::channels::ChannelService::new(
            dead.clone(),
            &domain::channels::EncryptionKey::generate(),
        ),
        heartbeats: domain::heartbeats::service::HeartbeatService::new(
            dead.clone(),
            &domain::channels::EncryptionKey::generate(),
        ),
        status_pages: domain::status_pages::StatusPageService::new(
            dead.clone(),
            domain::clock::Clock::system(),
        ),
        subscribers: domain::status_pages::SubscriberService::new(
            domain::status_pages::StatusPageService::new(
                dead.clone(),
                domain::clock::Clock::system(),
            ),
            domain::status_pages::subscribers::LinkKey::derive(b"test"),
            &domain::channels::EncryptionKey::generate(),
            domain::clock::Clock::system(),
        ),
        outbound: jobs::outbound::Outbound::new(Default::default()).unwrap(),
        smtp: None,
    };
    let response = tower::ServiceExt::oneshot(
        server::app(state),
        axum::http::Request::get("/readyz").body(axum::body::Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 503);
    drop(app);
}

#[tokio::test]
async fn unknown_api_routes_are_a_404_envelope() {
    let app = spawn_sqlite(Spawn::default()).await;
    for path in ["/api/v1/no-such-thing", "/api/v1/websites/x/y/z", "/api/v2/health", "/api"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["success"], false);
        assert_eq!(body["code"], "not_found");
        assert!(body["error"].as_str().unwrap().contains(path.trim_end_matches('/')), "{body}");
    }
}

#[tokio::test]
async fn a_3_mb_body_is_refused_with_413() {
    let app = spawn_sqlite(Spawn::default()).await;
    let body = vec![b'a'; 3 * 1024 * 1024];
    let response = app
        .client
        .post(app.url("/api/v1/health"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "payload_too_large");
}

#[tokio::test]
async fn a_client_that_sends_half_a_request_is_dropped() {
    let serve = server::http::ServeOptions {
        header_read_timeout: Duration::from_millis(500),
        ..Default::default()
    };
    let app = spawn_sqlite(Spawn { serve: Some(serve), ..Default::default() }).await;
    #[allow(
        clippy::disallowed_methods,
        reason = "a client of RunState itself, not an outbound path"
    )]
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").await.unwrap();
    let mut buf = Vec::new();
    // The server must close the socket; without a header timeout this read
    // would wait for the 10 s bound below (20 times the 500 ms setting, so a
    // loaded machine cannot fail it).
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the connection was still open after 10 s");
    // Whatever was answered (a 408 or nothing), no 200 came back.
    assert!(!String::from_utf8_lossy(&buf).contains("200 OK"));
}

#[tokio::test]
async fn pages_carry_a_nonce_csp_and_security_headers() {
    let app = spawn_sqlite(Spawn::default()).await;
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    let csp = headers["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers.contains_key("referrer-policy"));
    assert!(headers.contains_key("x-request-id"));
    assert!(!headers.contains_key("strict-transport-security"), "HSTS over plain HTTP");
    let html = response.text().await.unwrap();
    let nonce =
        csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("a nonce in the CSP");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script lacks the CSP nonce"
    );
    assert!(html.contains("<nav"), "the layout's navigation is missing");
}

#[tokio::test]
async fn hsts_is_sent_when_served_over_https() {
    let app = spawn_sqlite(Spawn {
        args: vec!["--public-url".into(), "https://status.example.org".into()],
        ..Default::default()
    })
    .await;
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert!(response.headers().contains_key("strict-transport-security"));
}

#[tokio::test]
async fn unknown_pages_render_the_404_page() {
    let app = spawn_sqlite(Spawn::default()).await;
    let response = app.client.get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Page not found"));
}
