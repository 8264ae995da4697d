//! An HTTP monitor's header values and body are secrets: sealed in the
//! database, masked in every answer (REST and the UI's server functions),
//! kept when a mask is echoed back, and sent in clear only by the check.
//! On SQLite and Postgres.

#![allow(clippy::unwrap_used)]

use crate::support;

use std::time::Duration;

use domain::entities::monitors;
use sea_orm::EntityTrait;
use serde_json::{json, Value};
use support::{spawn_each, Spawn, TestApp};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

const AUTH: &str = "Bearer sk-live-0123456789-abcd";
const API_KEY: &str = "key-9876543210";
const BODY: &str = r#"{"user":"probe","password":"hunter2-hunter2"}"#;

/// An HTTP server on 127.0.0.2 that answers 200 and hands over each
/// request's raw head and body.
async fn recording_stand_in() -> (String, mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.2:0").await.unwrap();
    let url = format!("http://{}/health", listener.local_addr().unwrap());
    let (seen, requests) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut raw = Vec::new();
                let mut buf = [0u8; 4096];
                loop {
                    let Ok(n) = stream.read(&mut buf).await else { return };
                    if n == 0 {
                        return;
                    }
                    raw.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&raw).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text[..end]
                            .lines()
                            .find_map(|l| {
                                let (name, value) = l.split_once(':')?;
                                name.eq_ignore_ascii_case("content-length")
                                    .then(|| value.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if raw.len() >= end + 4 + length {
                            let _ = seen.send(text);
                            let _ = stream
                                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
                                .await;
                            return;
                        }
                    }
                }
            });
        }
    });
    (url, requests)
}

/// The next request the stand-in saw; the check runs every second.
async fn next_request(requests: &mut mpsc::UnboundedReceiver<String>) -> String {
    tokio::time::timeout(Duration::from_secs(30), requests.recv())
        .await
        .expect("the monitor was checked")
        .expect("stand-in running")
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in ["sk-live-0123456789", API_KEY, "hunter2"] {
        assert!(!text.contains(secret), "{what} shows `{secret}`: {text}");
    }
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Value,
) -> Value {
    let (status, answer) = app.send(method, path, Some(body), Some(token)).await;
    assert_eq!(status, 200, "{path}: {answer}");
    answer
}

/// The stored row's `config` and `secret` columns, as a database dump shows them.
async fn raw_row(app: &TestApp, id: &str) -> String {
    let row = monitors::Entity::find_by_id(id.parse::<uuid::Uuid>().unwrap())
        .one(&app.db.db)
        .await
        .unwrap()
        .expect("the monitor's row");
    format!("{} {}", row.config, row.secret.unwrap_or_default())
}

#[tokio::test]
async fn http_header_values_and_bodies_are_sealed_masked_and_sent_only_by_the_check() {
    for app in spawn_each(Spawn { pipeline: true, ..Default::default() }).await {
        let (url, mut requests) = recording_stand_in().await;
        let token = app.user("sam").await;
        let (status, created) = app
            .post(
                "/api/v1/monitors",
                json!({"name": "Login", "kind": "http", "interval_seconds": 1,
                       "http": {"url": url, "method": "POST", "body": BODY,
                                "headers": {"Authorization": AUTH, "X-Api-Key": API_KEY}}}),
                Some(&token),
            )
            .await;
        assert_eq!(status, 201, "{}: {created}", app.backend);
        let http = &created["data"]["http"];
        assert_eq!(http["headers"], json!({"Authorization": "…abcd", "X-Api-Key": "…"}));
        assert_eq!(http["body"], "…r2\"}");
        assert_no_secret("the create answer", &created.to_string());
        let id = created["data"]["id"].as_str().unwrap().to_owned();

        // Every answer about the monitor, and the row itself, shows only masks.
        assert_no_secret("the database row", &raw_row(&app, &id).await);
        for path in [
            format!("/api/v1/monitors/{id}"),
            "/api/v1/monitors".to_owned(),
            "/api/v1/websites".to_owned(),
            format!("/api/v1/websites/{id}"),
        ] {
            let (status, body) = app.get(&path, Some(&token)).await;
            assert_eq!(status, 200, "{path}: {body}");
            assert_no_secret(&path, &body.to_string());
        }
        let (status, form) = app.rpc("monitor_form", &[("id", &id)], Some(&token)).await;
        assert_eq!(status, 200, "{form}");
        assert_eq!(form["form"]["headers"], json!(["Authorization: …abcd", "X-Api-Key: …"]));
        assert_no_secret("the edit form", &form.to_string());
        let (_, detail) = app.rpc("monitor", &[("id", &id)], Some(&token)).await;
        assert_no_secret("the detail page's data", &detail.to_string());

        // The check sends the real values.
        let request = next_request(&mut requests).await;
        assert!(request.contains(&format!("authorization: {AUTH}")), "{request}");
        assert!(request.contains(&format!("x-api-key: {API_KEY}")), "{request}");
        assert!(request.ends_with(BODY), "{request}");

        // Echoing the masks back (as a client that PATCHes what it read) or
        // saving the UI's edit form keeps the stored values.
        let echoed = json!({"name": "Login v2", "http": created["data"]["http"].clone()});
        let patched =
            send(&app, reqwest::Method::PATCH, &format!("/api/v1/monitors/{id}"), &token, echoed)
                .await;
        assert_eq!(patched["data"]["http"]["headers"]["Authorization"], "…abcd");
        let fields = [
            ("form[id]", id.as_str()),
            ("form[kind]", "http"),
            ("form[name]", "Login v3"),
            ("form[url]", url.as_str()),
            ("form[method]", "POST"),
            ("form[expected_status]", "200-299"),
            ("form[interval_seconds]", "1"),
            ("form[timeout_ms]", "5000"),
            ("form[confirmations]", "2"),
            ("form[recoveries]", "1"),
        ];
        let (status, saved) = app.rpc("save_monitor", &fields, Some(&token)).await;
        assert_eq!(status, 200, "{saved}");
        while requests.try_recv().is_ok() {}
        let request = next_request(&mut requests).await;
        assert!(request.contains(&format!("authorization: {AUTH}")), "kept: {request}");
        assert!(request.ends_with(BODY), "kept: {request}");

        // A new value replaces the old, and is sealed too.
        let changed = json!({"http": {"headers": {"Authorization": "Bearer rotated-4242-4242-wxyz"}, "body": null}});
        let patched =
            send(&app, reqwest::Method::PATCH, &format!("/api/v1/monitors/{id}"), &token, changed)
                .await;
        assert_eq!(patched["data"]["http"]["headers"], json!({"Authorization": "…wxyz"}));
        assert!(patched["data"]["http"]["body"].is_null());
        assert!(!raw_row(&app, &id).await.contains("rotated-4242"));
    }
}
