//! `icmp` monitors end to end, in the real app with its scheduler and
//! workers: echo requests to 127.0.0.2 (allowed explicitly) keep it up with a
//! round trip; the guard keeps every other loopback address down; bad
//! settings are refused by field.

#![allow(clippy::unwrap_used)]

use crate::support;

use domain::testing::MonitorBuilder;
use jobs::testing::STAND_IN_HOST;
use serde_json::json;
use support::{spawn_all, spawn_each, Spawn};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allowed_host_is_up_and_a_denied_one_down() {
    for app in spawn_each(Spawn { pipeline: true, ..Default::default() }).await {
        let token = app.user("pinger").await;
        let up = app.create(&token, MonitorBuilder::icmp(STAND_IN_HOST).interval(1)).await;
        assert_eq!(
            up["icmp"],
            json!({"host": STAND_IN_HOST, "count": 3, "degraded_after_ms": null})
        );
        let path = format!("/api/v1/monitors/{}", up["id"].as_str().unwrap());
        let seen = app.wait_for(&token, &path, |m| m["status"] == "up").await;
        assert!(seen["latest_response_time_ms"].as_i64().unwrap() >= 1, "{seen}");

        let denied = MonitorBuilder::icmp("127.0.0.1").interval(1).confirmations(1);
        let denied = app.create(&token, denied).await;
        let path = format!("/api/v1/monitors/{}", denied["id"].as_str().unwrap());
        let down = app.wait_for(&token, &path, |m| m["status"] == "down").await;
        assert!(down["last_error"].as_str().unwrap().contains("refused"), "{down}");
    }
}

#[tokio::test]
async fn icmp_settings_are_checked_by_field() {
    for app in spawn_all().await {
        let token = app.user("icmp-fields").await;
        let cases = [
            (json!({"kind": "icmp", "icmp": {}}), "icmp.host"),
            (json!({"kind": "icmp", "icmp": {"host": "a b"}}), "icmp.host"),
            (json!({"kind": "icmp", "icmp": {"host": "a.example", "count": 11}}), "icmp.count"),
            (
                json!({"kind": "icmp", "icmp": {"host": "a.example", "degraded_after_ms": 0}}),
                "icmp.degraded_after_ms",
            ),
        ];
        for (body, field) in cases {
            let (status, answer) = app.post("/api/v1/monitors", body.clone(), Some(&token)).await;
            assert_eq!(status, 422, "{body} → {answer}");
            assert_eq!(answer["field"], field, "{body} → {answer}");
        }
        let made = app.create(&token, MonitorBuilder::icmp("Gateway.Example").name("")).await;
        assert_eq!(
            (made["target"].as_str(), made["name"].as_str()),
            (Some("gateway.example"), Some("ping gateway.example"))
        );
        assert_eq!(made["interval_seconds"], 60);
    }
}
