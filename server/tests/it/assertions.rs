//! HTTP monitors' assertions end to end, in the real app with its scheduler
//! and workers, on SQLite and on Postgres + Redis, against a JSON API
//! stand-in on 127.0.0.2 whose answer the test changes; and the API's
//! validation, one refused field at a time.

#![allow(clippy::unwrap_used)]

use crate::support;

use domain::testing::MonitorBuilder;
use jobs::testing::Recorder;
use serde_json::{json, Value};
use support::{spawn_each, spawn_sqlite, Spawn};

fn on_status(severity: &str) -> Value {
    json!([{"source": "json_path", "path": "$.status", "op": "equals", "target": "ok",
            "severity": severity}])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_json_status_that_flips_degrades_then_fails_the_monitor() {
    for app in spawn_each(Spawn { pipeline: true, ..Default::default() }).await {
        let api = Recorder::start("/api/health").await;
        api.set_body(r#"{"status": "ok", "version": "1.4.2"}"#);
        let token = app.user("ops").await;
        let watched = MonitorBuilder::http(&api.url)
            .set("http.assertions", on_status("degrade"))
            .interval(1)
            .confirmations(1)
            .recoveries(1);
        let monitor = app.create(&token, watched).await;
        assert_eq!(
            monitor["http"]["assertions"],
            json!([{"source": "json_path", "path": "$.status",
            "op": "equals", "target": "ok", "severity": "degrade"}])
        );
        let path = format!("/api/v1/monitors/{}", monitor["id"].as_str().unwrap());
        app.wait_for(&token, &path, |m| m["status"] == "up").await;

        api.set_body(r#"{"status": "degraded", "version": "1.4.2"}"#);
        let degraded = app.wait_for(&token, &path, |m| m["status"] == "degraded").await;
        assert_eq!(
            degraded["last_error"], "json $.status is \"degraded\", expected \"ok\"",
            "{} {degraded}",
            app.backend
        );

        let change = json!({"http": {"assertions": on_status("fail")}});
        let (status, body) =
            app.send(reqwest::Method::PATCH, &path, Some(change), Some(&token)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["http"]["assertions"][0]["severity"], "fail");
        let down = app.wait_for(&token, &path, |m| m["status"] == "down").await;
        assert_eq!(down["last_error"], "json $.status is \"degraded\", expected \"ok\"", "{down}");

        api.set_body(r#"{"status": "ok"}"#);
        app.wait_for(&token, &path, |m| m["status"] == "up").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_invalid_assertion_is_a_422_naming_its_field() {
    let app = spawn_sqlite(Spawn::default()).await;
    let token = app.user("ops").await;
    let ok = json!({"source": "status", "op": "equals", "target": "200"});
    let cases = [
        (json!({"source": "cookie", "op": "equals", "target": "1"}), "http.assertions[1].source"),
        (json!({"source": "body", "op": "equals", "target": "x"}), "http.assertions[1].op"),
        (
            json!({"source": "json_path", "path": "status", "op": "exists"}),
            "http.assertions[1].path",
        ),
        (
            json!({"source": "status", "op": "equals", "target": "2000"}),
            "http.assertions[1].target",
        ),
        (
            json!({"source": "status", "op": "equals", "target": "200", "severity": "warn"}),
            "http.assertions[1].severity",
        ),
    ];
    for (bad, field) in cases {
        let monitor = MonitorBuilder::http("https://example.org/")
            .set("http.assertions", json!([ok.clone(), bad.clone()]));
        let (path, body) = support::Resource::request(monitor);
        let (status, answer) = app.post(&path, body, Some(&token)).await;
        assert_eq!(status, 422, "{bad}: {answer}");
        assert_eq!(answer["field"], field, "{bad}: {answer}");
    }
    let many = MonitorBuilder::http("https://example.org/")
        .set("http.assertions", Value::Array(vec![ok.clone(); 21]));
    let (path, body) = support::Resource::request(many);
    let (status, answer) = app.post(&path, body, Some(&token)).await;
    assert_eq!((status, answer["field"].as_str()), (422, Some("http.assertions")), "{answer}");
    // A field the request schema does not know is a 400, as everywhere in the API.
    let typo = MonitorBuilder::http("https://example.org/")
        .set("http.assertions", json!([{"source": "status", "op": "equals", "value": "200"}]));
    let (path, body) = support::Resource::request(typo);
    assert_eq!(app.post(&path, body, Some(&token)).await.0, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_forms_rows_save_in_order_and_a_bad_one_names_the_list() {
    let app = spawn_sqlite(Spawn::default()).await;
    let ann = app.user("ann").await;
    let base = [
        ("form[kind]", "http"),
        ("form[url]", "https://api.example.org/health"),
        ("form[interval_seconds]", "30"),
        ("form[expected_status]", "200-299"),
    ];
    // Rows keep the numbers they were added with: 1 was removed in the browser.
    let rows = [
        ("form[assertions][0][source]", "json_path"),
        ("form[assertions][0][path]", "$.status"),
        ("form[assertions][0][op]", "equals"),
        ("form[assertions][0][target]", "ok"),
        ("form[assertions][0][severity]", "degrade"),
        ("form[assertions][2][source]", "header"),
        ("form[assertions][2][path]", "X-Served-By"),
        ("form[assertions][2][op]", "exists"),
        ("form[assertions][2][target]", ""),
        ("form[assertions][2][severity]", "fail"),
    ];
    let form: Vec<(&str, &str)> = base.iter().chain(rows.iter()).copied().collect();
    let (status, id) = app.rpc("save_monitor", &form, Some(&ann)).await;
    assert_eq!(status, 200, "{id}");
    let id = id.as_str().unwrap().to_owned();
    let (status, detail) = app.rpc("monitor", &[("id", &id)], Some(&ann)).await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(
        detail["assertions"],
        json!([
            {"source": "json_path", "path": "$.status", "op": "equals", "target": "ok", "severity": "degrade"},
            {"source": "header", "path": "x-served-by", "op": "exists", "target": "", "severity": "fail"},
        ])
    );

    let bad = [
        ("form[assertions][0][source]", "status"),
        ("form[assertions][0][op]", "equals"),
        ("form[assertions][0][target]", "ok"),
    ];
    let form: Vec<(&str, &str)> = base.iter().chain(bad.iter()).copied().collect();
    let (status, body) = app.rpc("save_monitor", &form, Some(&ann)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "assertions", "{body}");
    assert!(
        body["message"].as_str().unwrap_or_default().starts_with("Assertion 1 target must be"),
        "{body}"
    );
}
