//! The `runstate` binary itself: starts in embedded mode with nothing but a
//! data directory, answers its probes, stops cleanly on SIGTERM, and its
//! operator commands work.

#![allow(clippy::unwrap_used)]

use crate::support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_runstate");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A clean environment: no settings leak in from the developer's shell.
fn runstate(data: &std::path::Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUNSTATE_DATA_DIR", data)
        .stdin(Stdio::null());
    cmd
}

#[test]
fn help_documents_every_setting() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--bind",
        "--data-dir",
        "--database-url",
        "--redis-url",
        "--public-url",
        "--jwt-secret",
        "--allow-targets",
        "--signup",
        "--admin-email",
        "--admin-password",
        "--region",
        "--cors-origins",
        "--smtp-url",
        "--smtp-from",
        "--log-format",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}:\n{help}");
    }
    for command in ["serve", "worker", "scheduler", "migrate", "backup", "restore", "admin"] {
        assert!(help.contains(command), "--help lacks {command}");
    }
}

#[tokio::test]
async fn the_binary_serves_the_embedded_default_and_stops_on_sigterm() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = runstate(data.path())
        .env("RUNSTATE_BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    #[allow(
        clippy::disallowed_methods,
        reason = "a client of RunState itself, not an outbound path"
    )]
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let (health, http) = (format!("{base}/healthz"), &client);
    support::eventually("the binary answers /healthz", move || {
        let health = health.clone();
        async move { http.get(health).send().await.ok().map(|_| ()) }
    })
    .await;
    for path in ["/healthz", "/readyz", "/metrics", "/api/v1/openapi.json", "/api/v1/health"] {
        let status = client.get(format!("{base}{path}")).send().await.unwrap().status();
        assert_eq!(status, 200, "{path}");
    }
    assert!(data.path().join("runstate.db").exists(), "SQLite lives in the data dir");
    assert!(data.path().join("jwt.key").exists(), "the generated key is kept");

    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(25);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "no exit after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "exit after SIGTERM: {status}");
}

#[test]
fn migrate_and_admin_create_user_work_from_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    let migrate = runstate(data.path()).arg("migrate").output().unwrap();
    assert!(migrate.status.success(), "{}", String::from_utf8_lossy(&migrate.stderr));

    let create = runstate(data.path())
        .args([
            "admin",
            "create-user",
            "--email",
            "Root@Example.org",
            "--password",
            "a-long-password",
            "--admin",
        ])
        .output()
        .unwrap();
    assert!(create.status.success(), "{}", String::from_utf8_lossy(&create.stderr));
    assert!(String::from_utf8_lossy(&create.stdout).contains("root@example.org (ADMIN)"));

    let again = runstate(data.path())
        .args([
            "admin",
            "create-user",
            "--email",
            "root@example.org",
            "--password",
            "a-long-password",
        ])
        .output()
        .unwrap();
    assert!(!again.status.success(), "a duplicate email must fail");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let weak = runstate(data.path())
        .args(["admin", "reset-password", "--email", "root@example.org", "--password", "short"])
        .output()
        .unwrap();
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 8"));
}
