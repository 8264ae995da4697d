//! The monitoring pipeline end to end, in the real app with its scheduler and
//! workers, on SQLite with embedded queues and on Postgres + Redis: a local
//! target goes down and comes back; Slack, webhook and SMTP stand-ins receive
//! exactly one alert each way; the guard refuses loopback targets.

#![allow(clippy::unwrap_used)]

use crate::support;

use std::time::Duration;

use domain::testing::{ChannelBuilder, MonitorBuilder};
use jobs::testing::{smtp_stand_in, verify_standard_webhook, Recorder};
use serde_json::{json, Value};
use support::{eventually, spawn_each, spawn_sqlite, Spawn};

fn delivered(data: &Value, event: &str) -> usize {
    data["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["event"] == event && n["delivery_status"] == "delivered")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_going_down_opens_one_incident_notifies_every_channel_and_recovers() {
    let (smtp_port, mails) = smtp_stand_in("250 recipient ok").await;
    let opts = Spawn {
        pipeline: true,
        args: vec![
            "--smtp-url".into(),
            format!("smtp://{}:{smtp_port}", jobs::testing::STAND_IN_HOST),
            "--smtp-from".into(),
            "RunState <alerts@runstate.test>".into(),
        ],
        ..Default::default()
    };
    for app in spawn_each(opts).await {
        let target = Recorder::start("/health").await;
        let slack = Recorder::start("/services/T000/B000/XXXX").await;
        let hook = Recorder::start("/hooks/runstate").await;
        let mails_before = mails.lock().unwrap().len();
        let token = app.user("ops").await;

        let slack_channel =
            app.create(&token, ChannelBuilder::slack(&slack.url).name("ops-slack")).await;
        let hook_channel =
            app.create(&token, ChannelBuilder::webhook(&hook.url).name("ops-hook")).await;
        let secret = hook_channel["webhook"]["secret"].as_str().unwrap().to_owned();
        let mail = ChannelBuilder::email(&["oncall@example.org"]).name("ops-mail");
        let email_channel = app.create(&token, mail).await;
        let channels = [&slack_channel, &hook_channel, &email_channel].map(|c| c["id"].clone());
        let local = MonitorBuilder::http(&target.url)
            .name("Local target")
            .interval(1)
            .timeout_ms(5000)
            .confirmations(2)
            .recoveries(1)
            .set("channel_ids", json!(channels));
        let monitor = app.create(&token, local).await;
        let id = monitor["id"].as_str().unwrap();
        let path = format!("/api/v1/monitors/{id}");

        app.wait_for(&token, &path, |m| m["status"] == "up").await;
        target.set_status(503);
        let down = app.wait_for(&token, &path, |m| m["status"] == "down").await;
        assert!(down["last_error"].as_str().unwrap().contains("503"), "{down}");
        let notifications = format!("{path}/notifications");
        app.wait_for(&token, &notifications, |d| delivered(d, "down") == 3).await;

        let incidents = app
            .wait_for(&token, &format!("{path}/incidents"), |d| {
                d["incidents"].as_array().is_some_and(|i| !i.is_empty())
            })
            .await;
        assert_eq!(incidents["incidents"].as_array().unwrap().len(), 1, "exactly one incident");
        assert_eq!(incidents["incidents"][0]["is_active"], true);
        let (_, contract) = app.get(&format!("/api/v1/websites/{id}"), Some(&token)).await;
        assert_eq!(contract["data"]["active_incident"]["is_active"], true, "{contract}");

        target.set_status(200);
        app.wait_for(&token, &path, |m| m["status"] == "up").await;
        let log = app.wait_for(&token, &notifications, |d| delivered(d, "up") == 3).await;
        assert_eq!(delivered(&log, "down"), 3, "nothing was sent twice: {log}");
        assert_eq!(log["items"].as_array().unwrap().len(), 6);
        let incidents = app
            .wait_for(&token, &format!("{path}/incidents"), |d| {
                d["incidents"][0]["is_active"] == false
            })
            .await;
        assert_eq!(incidents["incidents"].as_array().unwrap().len(), 1);

        // Each stand-in got one alert each way, in its own protocol.
        let slack_seen = slack.seen();
        assert_eq!(slack_seen.len(), 2, "{}", app.backend);
        assert_eq!(slack_seen[0].json()["blocks"][0]["type"], "header");
        let hooks = hook.seen();
        assert_eq!(hooks.len(), 2);
        for seen in &hooks {
            assert!(verify_standard_webhook(&secret, seen), "bad signature: {seen:?}");
        }
        assert_eq!(hooks[0].json()["type"], "monitor.down");
        assert_eq!(hooks[1].json()["type"], "monitor.up");
        let mails = mails.lock().unwrap()[mails_before..].to_vec();
        assert_eq!(mails.len(), 2, "two emails on {}", app.backend);
        assert!(mails[0].to.iter().any(|to| to.contains("oncall@example.org")));

        // The history routes see the checks.
        let (_, checks) =
            app.get(&format!("/api/v1/websites/{id}/checks?limit=5"), Some(&token)).await;
        assert!(!checks["data"]["checks"].as_array().unwrap().is_empty());
        let (status, stats) = app.get(&format!("{path}/stats?window=1h"), Some(&token)).await;
        assert_eq!(status, 200);
        let uptime = stats["data"]["uptime_percent"].as_f64().unwrap();
        assert!(uptime > 0.0 && uptime < 100.0, "{stats}");
        // HTTP checks are measured by phase, and the statistics average them.
        assert!(stats["data"]["timings"]["ttfb_ms"].is_u64(), "{stats}");
        let (_, ours) = app.get(&format!("{path}/checks?limit=50"), Some(&token)).await;
        let checks = ours["data"]["checks"].as_array().unwrap();
        let up = checks.iter().find(|c| c["status"] == "up").expect("an up check");
        for phase in ["dns_ms", "connect_ms", "ttfb_ms", "total_ms"] {
            assert!(up["timings"][phase].is_u64(), "{phase}: {up}");
        }
        assert!(up["timings"]["tls_ms"].is_null(), "plain HTTP has no TLS: {up}");
        assert_eq!(up["resolved_ip"], jobs::testing::STAND_IN_HOST, "{up}");
        assert_eq!(up["http_version"], "HTTP/1.1", "{up}");

        let metrics =
            app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
        for series in [
            "runstate_checks_total",
            "runstate_check_duration_seconds",
            "runstate_notifications_total",
            "runstate_queue_depth",
            "runstate_incidents_open",
            "runstate_scheduler_lag_seconds",
        ] {
            assert!(metrics.contains(series), "/metrics lacks {series}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_failing_once_is_retried_and_one_always_failing_is_marked_failed() {
    let app = spawn_sqlite(Spawn {
        pipeline: true,
        args: vec!["--notification-attempts".into(), "2".into()],
        ..Default::default()
    })
    .await;
    let target = Recorder::start("/").await;
    let flaky = Recorder::start("/flaky").await;
    flaky.script(vec![(500, vec![])]);
    let broken = Recorder::start("/broken").await;
    broken.set_status(502);
    let token = app.user("ops").await;
    let flaky_channel = app.create(&token, ChannelBuilder::webhook(&flaky.url).name("flaky")).await;
    let broken_channel =
        app.create(&token, ChannelBuilder::webhook(&broken.url).name("broken")).await;
    let channels = [&flaky_channel, &broken_channel].map(|c| c["id"].clone());
    let watched = MonitorBuilder::http(&target.url).interval(1).confirmations(1).timeout_ms(5000);
    let monitor = app.create(&token, watched.set("channel_ids", json!(channels))).await;
    let path = format!("/api/v1/monitors/{}", monitor["id"].as_str().unwrap());
    app.wait_for(&token, &path, |m| m["status"] == "up").await;
    target.set_status(500);
    let log = app
        .wait_for(&token, &format!("{path}/notifications"), |d| {
            let items = d["items"].as_array().unwrap();
            items.len() == 2
                && items.iter().all(|n| {
                    n["delivery_status"] == "delivered" || n["delivery_status"] == "failed"
                })
        })
        .await;
    let by_name = |name: &str| {
        log["items"].as_array().unwrap().iter().find(|n| n["recipient"] == name).unwrap().clone()
    };
    let flaky_row = by_name("flaky");
    assert_eq!(flaky_row["delivery_status"], "delivered", "{log}");
    assert_eq!(flaky_row["attempts"], 2, "one failure, one retry");
    let broken_row = by_name("broken");
    assert_eq!(broken_row["delivery_status"], "failed");
    assert_eq!(broken_row["attempts"], 2);
    assert!(broken_row["last_error"].as_str().unwrap().contains("502"), "{broken_row}");
    assert_eq!(flaky.hits(), 2);
    assert_eq!(broken.hits(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loopback_target_that_is_not_allowed_is_refused_without_a_connection() {
    let app =
        spawn_sqlite(Spawn { pipeline: true, guard_loopback: true, ..Default::default() }).await;
    let target = Recorder::start("/private").await;
    let token = app.user("ops").await;
    let looped = MonitorBuilder::http(&target.url).interval(1).confirmations(1);
    let monitor = app.create(&token, looped).await;
    let path = format!("/api/v1/monitors/{}", monitor["id"].as_str().unwrap());
    let down = app.wait_for(&token, &path, |m| m["status"] == "down").await;
    let error = down["last_error"].as_str().unwrap();
    assert!(error.contains("refused 127.0.0.2") && error.contains("loopback"), "{error}");
    assert_eq!(target.hits(), 0, "no request reached the target");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_stops_claiming_while_the_check_queue_is_full() {
    // A scheduler and no check worker: every claimed check stays queued.
    let roles = jobs::runtime::Roles {
        scheduler: true,
        checks: false,
        status: false,
        notifications: false,
        concurrency: 8,
    };
    let args = vec!["--max-queued-checks".to_owned(), "100".to_owned()];
    for app in
        spawn_each(Spawn { pipeline: true, roles: Some(roles), args, ..Default::default() }).await
    {
        let admin = app.admin_token().await;
        for n in 0..250 {
            let site = MonitorBuilder::http(&format!("https://site{n}.example.org/")).interval(1);
            app.create(&admin, site).await;
        }
        let depth = || async {
            let (_, body) = app.get("/api/v1/admin/overview", Some(&admin)).await;
            body["data"]["queues"][0]["depth"].as_u64().unwrap()
        };
        eventually(&format!("100 checks queued on {}", app.backend), move || async move {
            (depth().await >= 100).then_some(())
        })
        .await;
        // Every monitor has been due for a while: without back-pressure 250
        // and more would be queued by now.
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(depth().await, 100, "the queue stays at its bound on {}", app.backend);
    }
}
