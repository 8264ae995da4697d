//! `/metrics` can be protected: a bearer token (`--metrics-token`) and a
//! separate listener (`--metrics-bind`) for `serve` and `all` too; after
//! checks of every kind, what it exports passes `promtool check metrics`.

#![allow(clippy::unwrap_used)]

use crate::support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use domain::testing::MonitorBuilder;
use jobs::testing::Recorder;
use serde_json::json;
use support::github::GithubStandIn;
use support::{eventually, spawn_sqlite, Spawn, TestApp};

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
    let (health, http) = (format!("http://127.0.0.1:{metrics}/healthz"), &client);
    eventually("serve answers on its metrics address", move || {
        let health = health.clone();
        async move { http.get(health).send().await.ok().map(|_| ()) }
    })
    .await;
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

/// Waits until every check kind has been counted, then returns `/metrics`.
async fn metrics_after_every_kind(app: &TestApp) -> String {
    eventually("every check kind counted in /metrics", move || async move {
        let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
        let counted =
            |kind: &str| text.contains(&format!("runstate_checks_total{{kind=\"{kind}\""));
        ["http", "tcp", "github_runners", "dns", "tls", "domain", "icmp"]
            .into_iter()
            .all(counted)
            .then_some(text)
    })
    .await
}

/// `promtool`, or `None` (with the reason printed) when this machine lacks it
/// and the run does not require it; `make test` installs it.
fn promtool() -> Option<&'static str> {
    let found =
        Command::new("promtool").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        let why = "promtool is not installed (scripts/install.sh test installs it)";
        assert!(std::env::var("RUNSTATE_REQUIRE_SERVICES").is_err(), "{why}");
        eprintln!("skipping the promtool check: {why}");
        return None;
    }
    Some("promtool")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_after_checks_of_every_kind_pass_promtool() {
    let Some(promtool) = promtool() else { return };
    let app = spawn_sqlite(Spawn { pipeline: true, ..Default::default() }).await;
    let token = app.user("ops").await;
    let target = Recorder::start("/").await;
    let addr = target.url.trim_start_matches("http://").trim_end_matches('/').to_owned();
    let (host, port) = addr.rsplit_once(':').unwrap();
    let github = GithubStandIn::start("ghp_standInToken0123456789abcdefWXYZ", 3).await;
    let github_token = json!("ghp_standInToken0123456789abcdefWXYZ");
    let dns = jobs::testing::DnsStandIn::start().await;
    dns.set("example.test", kinds::DnsRecordType::A, &["192.0.2.1"]);
    // A self-signed certificate: refused, and counted all the same.
    let tls =
        jobs::testing::tls::TlsStandIn::start(jobs::testing::tls::self_signed(&["127.0.0.2"]))
            .await;
    let registry = jobs::testing::rdap::RdapStandIn::start().await;
    registry.register("example.test", chrono::Utc::now() + chrono::Duration::days(90));
    for monitor in [
        MonitorBuilder::http(&target.url).name("web"),
        MonitorBuilder::tcp(host, port.parse().unwrap()).name("port"),
        MonitorBuilder::github_runners("acme", Some("api"), &github.url)
            .name("CI")
            .set("github_runners.token", github_token.clone()),
        MonitorBuilder::dns("example.test", "A", &dns.addr.to_string()).name("zone"),
        MonitorBuilder::tls("127.0.0.2", tls.port).name("certificate"),
        MonitorBuilder::domain("example.test")
            .name("registration")
            .set("domain.rdap_url", json!(registry.rdap_url())),
        MonitorBuilder::icmp("127.0.0.2").name("ping"),
    ] {
        app.create(&token, monitor.interval(1)).await;
    }
    let text = metrics_after_every_kind(&app).await;
    for name in [
        "runstate_check_duration_seconds",
        "runstate_http_requests_total",
        "runstate_http_phase_seconds",
    ] {
        assert!(text.contains(&format!("# HELP {name} ")), "{name} has its help text:\n{text}");
    }
    let mut check = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut check.stdin.take().unwrap(), text.as_bytes()).unwrap();
    let out = check.wait_with_output().unwrap();
    let report =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && report.trim().is_empty(), "promtool: {report}\n{text}");
}
