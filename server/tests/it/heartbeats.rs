//! Heartbeat monitors end to end: created and validated through the API;
//! the public ping endpoints in every form (HEAD, GET, POST, the tails,
//! run ids, the body limit, Uptime Kuma's push) answering a known and an
//! unknown token alike; the per-token rate limit; the lateness sweep
//! claimed once by two schedulers; a missed ping opening one incident and
//! one alert, and a ping resolving it. Lateness is set up by moving the
//! monitor's start into the past, never by waiting for it.

#![allow(clippy::unwrap_used)]

use crate::support;

use chrono::Duration;
use domain::testing::heartbeats::{token_of, watched_for};
use domain::testing::{ChannelBuilder, MonitorBuilder};
use jobs::testing::Recorder;
use serde_json::{json, Value};
use support::{eventually, spawn_all, spawn_each, spawn_sqlite, Spawn, TestApp};

/// The path of the monitor's ping URL (the public URL in tests is not the
/// test server's address).
fn ping_path(monitor: &Value) -> String {
    format!("/ping/{}", token_of(monitor["heartbeat"]["ping_url"].as_str().unwrap()))
}

/// Sends `method` to `path` with `body`; returns status, headers and text.
async fn raw(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: Vec<u8>,
) -> (u16, reqwest::header::HeaderMap, String) {
    let response = app.client.request(method, app.url(path)).body(body).send().await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    (status, headers, response.text().await.unwrap())
}

async fn pings(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let (status, body) = app.get(&format!("/api/v1/monitors/{id}/pings"), Some(token)).await;
    assert_eq!(status, 200, "{body}");
    body["data"]["pings"].as_array().unwrap().clone()
}

#[tokio::test]
async fn heartbeat_monitors_are_created_and_validated_through_the_api() {
    for app in spawn_all().await {
        let token = app.user("cron").await;
        let monitor = app.create(&token, MonitorBuilder::heartbeat(3600, 300)).await;
        assert_eq!(monitor["kind"], "heartbeat");
        assert_eq!(monitor["confirmations"], 1, "a missed ping is confirmed by its grace");
        let block = &monitor["heartbeat"];
        assert_eq!((block["every"].clone(), block["grace"].clone()), (json!(3600), json!(300)));
        let url = block["ping_url"].as_str().unwrap();
        assert!(url.contains("/ping/") && token_of(url).len() >= 22, "{url}");
        assert!(block["next_expected_at"].is_string(), "{monitor}");
        assert!(block["last_ping_at"].is_null());

        let cron = MonitorBuilder::heartbeat(60, 0)
            .set("heartbeat", json!({"schedule": "30 2 * * *", "tz": "Europe/Berlin"}));
        let cron = app.create(&token, cron).await;
        assert_eq!(cron["target"], "30 2 * * * Europe/Berlin");
        assert_eq!(cron["heartbeat"]["grace"], 300, "the default grace");

        for (block, field) in [
            (json!({"every": 10}), "heartbeat.every"),
            (json!({"every": 60, "schedule": "* * * * *"}), "heartbeat.schedule"),
            (json!({}), "heartbeat.schedule"),
            (json!({"schedule": "0 0 30 2 *"}), "heartbeat.schedule"),
            (json!({"schedule": "0 3 * * *", "tz": "Mars/Olympus"}), "heartbeat.tz"),
            (json!({"every": 60, "tz": "UTC"}), "heartbeat.tz"),
            (json!({"every": 60, "grace": 999_999_999}), "heartbeat.grace"),
            (json!({"every": 60, "max_runtime": 10, "min_runtime": 20}), "heartbeat.min_runtime"),
        ] {
            let body = json!({"kind": "heartbeat", "heartbeat": block});
            let (status, answer) = app.post("/api/v1/monitors", body, Some(&token)).await;
            assert_eq!(status, 422, "{block}: {answer}");
            assert_eq!(answer["field"], field, "{block}: {answer}");
        }

        // A change keeps what it does not name; the kind's block only.
        let id = monitor["id"].as_str().unwrap();
        let path = format!("/api/v1/monitors/{id}");
        let patch = json!({"heartbeat": {"grace": 60}});
        let (status, changed) =
            app.send(reqwest::Method::PATCH, &path, Some(patch), Some(&token)).await;
        assert_eq!(status, 200, "{changed}");
        assert_eq!(changed["data"]["heartbeat"]["every"], 3600);
        assert_eq!(changed["data"]["heartbeat"]["grace"], 60);
        assert_eq!(changed["data"]["heartbeat"]["ping_url"], monitor["heartbeat"]["ping_url"]);
        let wrong = json!({"tcp": {"host": "db", "port": 5432}});
        let (status, answer) =
            app.send(reqwest::Method::PATCH, &path, Some(wrong), Some(&token)).await;
        assert_eq!((status, answer["field"].clone()), (422, json!("kind")), "{answer}");

        // A new ping URL: the old token no longer reaches the monitor.
        let (status, rotated) =
            app.post(&format!("{path}/ping-url"), json!({}), Some(&token)).await;
        assert_eq!(status, 200, "{rotated}");
        assert_ne!(rotated["data"]["heartbeat"]["ping_url"], monitor["heartbeat"]["ping_url"]);
        let (status, _, _) = raw(&app, reqwest::Method::GET, &ping_path(&monitor), vec![]).await;
        assert_eq!(status, 200, "an old token is answered like any unknown one");
        assert!(pings(&app, &token, id).await.is_empty(), "the old token reached nothing");
        let (status, _, _) =
            raw(&app, reqwest::Method::GET, &ping_path(&rotated["data"]), vec![]).await;
        assert_eq!(status, 200);
        assert_eq!(pings(&app, &token, id).await.len(), 1);

        // Another user sees neither the monitor nor its pings.
        let other = app.user("other").await;
        let (status, _) = app.get(&format!("{path}/pings"), Some(&other)).await;
        assert_eq!(status, 403);
        let http = app.create(&token, MonitorBuilder::http("https://example.org")).await;
        let http = format!("/api/v1/monitors/{}", http["id"].as_str().unwrap());
        let (status, answer) = app.get(&format!("{http}/pings"), Some(&token)).await;
        assert_eq!((status, answer["data"]["pings"].clone()), (200, json!([])), "{answer}");
        let (status, answer) = app.post(&format!("{http}/ping-url"), json!({}), Some(&token)).await;
        assert_eq!(status, 404, "{answer}");
    }
}

#[tokio::test]
async fn every_ping_form_is_answered_alike_for_known_and_unknown_tokens() {
    for app in spawn_all().await {
        let token = app.user("jobs").await;
        let monitor = app.create(&token, MonitorBuilder::heartbeat(3600, 300)).await;
        let id = monitor["id"].as_str().unwrap().to_owned();
        let known = ping_path(&monitor);
        let unknown = "/ping/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned();
        let path = format!("/api/v1/monitors/{id}");

        for (method, tail) in [
            (reqwest::Method::HEAD, ""),
            (reqwest::Method::GET, "/start"),
            (reqwest::Method::POST, "/log"),
            (reqwest::Method::POST, "/0"),
        ] {
            let mut answers = Vec::new();
            for base in [&known, &unknown] {
                let (status, headers, text) =
                    raw(&app, method.clone(), &format!("{base}{tail}"), b"hello".to_vec()).await;
                assert_eq!(headers["ping-body-limit"], "10240");
                assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
                answers.push((status, text));
            }
            assert_eq!(answers[0], answers[1], "{method} {tail}: a token's existence shows");
            let expected = if method == reqwest::Method::HEAD { "" } else { "OK" };
            assert_eq!(answers[0], (200, expected.to_owned()));
        }
        // A bad tail or run id is refused before any lookup, for both alike.
        for bad in ["/started", "/256", "/-1", "?rid=not-a-uuid"] {
            let a = raw(&app, reqwest::Method::GET, &format!("{known}{bad}"), vec![]).await;
            let b = raw(&app, reqwest::Method::GET, &format!("{unknown}{bad}"), vec![]).await;
            assert_eq!((a.0, &a.2), (400, &b.2), "{bad}");
            assert_eq!(b.0, 400);
        }
        let kinds: Vec<String> = pings(&app, &token, &id)
            .await
            .iter()
            .map(|p| p["kind"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(kinds, ["exit", "log", "start", "success"], "newest first");

        // A failing exit status takes the monitor down at once, naming it.
        raw(&app, reqwest::Method::POST, &format!("{known}/2"), vec![]).await;
        let (_, body) = app.get(&path, Some(&token)).await;
        assert_eq!(body["data"]["status"], "down", "{body}");
        assert_eq!(body["data"]["last_error"], "exit status 2");
        // Runs pair by id; a success brings it back up.
        let rid = uuid::Uuid::new_v4();
        raw(&app, reqwest::Method::GET, &format!("{known}/start?rid={rid}"), vec![]).await;
        raw(&app, reqwest::Method::GET, &format!("{known}?rid={rid}"), vec![]).await;
        let (_, body) = app.get(&path, Some(&token)).await;
        assert_eq!(body["data"]["status"], "up", "{body}");
        let latest = pings(&app, &token, &id).await;
        assert_eq!(latest[0]["rid"], json!(rid.to_string()));
        assert_eq!(latest[1]["rid"], json!(rid.to_string()));
        assert_eq!(latest[1]["kind"], "start");
        assert!(body["data"]["heartbeat"]["last_ping_at"].is_string());

        // The body: its first 10 KB kept, the rest never read.
        let big = "é".repeat(8000).into_bytes();
        let (status, _, _) = raw(&app, reqwest::Method::POST, &format!("{known}/log"), big).await;
        assert_eq!(status, 200);
        let kept = pings(&app, &token, &id).await[0]["body"].as_str().unwrap().to_owned();
        assert_eq!(kept.len(), 10240, "cut at the limit, on a character boundary");
        assert!(kept.chars().all(|c| c == 'é'));

        // Uptime Kuma's push form: its JSON answer, alike for any token.
        let push = format!("/api/push/{}", token_of(&known));
        let (status, headers, text) = raw(
            &app,
            reqwest::Method::GET,
            &format!("{push}?status=down&msg=disk%20full&ping="),
            vec![],
        )
        .await;
        assert_eq!((status, text.as_str()), (200, r#"{"ok":true}"#));
        assert_eq!(headers["content-type"], "application/json");
        let (status, _, text) =
            raw(&app, reqwest::Method::GET, "/api/push/nope?status=down&msg=x", vec![]).await;
        assert_eq!((status, text.as_str()), (200, r#"{"ok":true}"#));
        let latest = pings(&app, &token, &id).await;
        assert_eq!(
            (latest[0]["kind"].clone(), latest[0]["body"].clone()),
            (json!("fail"), json!("disk full"))
        );
        let (_, body) = app.get(&path, Some(&token)).await;
        assert_eq!(body["data"]["last_error"], "the job reported a failure", "{body}");

        // A paused monitor keeps its pings but does not change.
        app.post(&format!("{path}/pause"), json!({}), Some(&token)).await;
        raw(&app, reqwest::Method::GET, &known, vec![]).await;
        let (_, body) = app.get(&path, Some(&token)).await;
        assert_eq!(body["data"]["status"], "paused");
        assert_eq!(pings(&app, &token, &id).await[0]["kind"], "success");
    }
}

#[tokio::test]
async fn pings_are_rate_limited_per_token_known_or_not() {
    let args = vec!["--pings-per-minute".to_owned(), "3".to_owned()];
    let app = spawn_sqlite(Spawn { args, ..Default::default() }).await;
    let token = app.user("busy").await;
    let monitor = app.create(&token, MonitorBuilder::heartbeat(3600, 300)).await;
    for base in [ping_path(&monitor), "/ping/unknown-token-0000000000000".to_owned()] {
        // Four pings in one fixed minute: the fourth is refused. Should the
        // minute turn between them, the window restarted: try once more.
        let mut refused = None;
        for _ in 0..2 {
            let minute = chrono::Utc::now().timestamp() / 60;
            let mut statuses = Vec::new();
            for _ in 0..4 {
                let (status, headers, _) = raw(&app, reqwest::Method::GET, &base, vec![]).await;
                statuses.push((status, headers.get("retry-after").cloned()));
            }
            if chrono::Utc::now().timestamp() / 60 == minute {
                refused = Some(statuses);
                break;
            }
        }
        let statuses = refused.expect("two minutes turned during four requests");
        assert!(statuses[..3].iter().all(|(s, _)| *s == 200), "{base}: {statuses:?}");
        let (status, retry) = &statuses[3];
        assert_eq!(*status, 429, "{base}");
        let secs: u64 = retry.as_ref().unwrap().to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&secs), "{secs}");
    }
}

#[tokio::test]
async fn two_schedulers_judge_a_late_slot_once_and_a_redelivery_changes_nothing() {
    for app in spawn_all().await {
        let token = app.user("late").await;
        let monitor = app.create(&token, MonitorBuilder::heartbeat(60, 0)).await;
        let id: uuid::Uuid = monitor["id"].as_str().unwrap().parse().unwrap();
        watched_for(&app.db.db, id, Duration::minutes(10)).await;
        let now = chrono::Utc::now();
        let (a, b) = tokio::join!(
            domain::pipeline::claim_due(&app.db.db, now, 100),
            domain::pipeline::claim_due(&app.db.db, now, 100),
        );
        let claims: Vec<_> =
            a.unwrap().into_iter().chain(b.unwrap()).filter(|c| c.monitor_id == id).collect();
        assert_eq!(claims.len(), 1, "one claim of the late slot: {claims:?}");
        let job = jobs::payloads::CheckJob { monitor_id: id, slot: claims[0].slot };
        jobs::workers::check::handle(app.context.clone(), job).await.unwrap();
        jobs::workers::check::handle(app.context.clone(), job).await.unwrap();
        let (_, body) = app.get(&format!("/api/v1/monitors/{id}"), Some(&token)).await;
        assert_eq!(body["data"]["status"], "down", "{body}");
        let error = body["data"]["last_error"].as_str().unwrap();
        assert!(
            error.starts_with("no ping yet, expected by ") && error.ends_with("(grace 0s)"),
            "{error}"
        );
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let changes = domain::entities::status_changes::Entity::find()
            .filter(domain::entities::status_changes::Column::MonitorId.eq(id))
            .all(&app.db.db)
            .await
            .unwrap();
        assert_eq!(changes.len(), 1, "the missed slot is reported once");
    }
}

fn delivered(data: &Value, event: &str) -> usize {
    data["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["event"] == event && n["delivery_status"] == "delivered")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missed_ping_opens_one_incident_and_alert_and_a_ping_resolves_it() {
    for app in spawn_each(Spawn { pipeline: true, ..Default::default() }).await {
        let hook = Recorder::start("/hooks/heartbeat").await;
        let token = app.user("nightly").await;
        let channel = app.create(&token, ChannelBuilder::webhook(&hook.url)).await;
        let monitor = MonitorBuilder::heartbeat(60, 0).set("channel_ids", json!([channel["id"]]));
        let monitor = app.create(&token, monitor).await;
        let id: uuid::Uuid = monitor["id"].as_str().unwrap().parse().unwrap();
        let path = format!("/api/v1/monitors/{id}");
        watched_for(&app.db.db, id, Duration::minutes(10)).await;

        let down = app.wait_for(&token, &path, |m| m["status"] == "down").await;
        assert!(down["last_error"].as_str().unwrap().starts_with("no ping yet"), "{down}");
        let notifications = format!("{path}/notifications");
        app.wait_for(&token, &notifications, |d| delivered(d, "down") == 1).await;
        let incidents = app
            .wait_for(&token, &format!("{path}/incidents"), |d| {
                d["incidents"].as_array().is_some_and(|i| i.len() == 1)
            })
            .await;
        assert_eq!(incidents["incidents"][0]["is_active"], true);

        let (status, _, _) = raw(&app, reqwest::Method::GET, &ping_path(&monitor), vec![]).await;
        assert_eq!(status, 200);
        app.wait_for(&token, &path, |m| m["status"] == "up").await;
        let log = app.wait_for(&token, &notifications, |d| delivered(d, "up") == 1).await;
        assert_eq!(delivered(&log, "down"), 1, "one alert each way: {log}");
        let incidents = app
            .wait_for(&token, &format!("{path}/incidents"), |d| {
                d["incidents"][0]["is_active"] == false
            })
            .await;
        assert_eq!(incidents["incidents"].as_array().unwrap().len(), 1);
        let seen = eventually("the webhook's two alerts", || {
            let seen = hook.seen();
            async move { (seen.len() >= 2).then_some(seen) }
        })
        .await;
        assert_eq!(seen.len(), 2, "{}", app.backend);
        assert_eq!(seen[0].json()["type"], "monitor.down");
        assert_eq!(seen[1].json()["type"], "monitor.up");
    }
}
