//! Monitor CRUD through our API and the RunState `websites` adapters, on
//! SQLite and Postgres: validation names the field, owners and admins only.

#![allow(clippy::unwrap_used)]

use crate::support;

use serde_json::json;
use support::{spawn_all, spawn_sqlite, Spawn};

#[tokio::test]
async fn monitors_are_created_read_changed_paused_and_deleted() {
    for app in spawn_all().await {
        let token = app.user("olivia").await;
        let (status, body) = app
            .post(
                "/api/v1/monitors",
                json!({"name": "Homepage", "kind": "http", "interval_seconds": 30,
                       "http": {"url": "https://example.org/health", "expected_status": ["200-299"], "keyword": "ok"}}),
                Some(&token),
            )
            .await;
        assert_eq!(status, 201, "{}: {body}", app.backend);
        let monitor = &body["data"];
        let id = monitor["id"].as_str().unwrap().to_owned();
        assert_eq!(monitor["status"], "unknown");
        assert_eq!(monitor["confirmations"], 2);
        assert_eq!(monitor["http"]["method"], "GET");
        assert_eq!(monitor["http"]["expected_status"], json!(["200-299"]));

        let (status, body) = app
            .post(
                "/api/v1/monitors",
                json!({"kind": "tcp", "tcp": {"host": "db.example.org", "port": 5432}}),
                Some(&token),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["data"]["name"], "db.example.org:5432");

        let (_, list) = app.get("/api/v1/monitors", Some(&token)).await;
        assert_eq!(list["data"]["monitors"].as_array().unwrap().len(), 2);
        let (_, tcp_only) = app.get("/api/v1/monitors?kind=tcp", Some(&token)).await;
        assert_eq!(tcp_only["data"]["monitors"].as_array().unwrap().len(), 1);
        let (_, search) = app.get("/api/v1/monitors?search=HOMEPAGE", Some(&token)).await;
        assert_eq!(search["data"]["monitors"][0]["id"], id.as_str());
        let (_, unknown) = app.get("/api/v1/monitors?status=unknown", Some(&token)).await;
        assert_eq!(unknown["data"]["monitors"].as_array().unwrap().len(), 2);

        let path = format!("/api/v1/monitors/{id}");
        let (status, body) = app
            .send(
                reqwest::Method::PATCH,
                &path,
                Some(json!({"interval_seconds": 120})),
                Some(&token),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["interval_seconds"], 120);
        assert_eq!(body["data"]["http"]["keyword"], "ok", "a patch keeps what it does not name");

        let (status, body) =
            app.send(reqwest::Method::POST, &format!("{path}/pause"), None, Some(&token)).await;
        assert_eq!(status, 200);
        assert_eq!(
            (body["data"]["paused"].clone(), body["data"]["status"].clone()),
            (json!(true), json!("paused"))
        );
        let (_, body) =
            app.send(reqwest::Method::POST, &format!("{path}/resume"), None, Some(&token)).await;
        assert_eq!(body["data"]["status"], "unknown");

        let (status, _) = app.send(reqwest::Method::DELETE, &path, None, Some(&token)).await;
        assert_eq!(status, 200);
        assert_eq!(app.get(&path, Some(&token)).await.0, 404);
    }
}

#[tokio::test]
async fn invalid_monitors_are_refused_naming_the_field() {
    let app = spawn_sqlite(Spawn::default()).await;
    let token = app.user("peter").await;
    let cases = [
        (json!({"kind": "http", "http": {"url": "ftp://example.org"}}), "url"),
        (
            json!({"kind": "http", "http": {"url": "https://example.org"}, "interval_seconds": 0}),
            "interval_seconds",
        ),
        (
            json!({"kind": "http", "http": {"url": "https://example.org"}, "interval_seconds": 86401}),
            "interval_seconds",
        ),
        (
            json!({"kind": "http", "http": {"url": "https://example.org", "method": "BREW"}}),
            "http.method",
        ),
        (
            json!({"kind": "http", "http": {"url": "https://example.org", "headers": {"X-A": "1\r\nX-B: 2"}}}),
            "http.headers",
        ),
        (
            json!({"kind": "http", "http": {"url": "https://example.org", "expected_status": ["562-513"]}}),
            "http.expected_status",
        ),
        (json!({"kind": "tcp", "tcp": {"host": "db.example.org", "port": 0}}), "tcp.port"),
        (json!({"kind": "tcp"}), "tcp"),
        (json!({"kind": "carrier-pigeon"}), "kind"),
        (
            json!({"kind": "http", "http": {"url": "https://example.org"}, "channel_ids": [uuid::Uuid::new_v4()]}),
            "channel_ids",
        ),
    ];
    for (body, field) in cases {
        let (status, answer) = app.post("/api/v1/monitors", body.clone(), Some(&token)).await;
        assert_eq!(status, 422, "{body} → {answer}");
        assert_eq!(answer["field"], field, "{body} → {answer}");
        assert_eq!(answer["success"], false);
    }
    let (status, answer) = app
        .post("/api/v1/monitors", json!({"kind": "http", "http": {"url": 5}}), Some(&token))
        .await;
    assert_eq!(status, 400, "a wrong JSON type is a 400: {answer}");
    let (status, _) =
        app.post("/api/v1/monitors", json!({"kind": "http", "colour": "red"}), Some(&token)).await;
    assert_eq!(status, 400, "unknown fields are refused");
}

#[tokio::test]
async fn other_users_monitors_are_403_and_admins_see_them() {
    for app in spawn_all().await {
        let owner = app.user("quinn").await;
        let other = app.user("rita").await;
        let (_, body) = app
            .post("/api/v1/websites", json!({"url": "https://quinn.example.org"}), Some(&owner))
            .await;
        let id = body["data"]["id"].as_str().unwrap().to_owned();
        for path in [format!("/api/v1/monitors/{id}"), format!("/api/v1/websites/{id}")] {
            assert_eq!(app.get(&path, Some(&other)).await.0, 403, "{path}");
            assert_eq!(
                app.send(reqwest::Method::DELETE, &path, None, Some(&other)).await.0,
                403,
                "{path}"
            );
        }
        let (_, theirs) = app.get("/api/v1/websites", Some(&other)).await;
        assert_eq!(theirs["data"]["websites"], json!([]), "lists show only the caller's own");

        let admin = app.admin_token().await;
        assert_eq!(app.get(&format!("/api/v1/websites/{id}"), Some(&admin)).await.0, 200);
        let (_, all) = app.get("/api/v1/monitors?all=true", Some(&admin)).await;
        assert_eq!(all["data"]["monitors"].as_array().unwrap().len(), 1);
        let (_, own) = app.get("/api/v1/monitors", Some(&admin)).await;
        assert_eq!(own["data"]["monitors"].as_array().unwrap().len(), 0);
        assert_eq!(
            app.get(&format!("/api/v1/websites/{}", uuid::Uuid::new_v4()), Some(&owner)).await.0,
            404
        );
    }
}

#[tokio::test]
async fn websites_follow_the_runstate_contract() {
    for app in spawn_all().await {
        let token = app.user("sam").await;
        let (status, body) = app
            .post("/api/v1/websites", json!({"url": "https://Example.org/status"}), Some(&token))
            .await;
        assert_eq!(status, 201, "{body}");
        let item = &body["data"];
        for field in [
            "id",
            "url",
            "current_status",
            "time_added",
            "last_checked_at",
            "latest_response_time_ms",
        ] {
            assert!(item.get(field).is_some(), "{field} missing: {item}");
        }
        assert_eq!(item["url"], "https://example.org/status");
        assert_eq!(item["current_status"], "unknown");

        let (status, body) = app
            .post("/api/v1/websites", json!({"url": "https://example.org/status"}), Some(&token))
            .await;
        assert_eq!(status, 409, "{body}");
        for bad in [
            json!({"url": "not a url"}),
            json!({"url": "ftp://example.org"}),
            json!({"url": format!("https://example.org/{}", "a".repeat(2048))}),
            json!({"url": " https://example.org/padded"}),
            json!({"url": "https://user@example.org/"}),
        ] {
            let (status, body) = app.post("/api/v1/websites", bad.clone(), Some(&token)).await;
            assert_eq!(status, 400, "{bad}: {body}");
        }

        let (status, list) = app.get("/api/v1/websites", Some(&token)).await;
        assert_eq!(status, 200);
        assert_eq!(list["data"]["websites"].as_array().unwrap().len(), 1);
        let id = item["id"].as_str().unwrap();
        // The document's `int64`: one above its maximum does not parse.
        let checks = format!("/api/v1/websites/{id}/checks?limit=");
        assert_eq!(app.get(&format!("{checks}{}", i64::MAX), Some(&token)).await.0, 200);
        let (status, body) = app.get(&format!("{checks}9223372036854775808"), Some(&token)).await;
        assert_eq!(status, 400, "{body}");
        let (status, detail) = app.get(&format!("/api/v1/websites/{id}"), Some(&token)).await;
        assert_eq!(status, 200);
        assert!(detail["data"]["active_incident"].is_null());
        assert_eq!(detail["data"]["url"], "https://example.org/status");
        let (status, body) = app
            .send(reqwest::Method::DELETE, &format!("/api/v1/websites/{id}"), None, Some(&token))
            .await;
        assert_eq!((status, body["success"].clone()), (200, json!(true)));
        assert_eq!(app.get("/api/v1/websites", None).await.0, 401);
    }
}
