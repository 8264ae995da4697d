//! `domain` monitors end to end, in the real app with its scheduler and
//! workers, against a real RDAP registry on 127.0.0.2 found through the
//! bootstrap file (`--rdap-bootstrap-url`): a registration near expiry is
//! degraded and warns once, an unknown name goes down, a registry's 429 is
//! waited out; the API shows the registration; bad settings are refused by
//! field.

#![allow(clippy::unwrap_used)]

use crate::support;

use chrono::{Duration, Utc};
use domain::testing::{ChannelBuilder, MonitorBuilder};
use jobs::testing::rdap::RdapStandIn;
use jobs::testing::{verify_standard_webhook, Recorder};
use serde_json::{json, Value};
use support::{spawn_all, spawn_each, Spawn};

fn delivered(data: &Value, event: &str) -> usize {
    data["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["event"] == event && n["delivery_status"] == "delivered")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_near_expiry_warns_once_and_an_unknown_name_goes_down() {
    let registry = RdapStandIn::start().await;
    registry.register("example.test", Utc::now() + Duration::days(5) + Duration::hours(1));
    let opts = Spawn {
        pipeline: true,
        args: vec!["--rdap-bootstrap-url".into(), registry.bootstrap_url()],
        ..Default::default()
    };
    for app in spawn_each(opts).await {
        let hook = Recorder::start("/hooks/domains").await;
        let token = app.user("domains").await;
        let channel = app.create(&token, ChannelBuilder::webhook(&hook.url)).await;
        let secret = channel["webhook"]["secret"].as_str().unwrap().to_owned();
        let watched = MonitorBuilder::domain("Example.TEST")
            .interval(1)
            .confirmations(1)
            .set("channel_ids", json!([channel["id"]]));
        let monitor = app.create(&token, watched).await;
        assert_eq!(
            monitor["domain"],
            json!({"name": "example.test", "expiry_days": [30, 7, 1], "rdap_url": null})
        );
        let path = format!("/api/v1/monitors/{}", monitor["id"].as_str().unwrap());

        let degraded = app.wait_for(&token, &path, |m| m["status"] == "degraded").await;
        let error = degraded["last_error"].as_str().unwrap();
        assert!(error.starts_with("the registration expires in 5 days on"), "{error}");
        let notifications = format!("{path}/notifications");
        app.wait_for(&token, &notifications, |d| delivered(d, "domain_expiring") == 1).await;
        let checks = format!("{path}/checks?limit=10");
        app.wait_for(&token, &checks, |d| d["checks"].as_array().is_some_and(|c| c.len() >= 3))
            .await;
        let log =
            app.wait_for(&token, &notifications, |d| delivered(d, "domain_expiring") == 1).await;
        assert_eq!(log["items"].as_array().unwrap().len(), 1, "warned once: {log}");
        let (_, seen) = app.get(&format!("{path}/registration"), Some(&token)).await;
        assert_eq!(seen["data"]["days_left"], 5, "{seen}");
        assert_eq!(seen["data"]["registrar"], "Test Registrar");
        assert_eq!(seen["data"]["rdap_server"], registry.rdap_url());
        let hooks = hook.seen();
        assert_eq!(hooks.len(), 1);
        assert!(verify_standard_webhook(&secret, &hooks[0]));
        assert_eq!(hooks[0].json()["type"], "domain.expiring");
        let detail = hooks[0].json()["data"]["detail"].as_str().unwrap().to_owned();
        assert!(detail.contains("expires in 5 days (warning at 7 days)"), "{detail}");

        // A name the registry does not know: down, with the registry named.
        let unknown = MonitorBuilder::domain("nobody.test").interval(1).confirmations(1);
        let unknown = app.create(&token, unknown).await;
        let path = format!("/api/v1/monitors/{}", unknown["id"].as_str().unwrap());
        let down = app.wait_for(&token, &path, |m| m["status"] == "down").await;
        let error = down["last_error"].as_str().unwrap();
        assert!(error.ends_with("has no registration for nobody.test (RDAP 404)"), "{error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registry_asking_to_wait_is_not_asked_again_before_it_said() {
    let registry = RdapStandIn::start().await;
    registry.register("patient.test", Utc::now() + Duration::days(200));
    registry.throttle(Some(3600));
    let opts = Spawn { pipeline: true, ..Default::default() };
    for app in spawn_each(opts).await {
        let token = app.user("patient").await;
        let lookups = registry.lookups();
        let watched = MonitorBuilder::domain("patient.test")
            .interval(1)
            .set("domain.rdap_url", json!(registry.rdap_url()));
        let monitor = app.create(&token, watched).await;
        let path = format!("/api/v1/monitors/{}", monitor["id"].as_str().unwrap());
        let checked = app.wait_for(&token, &path, |m| m["last_checked_at"].is_string()).await;
        assert_eq!(checked["status"], "unknown", "a wait is not an answer: {checked}");
        assert!(checked["last_error"].as_str().unwrap().contains("HTTP 429"), "{checked}");
        // With an interval of a second, the registry is still asked once: the next check waits.
        let checks = format!("{path}/checks?limit=10");
        let seen = app
            .wait_for(&token, &checks, |d| d["checks"].as_array().is_some_and(|c| !c.is_empty()))
            .await;
        assert_eq!(seen["checks"].as_array().unwrap().len(), 1, "{seen}");
        let (_, row) = app.get(&path, Some(&token)).await;
        assert_eq!(row["data"]["status"], "unknown");
        assert_eq!(registry.lookups() - lookups, 1);
    }
}

#[tokio::test]
async fn domain_settings_are_checked_by_field() {
    for app in spawn_all().await {
        let token = app.user("domain-fields").await;
        let cases = [
            (json!({"kind": "domain", "domain": {}}), "domain.name"),
            (json!({"kind": "domain", "domain": {"name": "localhost"}}), "domain.name"),
            (
                json!({"kind": "domain", "domain": {"name": "a.test", "expiry_days": [0]}}),
                "domain.expiry_days",
            ),
            (
                json!({"kind": "domain", "domain": {"name": "a.test", "rdap_url": "ftp://x"}}),
                "domain.rdap_url",
            ),
        ];
        for (body, field) in cases {
            let (status, answer) = app.post("/api/v1/monitors", body.clone(), Some(&token)).await;
            assert_eq!(status, 422, "{body} → {answer}");
            assert_eq!(answer["field"], field, "{body} → {answer}");
        }
        let made = app.create(&token, MonitorBuilder::domain("bücher.test").name("")).await;
        assert_eq!(made["target"], "xn--bcher-kva.test");
        assert_eq!(made["name"], "xn--bcher-kva.test registration");
        assert_eq!(made["interval_seconds"], 86_400, "daily by default");
        let path = format!("/api/v1/monitors/{}", made["id"].as_str().unwrap());
        let (status, seen) = app.get(&format!("{path}/registration"), Some(&token)).await;
        assert_eq!((status, &seen["data"]), (200, &Value::Null), "not asked yet");
    }
}
