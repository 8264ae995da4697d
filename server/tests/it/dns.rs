//! DNS monitors end to end, in the real app with its scheduler and workers,
//! on SQLite and on Postgres + Redis, against an authoritative stand-in on
//! 127.0.0.2 whose answers the test changes: a changed answer opens an
//! incident and alerts, accepting it makes it the baseline and the monitor
//! recovers; the API's answers, errors and the guard.

#![allow(clippy::unwrap_used)]

use crate::support;

use domain::testing::{ChannelBuilder, MonitorBuilder};
use jobs::testing::{DnsStandIn, Recorder};
use kinds::DnsRecordType;
use serde_json::{json, Value};
use support::{spawn_each, spawn_sqlite, Spawn};

fn delivered(data: &Value, event: &str) -> usize {
    data["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["event"] == event && n["delivery_status"] == "delivered")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_answer_alerts_and_accepting_it_recovers() {
    for app in spawn_each(Spawn { pipeline: true, ..Default::default() }).await {
        let dns = DnsStandIn::start().await;
        dns.set("api.example.test", DnsRecordType::A, &["192.0.2.1"]);
        let hook = Recorder::start("/hooks/dns").await;
        let token = app.user("ops").await;
        let channel = app.create(&token, ChannelBuilder::webhook(&hook.url).name("ops-hook")).await;
        let watched = MonitorBuilder::dns("api.example.test", "A", &dns.addr.to_string())
            .set("dns.alert_on_change", json!(true))
            .interval(1)
            .confirmations(1)
            .recoveries(1)
            .set("channel_ids", json!([channel["id"]]));
        let monitor = app.create(&token, watched).await;
        assert_eq!(monitor["kind"], "dns");
        assert_eq!(monitor["dns"]["name"], "api.example.test.");
        let id = monitor["id"].as_str().unwrap();
        let path = format!("/api/v1/monitors/{id}");
        let answers = format!("{path}/dns");

        app.wait_for(&token, &path, |m| m["status"] == "up").await;
        let first = app.wait_for(&token, &answers, |d| !d["baseline"].is_null()).await;
        assert_eq!(first["baseline"]["records"], json!(["192.0.2.1"]), "{first}");
        assert_eq!(first["differs"], false);

        dns.set("api.example.test", DnsRecordType::A, &["192.0.2.7"]);
        let down = app.wait_for(&token, &path, |m| m["status"] == "down").await;
        assert_eq!(
            down["last_error"], "the answer changed from 192.0.2.1 to 192.0.2.7",
            "{} {down}",
            app.backend
        );
        let notifications = format!("{path}/notifications");
        app.wait_for(&token, &notifications, |d| delivered(d, "down") == 1).await;
        let changed = app.wait_for(&token, &answers, |d| d["differs"] == true).await;
        assert_eq!(changed["last_answer"]["records"], json!(["192.0.2.7"]));
        assert_eq!(changed["baseline"]["records"], json!(["192.0.2.1"]), "kept until accepted");

        let stranger = app.user("stranger").await;
        let (status, _) = app.post(&format!("{answers}/accept"), json!({}), Some(&stranger)).await;
        assert_eq!(status, 403);
        let (status, accepted) =
            app.post(&format!("{answers}/accept"), json!({}), Some(&token)).await;
        assert_eq!(status, 200, "{accepted}");
        assert_eq!(accepted["data"]["baseline"]["records"], json!(["192.0.2.7"]));

        app.wait_for(&token, &path, |m| m["status"] == "up").await;
        app.wait_for(&token, &notifications, |d| delivered(d, "up") == 1).await;
        let incidents = app
            .wait_for(&token, &format!("{path}/incidents"), |d| {
                d["incidents"][0]["is_active"] == false
            })
            .await;
        assert_eq!(incidents["incidents"].as_array().unwrap().len(), 1, "one incident");
        let hooks = hook.seen();
        assert_eq!(hooks.len(), 2, "{}", app.backend);
        assert_eq!(hooks[0].json()["type"], "monitor.down");
        assert_eq!(hooks[1].json()["type"], "monitor.up");
        assert!(dns.udp_queries() >= 3);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_answers_api_says_what_cannot_be_done() {
    let app = spawn_sqlite(Spawn::default()).await;
    let token = app.user("ops").await;
    let paused =
        MonitorBuilder::dns("example.test", "MX", "127.0.0.2:53").set("paused", json!(true));
    let monitor = app.create(&token, paused).await;
    let answers = format!("/api/v1/monitors/{}/dns", monitor["id"].as_str().unwrap());
    let (status, body) = app.get(&answers, Some(&token)).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"],
        json!({
            "baseline": null, "baseline_at": null, "last_answer": null, "last_answer_at": null, "differs": false
        })
    );
    let (status, body) = app.post(&format!("{answers}/accept"), json!({}), Some(&token)).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("conflict")), "{body}");

    let http = app.create(&token, MonitorBuilder::http("https://example.org/")).await;
    let not_dns = format!("/api/v1/monitors/{}/dns", http["id"].as_str().unwrap());
    assert_eq!(app.get(&not_dns, Some(&token)).await.0, 404);
    assert_eq!(app.post(&format!("{not_dns}/accept"), json!({}), Some(&token)).await.0, 404);

    let bad = MonitorBuilder::dns("example.test", "A", "127.0.0.2")
        .set("dns.resolvers", json!(["127.0.0.2", "ns.example.test"]));
    let (path, body) = support::Resource::request(bad);
    let (status, answer) = app.post(&path, body, Some(&token)).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["field"], "dns.resolvers[1]");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resolver_on_a_denied_address_is_refused_with_how_to_allow_it() {
    let app = spawn_sqlite(Spawn { pipeline: true, ..Default::default() }).await;
    let denied = DnsStandIn::start_on("127.0.0.1:0".parse().unwrap()).await.unwrap();
    denied.set("example.test", DnsRecordType::A, &["192.0.2.1"]);
    let token = app.user("ops").await;
    let looped = MonitorBuilder::dns("example.test", "A", &denied.addr.to_string())
        .interval(1)
        .confirmations(1);
    let monitor = app.create(&token, looped).await;
    let path = format!("/api/v1/monitors/{}", monitor["id"].as_str().unwrap());
    let down = app.wait_for(&token, &path, |m| m["status"] == "down").await;
    assert_eq!(
        down["last_error"],
        format!(
            "{}: refused 127.0.0.1: loopback address (allow it with --allow-targets)",
            denied.addr
        )
    );
    assert_eq!((denied.udp_queries(), denied.tcp_queries()), (0, 0));
}
