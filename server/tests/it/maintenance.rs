//! Maintenance windows end to end, in the real app with its pipeline, on
//! SQLite and on Postgres + Redis: a monitor covered by an active window
//! keeps being checked and opens its incident, but its alert is held; when
//! the window ends (here: ended early through the API) the net change is
//! sent once, and a recovery inside the window sends nothing. A monitor the
//! window does not cover alerts as before. Then the API's access rules.

#![allow(clippy::unwrap_used)]

use crate::support;

use chrono::{Duration, Utc};
use domain::testing::{ChannelBuilder, MonitorBuilder};
use jobs::testing::Recorder;
use reqwest::Method;
use serde_json::{json, Value};
use support::{spawn_all, spawn_each, Spawn, TestApp};

const WINDOWS: &str = "/api/v1/maintenance-windows";

fn count(data: &Value, event: &str, status: &str) -> usize {
    data["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["event"] == event && n["delivery_status"] == status)
        .count()
}

/// A monitor named `name` of `target` every second, alerting `channel`.
async fn monitor(
    app: &TestApp,
    token: &str,
    name: &str,
    target: &Recorder,
    channel: &Value,
) -> String {
    let builder = MonitorBuilder::http(&target.url)
        .name(name)
        .interval(1)
        .timeout_ms(5000)
        .confirmations(1)
        .recoveries(1)
        .set("channel_ids", json!([channel["id"]]));
    let created = app.create(token, builder).await;
    let id = created["id"].as_str().unwrap().to_owned();
    app.wait_for(token, &format!("/api/v1/monitors/{id}"), |m| m["status"] == "up").await;
    id
}

/// A one-off window on now, for an hour, over `monitors`; returns its id.
async fn window_now(app: &TestApp, token: &str, monitors: &[&str]) -> String {
    let body = json!({
        "title": "Database upgrade",
        "kind": "one_off",
        "time_zone": "Europe/Berlin",
        "starts_at": Utc::now() - Duration::minutes(1),
        "ends_at": Utc::now() + Duration::hours(1),
        "monitor_ids": monitors,
    });
    let window = app.create(token, (WINDOWS, body)).await;
    assert_eq!(window["active"], true, "{window}");
    window["id"].as_str().unwrap().to_owned()
}

/// Ends the window now, as a user ending maintenance early does.
async fn end_window(app: &TestApp, token: &str, id: &str) {
    let path = format!("{WINDOWS}/{id}");
    let body = json!({ "ends_at": Utc::now() });
    let (status, answer) = app.send(Method::PATCH, &path, Some(body), Some(token)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["data"]["active"], false, "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn still_down_at_window_end_sends_exactly_one_alert_and_no_window_changes_nothing() {
    for app in spawn_each(Spawn { pipeline: true, ..Default::default() }).await {
        let token = app.user("maint-down").await;
        let (covered_target, free_target) =
            (Recorder::start("/covered").await, Recorder::start("/free").await);
        let hook = Recorder::start("/hooks/maintenance").await;
        let channel = app.create(&token, ChannelBuilder::webhook(&hook.url)).await;
        let covered = monitor(&app, &token, "covered", &covered_target, &channel).await;
        let free = monitor(&app, &token, "free", &free_target, &channel).await;
        let window = window_now(&app, &token, &[&covered]).await;

        covered_target.set_status(503);
        free_target.set_status(503);
        // Without a window: alerted at once, as before.
        let free_log = format!("/api/v1/monitors/{free}/notifications");
        app.wait_for(&token, &free_log, |d| count(d, "down", "delivered") == 1).await;
        // In the window: checked, down, its incident open, the alert held.
        let path = format!("/api/v1/monitors/{covered}");
        app.wait_for(&token, &path, |m| m["status"] == "down").await;
        let log = format!("{path}/notifications");
        app.wait_for(&token, &log, |d| count(d, "down", "held") == 1).await;
        let (_, incidents) = app.get(&format!("{path}/incidents"), Some(&token)).await;
        assert_eq!(incidents["data"]["incidents"][0]["is_active"], true, "{incidents}");
        let seen = hook.seen();
        assert_eq!(seen.len(), 1, "only the uncovered monitor's alert ({})", app.backend);
        assert_eq!(seen[0].json()["data"]["monitor_name"], "free", "{:?}", seen[0].json());

        // Still down when the window ends: its one alert goes out then.
        end_window(&app, &token, &window).await;
        app.wait_for(&token, &log, |d| count(d, "down", "delivered") == 1).await;
        covered_target.set_status(200);
        let after = app.wait_for(&token, &log, |d| count(d, "up", "delivered") == 1).await;
        assert_eq!(after["items"].as_array().unwrap().len(), 2, "{after}");
        let covered_seen: Vec<String> = hook
            .seen()
            .iter()
            .map(|s| s.json())
            .filter(|j| j["data"]["monitor_name"] == "covered")
            .map(|j| j["type"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(covered_seen, ["monitor.down", "monitor.up"], "{}", app.backend);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovered_inside_the_window_sends_none() {
    for app in spawn_each(Spawn { pipeline: true, ..Default::default() }).await {
        let token = app.user("maint-blip").await;
        let target = Recorder::start("/blip").await;
        let hook = Recorder::start("/hooks/blip").await;
        let channel = app.create(&token, ChannelBuilder::webhook(&hook.url)).await;
        let id = monitor(&app, &token, "blip", &target, &channel).await;
        let window = window_now(&app, &token, &[&id]).await;
        let path = format!("/api/v1/monitors/{id}");
        let log = format!("{path}/notifications");

        target.set_status(503);
        app.wait_for(&token, &log, |d| count(d, "down", "held") == 1).await;
        target.set_status(200);
        app.wait_for(&token, &path, |m| m["status"] == "up").await;
        app.wait_for(&token, &log, |d| count(d, "up", "held") == 1).await;
        let (_, incidents) = app.get(&format!("{path}/incidents"), Some(&token)).await;
        assert_eq!(incidents["data"]["incidents"].as_array().unwrap().len(), 1, "{incidents}");

        end_window(&app, &token, &window).await;
        let done = app.wait_for(&token, &log, |d| count(d, "down", "suppressed") == 1).await;
        assert_eq!(count(&done, "up", "suppressed"), 1, "{done}");
        assert!(hook.seen().is_empty(), "nothing sent ({})", app.backend);
    }
}

#[tokio::test]
async fn windows_are_their_owners_and_name_only_readable_monitors() {
    for app in spawn_all().await {
        let alice = app.user("maint-alice").await;
        let bob = app.user("maint-bob").await;
        let admin = app.admin_token().await;
        let bobs = app.create(&bob, MonitorBuilder::http("http://127.0.0.2:9/bob")).await;
        let alices = app.create(&alice, MonitorBuilder::http("http://127.0.0.2:9/alice")).await;
        let weekly = json!({
            "title": "Sunday patching",
            "kind": "rrule",
            "time_zone": "Europe/Berlin",
            "starts_at": "2026-03-22T08:00:00Z",
            "rule": "FREQ=WEEKLY;BYDAY=SU",
            "duration_secs": 3600,
            "monitor_ids": [alices["id"]],
        });
        let window = app.create(&alice, (WINDOWS, weekly.clone())).await;
        assert_eq!(window["occurrences"].as_array().unwrap().len(), 3, "{window}");
        let path = format!("{WINDOWS}/{}", window["id"].as_str().unwrap());

        // Another user's monitor is refused like an unknown one.
        let mut foreign = weekly.clone();
        foreign["monitor_ids"] = json!([bobs["id"]]);
        let (status, answer) = app.post(WINDOWS, foreign.clone(), Some(&alice)).await;
        assert_eq!((status, answer["field"].as_str()), (422, Some("monitor_ids")), "{answer}");
        foreign["monitor_ids"] = json!([uuid::Uuid::now_v7()]);
        let (_, unknown) = app.post(WINDOWS, foreign, Some(&alice)).await;
        assert_eq!(unknown["error"], answer["error"], "missing and not yours read alike");
        let patch = json!({ "monitor_ids": [bobs["id"]] });
        let (status, _) = app.send(Method::PATCH, &path, Some(patch), Some(&alice)).await;
        assert_eq!(status, 422);

        // Another user's window is not found, like an unknown one; an admin may.
        let unknown = format!("{WINDOWS}/{}", uuid::Uuid::now_v7());
        let (status, missing) = app.get(&unknown, Some(&alice)).await;
        assert_eq!(status, 404);
        let (status, hidden) = app.get(&path, Some(&bob)).await;
        assert_eq!((status, &hidden["error"]), (404, &missing["error"]), "{hidden}");
        let title = Some(json!({ "title": "Bob was here" }));
        assert_eq!(app.send(Method::PATCH, &path, title, Some(&bob)).await.0, 404);
        assert_eq!(app.send(Method::DELETE, &path, None, Some(&bob)).await.0, 404);
        let (_, still) = app.get(&path, Some(&alice)).await;
        assert_eq!(still["data"]["title"], "Sunday patching", "bob changed nothing");
        assert_eq!(app.get(&path, Some(&admin)).await.0, 200);
        let (_, bobs_list) = app.get(WINDOWS, Some(&bob)).await;
        assert!(bobs_list["data"]["windows"].as_array().unwrap().is_empty(), "{bobs_list}");
        assert_eq!(app.get(WINDOWS, None).await.0, 401);

        // Field errors are 422s naming the field.
        for (change, field) in [
            (json!({ "rule": "FREQ=YEARLY" }), "rule"),
            (json!({ "time_zone": "Mars/Olympus" }), "time_zone"),
            (json!({ "duration_secs": 5 }), "duration_secs"),
            (json!({ "kind": "one_off", "rule": null, "duration_secs": null }), "ends_at"),
            (json!({ "kind": "cron", "rule": "0 3 * *" }), "rule"),
        ] {
            let mut body = weekly.clone();
            body.as_object_mut().unwrap().extend(change.as_object().unwrap().clone());
            let (status, answer) = app.post(WINDOWS, body, Some(&alice)).await;
            assert_eq!((status, answer["field"].as_str()), (422, Some(field)), "{answer}");
        }

        let patch = json!({ "title": "Patching", "duration_secs": 7200 });
        let (status, changed) = app.send(Method::PATCH, &path, Some(patch), Some(&alice)).await;
        assert_eq!(status, 200, "{changed}");
        assert_eq!(changed["data"]["title"], "Patching");
        let first = &changed["data"]["occurrences"][0];
        let (start, end) =
            (first["starts_at"].as_str().unwrap(), first["ends_at"].as_str().unwrap());
        let len = chrono::DateTime::parse_from_rfc3339(end).unwrap()
            - chrono::DateTime::parse_from_rfc3339(start).unwrap();
        assert_eq!(len.num_seconds(), 7200);
        assert_eq!(app.send(Method::DELETE, &path, None, Some(&alice)).await.0, 200);
        assert_eq!(app.get(&path, Some(&alice)).await.0, 404);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_over_a_status_page_covers_every_monitor_the_page_shows() {
    for app in spawn_each(Spawn { pipeline: true, ..Default::default() }).await {
        let (token, other) = (app.user("maint-page").await, app.user("maint-other").await);
        let (shown_target, free_target) =
            (Recorder::start("/shown").await, Recorder::start("/unshown").await);
        let hook = Recorder::start("/hooks/maintenance-page").await;
        let channel = app.create(&token, ChannelBuilder::webhook(&hook.url)).await;
        let shown = monitor(&app, &token, "shown", &shown_target, &channel).await;
        let free = monitor(&app, &token, "unshown", &free_target, &channel).await;
        let body =
            json!({"slug": format!("maint-{}", app.backend), "title": "Acme", "published": true});
        let page = app.create(&token, ("/api/v1/status-pages", body)).await;
        let page_id = page["id"].as_str().unwrap();
        let list =
            json!({"components": [{"kind": "monitor", "public_name": "API", "monitor_id": shown}]});
        let path = format!("/api/v1/status-pages/{page_id}/components");
        assert_eq!(app.send(Method::PUT, &path, Some(list), Some(&token)).await.0, 200);

        let window = json!({
            "title": "Planned work",
            "kind": "one_off",
            "starts_at": Utc::now() - Duration::minutes(1),
            "ends_at": Utc::now() + Duration::hours(1),
            "status_page_ids": [page_id],
        });
        let (status, refused) = app.post(WINDOWS, window.clone(), Some(&other)).await;
        assert_eq!(
            (status, refused["field"].as_str()),
            (422, Some("status_page_ids")),
            "{refused}"
        );
        let created = app.create(&token, (WINDOWS, window)).await;
        assert_eq!(created["status_page_ids"], json!([page_id]), "{created}");
        assert_eq!(created["monitor_ids"], json!([]));

        shown_target.set_status(503);
        free_target.set_status(503);
        let free_log = format!("/api/v1/monitors/{free}/notifications");
        app.wait_for(&token, &free_log, |d| count(d, "down", "delivered") == 1).await;
        let log = format!("/api/v1/monitors/{shown}/notifications");
        app.wait_for(&token, &log, |d| count(d, "down", "held") == 1).await;
        let public = format!("/api/v1/public/status/maint-{}", app.backend);
        let (_, read) = app.get(&public, None).await;
        assert_eq!(read["data"]["components"][0]["state"], "maintenance", "{read}");
        assert!(hook.seen().iter().all(|s| s.json()["data"]["monitor_name"] == "unshown"));
    }
}

/// A window naming a tag holds the alerts of its owner's monitors carrying
/// it (in any case), not another user's with the same tag; taking the tag
/// off a monitor releases what the window held at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_over_a_tag_covers_its_owners_tagged_monitors() {
    for app in spawn_each(Spawn { pipeline: true, ..Default::default() }).await {
        let (token, other) = (app.user("maint-tag").await, app.user("maint-tag-other").await);
        let targets = [
            Recorder::start("/tagged").await,
            Recorder::start("/untagged").await,
            Recorder::start("/others").await,
        ];
        let hook = Recorder::start("/hooks/maintenance-tag").await;
        let channel = app.create(&token, ChannelBuilder::webhook(&hook.url)).await;
        let other_hook = Recorder::start("/hooks/maintenance-tag-other").await;
        let other_channel = app.create(&other, ChannelBuilder::webhook(&other_hook.url)).await;
        let tagged = monitor(&app, &token, "tagged", &targets[0], &channel).await;
        let untagged = monitor(&app, &token, "untagged", &targets[1], &channel).await;
        let theirs = monitor(&app, &other, "theirs", &targets[2], &other_channel).await;
        for (id, who, tags) in
            [(&tagged, &token, json!([" Prod ", "EU"])), (&theirs, &other, json!(["prod"]))]
        {
            let path = format!("/api/v1/monitors/{id}");
            let (status, changed) =
                app.send(Method::PATCH, &path, Some(json!({"tags": tags})), Some(who)).await;
            assert_eq!(status, 200, "{changed}");
        }
        let (_, mine) = app.get("/api/v1/monitors?tag=PROD", Some(&token)).await;
        let listed: Vec<&Value> = mine["data"]["monitors"].as_array().unwrap().iter().collect();
        assert_eq!(listed.len(), 1, "{mine}");
        assert_eq!(listed[0]["id"], json!(tagged));
        assert_eq!(listed[0]["tags"], json!(["eu", "prod"]));

        let window = json!({
            "title": "Production freeze",
            "kind": "one_off",
            "starts_at": Utc::now() - Duration::minutes(1),
            "ends_at": Utc::now() + Duration::hours(1),
            "tags": ["PROD"],
        });
        let mut bad = window.clone();
        bad["tags"] = json!(["a&b"]);
        let created = app.create(&token, (WINDOWS, window)).await;
        assert_eq!(created["tags"], json!(["prod"]), "{created}");
        let (status, refused) = app.post(WINDOWS, bad, Some(&token)).await;
        assert_eq!((status, refused["field"].as_str()), (422, Some("tags")), "{refused}");

        targets.iter().for_each(|t| t.set_status(503));
        let log = |id: &str| format!("/api/v1/monitors/{id}/notifications");
        app.wait_for(&token, &log(&untagged), |d| count(d, "down", "delivered") == 1).await;
        app.wait_for(&other, &log(&theirs), |d| count(d, "down", "delivered") == 1).await;
        app.wait_for(&token, &log(&tagged), |d| count(d, "down", "held") == 1).await;
        assert!(hook.seen().iter().all(|s| s.json()["data"]["monitor_name"] == "untagged"));

        let path = format!("/api/v1/monitors/{tagged}");
        let untag = json!({"tags": ["eu"]});
        assert_eq!(app.send(Method::PATCH, &path, Some(untag), Some(&token)).await.0, 200);
        app.wait_for(&token, &log(&tagged), |d| count(d, "down", "delivered") == 1).await;
    }
}
