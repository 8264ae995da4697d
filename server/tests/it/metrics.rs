//! `/metrics` can be protected: a bearer token (`--metrics-token`) and a
//! separate listener (`--metrics-bind`) for `serve` and `all` too.

#![allow(clippy::unwrap_used)]

use crate::support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{spawn_sqlite, Spawn};

const BIN: &str = env!("CARGO_BIN_EXE_runstate");
const TOKEN: &str = "metrics-token-0123456789";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn status(client: &reqwest::Client, url: &str, token: Option<&str>) -> u16 {
    let mut req = client.get(url);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn metrics_need_the_bearer_token_when_one_is_set() {
    let app = spawn_sqlite(Spawn {
        args: vec!["--metrics-token".into(), TOKEN.into()],
        ..Default::default()
    })
    .await;
    let url = app.url("/metrics");
    assert_eq!(status(&app.client, &url, None).await, 401);
    assert_eq!(status(&app.client, &url, Some("metrics-token-012345678")).await, 401);
    assert_eq!(status(&app.client, &url, Some(&format!("{TOKEN}x"))).await, 401);
    let response = app.client.get(&url).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("# TYPE"), "Prometheus text");
    assert_eq!(status(&app.client, &app.url("/healthz"), None).await, 200, "probes stay open");

    let open = spawn_sqlite(Spawn::default()).await;
    assert_eq!(
        status(&open.client, &open.url("/metrics"), None).await,
        200,
        "open without a token"
    );
}

#[tokio::test]
async fn serve_with_a_metrics_bind_serves_metrics_there_only() {
    let help = String::from_utf8(Command::new(BIN).arg("--help").output().unwrap().stdout).unwrap();
    assert!(help.contains("--metrics-token") && help.contains("--metrics-bind"), "{help}");
    assert!(!help.contains(TOKEN));

    let data = tempfile::tempdir().unwrap();
    let (web, metrics) = (free_port(), free_port());
    let mut child = Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUNSTATE_DATA_DIR", data.path())
        .env("RUNSTATE_METRICS_TOKEN", TOKEN)
        .args(["serve", "--bind", &format!("127.0.0.1:{web}")])
        .args(["--metrics-bind", &format!("127.0.0.1:{metrics}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    #[allow(
        clippy::disallowed_methods,
        reason = "a client of RunState itself, not an outbound path"
    )]
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    let started = Instant::now();
    while client.get(format!("http://127.0.0.1:{metrics}/healthz")).send().await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "serve did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let web_metrics = format!("http://127.0.0.1:{web}/metrics");
    assert_eq!(status(&client, &web_metrics, Some(TOKEN)).await, 404, "not on the web address");
    assert_eq!(status(&client, &format!("http://127.0.0.1:{web}/healthz"), None).await, 200);
    let metrics_url = format!("http://127.0.0.1:{metrics}/metrics");
    assert_eq!(status(&client, &metrics_url, None).await, 401);
    assert_eq!(status(&client, &metrics_url, Some(TOKEN)).await, 200);

    assert!(Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(25);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "no exit after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "{exit}");
}
