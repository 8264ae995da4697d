//! The web app's server side through HTTP, on SQLite and Postgres: pages are
//! rendered with the user's data, admin pages answer 403 to users, server
//! functions check the session and name the field at fault, and the admin
//! overview API counts checks, queues, workers and failures.

#![allow(clippy::unwrap_used)]

use crate::support;

use chrono::{Duration, Utc};
use domain::entities::checks;
use domain::testing::MonitorBuilder;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::json;
use support::{spawn_all, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use uuid::Uuid;

/// A monitor of `https://shop.example.org/` named `name`; its id.
async fn monitor(app: &TestApp, token: &str, name: &str) -> String {
    let shop = MonitorBuilder::http("https://shop.example.org/").name(name);
    app.create(token, shop).await["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_dashboard_is_rendered_on_the_server_with_the_users_own_monitors() {
    for app in spawn_all().await {
        let ann = app.user("ann").await;
        let bob = app.user("bob").await;
        monitor(&app, &ann, "Shop front").await;
        monitor(&app, &bob, "Bob's blog").await;
        let (status, html) = app.page("/dashboard", &ann).await;
        assert_eq!(status, 200, "{}", app.backend);
        assert!(html.contains("Shop front"), "{}: the user's monitor is in the HTML", app.backend);
        assert!(html.contains(r#"data-testid="monitor-row""#));
        assert!(!html.contains("Bob&#x27;s blog") && !html.contains("Bob's blog"));
        assert!(html.contains("Unknown"), "the status is written out, not only coloured");
    }
}

#[tokio::test]
async fn admin_pages_are_403_for_users_and_open_for_admins() {
    for app in spawn_all().await {
        let ann = app.user("ann").await;
        for path in ["/admin", "/admin/users"] {
            let (status, html) = app.page(path, &ann).await;
            assert_eq!(status, 403, "{}: {path}", app.backend);
            assert!(html.contains("Not allowed"), "{path}");
        }
        let admin = app.admin_token().await;
        let (status, html) = app.page("/admin/users", &admin).await;
        assert_eq!(status, 200, "{}", app.backend);
        assert!(html.contains("ann@example.org"), "{}: users are listed", app.backend);
        let (status, html) = app.page("/admin", &admin).await;
        assert_eq!(status, 200);
        assert!(html.contains("Admin overview"));
    }
}

#[tokio::test]
async fn server_functions_need_a_session_and_admin_ones_the_admin_role() {
    for app in spawn_all().await {
        let (status, body) = app.rpc("dashboard", &[("status", ""), ("search", "")], None).await;
        assert_eq!(status, 401, "{}: {body}", app.backend);
        assert_eq!(body["code"], "unauthorized", "{body}");
        let ann = app.user("ann").await;
        let (status, body) = app.rpc("admin_overview", &[], Some(&ann)).await;
        assert_eq!(status, 403, "{}: {body}", app.backend);
        let (status, body) =
            app.rpc("dashboard", &[("status", "sideways"), ("search", "")], Some(&ann)).await;
        assert_eq!(status, 422, "the status the API answers too: {body}");
        assert_eq!(
            (&body["code"], &body["field"]),
            (&json!("validation_failed"), &json!("status"))
        );
        // Arguments the call cannot be read from are the caller's mistake, not a 500.
        let (status, body) = app.rpc("dashboard", &[("status", "")], Some(&ann)).await;
        assert_eq!((status, &body["code"]), (400, &json!("bad_request")), "{body}");
        assert!(body["message"].as_str().unwrap().contains("search"), "{body}");
    }
}

#[tokio::test]
async fn saving_a_monitor_names_the_field_at_fault_then_creates_it() {
    for app in spawn_all().await {
        let ann = app.user("ann").await;
        let cases: [(&[(&str, &str)], &str); 4] = [
            (&[("form[kind]", "http"), ("form[url]", "ftp://example.org")], "url"),
            (
                &[
                    ("form[kind]", "http"),
                    ("form[url]", "https://example.org"),
                    ("form[interval_seconds]", "often"),
                ],
                "interval_seconds",
            ),
            (
                &[
                    ("form[kind]", "http"),
                    ("form[url]", "https://example.org"),
                    ("form[expected_status]", "200-99x"),
                ],
                "expected_status",
            ),
            (
                &[("form[kind]", "tcp"), ("form[host]", "db.example.org"), ("form[port]", "70000")],
                "port",
            ),
        ];
        for (form, field) in cases {
            let (status, body) = app.rpc("save_monitor", form, Some(&ann)).await;
            assert_eq!(status, 422, "{}: {body}", app.backend);
            assert_eq!(body["field"], field, "{body}");
        }
        let form = [
            ("form[kind]", "http"),
            ("form[name]", "Docs"),
            ("form[url]", "https://docs.example.org"),
            ("form[interval_seconds]", "30"),
            ("form[expected_status]", "200-299, 301"),
        ];
        let (status, id) = app.rpc("save_monitor", &form, Some(&ann)).await;
        assert_eq!(status, 200, "{}: {id}", app.backend);
        let id = id.as_str().unwrap().to_owned();
        let (status, detail) = app.rpc("monitor", &[("id", &id)], Some(&ann)).await;
        assert_eq!(status, 200, "{detail}");
        assert_eq!(detail["row"]["name"], "Docs");
        assert_eq!(detail["every"], "30s");
        let bob = app.user("bob").await;
        let (status, _) = app.rpc("monitor", &[("id", &id)], Some(&bob)).await;
        assert_eq!(status, 403, "another user's monitor is refused");
    }
}

#[tokio::test]
async fn the_admin_overview_api_counts_checks_queues_workers_and_failures() {
    for app in spawn_all().await {
        let ann = app.user("ann").await;
        let id: Uuid = monitor(&app, &ann, "Shop front").await.parse().unwrap();
        let now = Utc::now();
        for (ago, status, region) in [
            // Seconds ago, far from the minute's edge: the server reads its own clock later.
            (1, "down", "eu-west"),
            (2, "down", "eu-west"),
            (3, "up", "us-east"),
            (3600, "down", "eu-west"),
        ] {
            let at = now - Duration::seconds(ago);
            // History rows alone, by hand: the pipeline would also move the
            // monitor's state, and the overview must still count it unknown.
            checks::ActiveModel {
                id: Set(domain::pipeline::results::check_id(id, at.timestamp_millis())),
                monitor_id: Set(id),
                checked_at: Set(at),
                status: Set(status.parse::<kinds::Status>().unwrap()),
                latency_ms: Set(Some(120)),
                http_status: Set(Some(if status == "down" { 503 } else { 200 })),
                error: Set((status == "down").then(|| "HTTP 503".to_owned())),
                region: Set(region.into()),
                ..Default::default()
            }
            .insert(&app.db.db)
            .await
            .unwrap();
        }
        assert_eq!(app.get("/api/v1/admin/overview", Some(&ann)).await.0, 403);
        assert_eq!(app.get("/api/v1/admin/overview", None).await.0, 401);
        let admin = app.signin(ADMIN_EMAIL, ADMIN_PASSWORD).await.0;
        let (status, body) = app.get("/api/v1/admin/overview", Some(&admin)).await;
        assert_eq!(status, 200, "{}: {body}", app.backend);
        let data = &body["data"];
        assert_eq!(data["monitors"]["total"], 1, "{body}");
        assert_eq!(data["monitors"]["unknown"], 1);
        assert_eq!(data["open_incidents"], 0);
        assert_eq!(data["checks_per_minute"], 3, "{}: {body}", app.backend);
        let queues: Vec<&str> = data["queues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["queue"].as_str().unwrap())
            .collect();
        assert_eq!(queues, ["checks", "status", "notifications"]);
        assert!(data["queues"][0]["depth"].is_u64(), "{body}");
        assert_eq!(data["workers"][0]["region"], "eu-west", "the busiest region first: {body}");
        assert_eq!(data["workers"][0]["checks"], 2, "the hour-old check is not recent: {body}");
        assert_eq!(data["workers"][1]["region"], "us-east");
        let failures = data["recent_failures"].as_array().unwrap();
        assert_eq!(failures.len(), 3, "{body}");
        assert_eq!(failures[0]["monitor_name"], "Shop front");
        assert_eq!(failures[0]["http_status"], 503);
        let (_, doc) = app.get("/api/v1/openapi.json", None).await;
        assert!(doc["paths"]["/admin/overview"]["get"].is_object(), "documented in OpenAPI");
    }
}

#[tokio::test]
async fn a_failure_has_the_same_status_code_and_field_on_api_and_rpc() {
    for app in spawn_all().await {
        app.signup("taken@example.org", support::PASSWORD).await;
        let cases = [
            ("Taken@example.org", support::PASSWORD, 409, "conflict", "email"),
            ("nobody@localhost", support::PASSWORD, 400, "bad_request", "email"),
            ("new@example.org", "        ", 400, "bad_request", "password"),
        ];
        for (email, password, status, code, field) in cases {
            let body = json!({"email": email, "password": password});
            let (api_status, api) = app.post("/api/v1/signup", body, None).await;
            let form = [("email", email), ("password", password)];
            let (rpc_status, rpc) = app.rpc("sign_up", &form, None).await;
            assert_eq!((api_status, rpc_status), (status, status), "{email}: {api} / {rpc}");
            assert_eq!((&api["code"], &rpc["code"]), (&json!(code), &json!(code)), "{email}");
            assert_eq!((&api["field"], &rpc["field"]), (&json!(field), &json!(field)), "{email}");
        }
    }
}
