//! API tokens through the API on both backends: made from a sign-in and
//! shown once, used as `Bearer rs_…` within their scope, unable to manage
//! credentials, revoked at once; admins' tokens for others; the admin scope.

#![allow(clippy::unwrap_used)]

use crate::support;

use domain::testing::MonitorBuilder;
use reqwest::Method;
use serde_json::{json, Value};
use support::{spawn_all, TestApp};

async fn make(app: &TestApp, session: &str, body: Value) -> (u16, Value) {
    app.post("/api/v1/account/tokens", body, Some(session)).await
}

#[tokio::test]
async fn a_token_acts_within_its_scope_until_revoked_and_cannot_manage_credentials() {
    for app in spawn_all().await {
        let session = app.user("scripts").await;
        let (status, made) = make(&app, &session, json!({"name": "ci", "scope": "read"})).await;
        assert_eq!(status, 201, "{made}");
        let read = made["data"]["token"].as_str().unwrap().to_owned();
        assert!(read.starts_with("rs_") && read.len() > 40, "{read}");
        assert_eq!(made["data"]["prefix"], &read[..8]);

        // Listed without the secret.
        let (_, list) = app.get("/api/v1/account/tokens", Some(&session)).await;
        let listed = &list["data"]["tokens"];
        assert_eq!(listed.as_array().unwrap().len(), 1, "{list}");
        assert!(!list.to_string().contains(&read), "the secret is shown once: {list}");

        // Read: GET works, a change is refused.
        let (status, _) = app.get("/api/v1/monitors", Some(&read)).await;
        assert_eq!(status, 200);
        let monitor = MonitorBuilder::http("https://example.org/");
        let (path, body) = support::Resource::request(monitor.clone());
        let (status, refused) = app.post(&path, body.clone(), Some(&read)).await;
        assert_eq!(status, 403, "{refused}");

        // Write: the change goes through, as the token's owner.
        let (_, made) = make(&app, &session, json!({"name": "deploy", "scope": "write"})).await;
        let write = made["data"]["token"].as_str().unwrap().to_owned();
        let (status, created) = app.post(&path, body, Some(&write)).await;
        assert_eq!(status, 201, "{created}");
        let (_, mine) = app.get("/api/v1/monitors", Some(&session)).await;
        assert_eq!(mine["data"]["monitors"].as_array().map(Vec::len), Some(1), "{mine}");

        // No token manages credentials, whatever its scope.
        for (method, path, body) in [
            (Method::GET, "/api/v1/account/tokens".to_owned(), None),
            (
                Method::POST,
                "/api/v1/account/tokens".to_owned(),
                Some(json!({"name": "x", "scope": "write"})),
            ),
            (Method::GET, "/api/v1/account/sessions".to_owned(), None),
            (
                Method::POST,
                "/api/v1/account/password".to_owned(),
                Some(
                    json!({"current_password": support::PASSWORD, "new_password": "another-password"}),
                ),
            ),
        ] {
            let (status, answer) = app.send(method.clone(), &path, body, Some(&write)).await;
            assert_eq!(status, 403, "{method} {path}: {answer}");
        }

        // Revoked: refused at once; revoking again is fine.
        let id = made["data"]["id"].as_str().unwrap();
        let revoke = format!("/api/v1/account/tokens/{id}");
        let (status, _) = app.send(Method::DELETE, &revoke, None, Some(&session)).await;
        assert_eq!(status, 200);
        let (status, _) = app.get("/api/v1/monitors", Some(&write)).await;
        assert_eq!(status, 401);
        let (status, _) = app.send(Method::DELETE, &revoke, None, Some(&session)).await;
        assert_eq!(status, 200);
        let (status, _) = app.get("/api/v1/monitors", Some("rs_not-a-real-token")).await;
        assert_eq!(status, 401);

        // Another user cannot see or revoke it.
        let other = app.user("other").await;
        let (status, _) = app.send(Method::DELETE, &revoke, None, Some(&other)).await;
        assert_eq!(status, 404);
    }
}

#[tokio::test]
async fn tokens_are_checked_by_field_and_the_admin_scope_is_for_admins() {
    for app in spawn_all().await {
        let session = app.user("fields").await;
        let cases = [
            (json!({"name": " ", "scope": "read"}), "name"),
            (json!({"name": "x", "scope": "read", "expires_in_days": 0}), "expires_in_days"),
            (json!({"name": "x", "scope": "read", "expires_in_days": 4000}), "expires_in_days"),
        ];
        for (body, field) in cases {
            let (status, answer) = make(&app, &session, body.clone()).await;
            assert_eq!((status, answer["field"].as_str()), (400, Some(field)), "{body}: {answer}");
        }
        let (status, _) = make(&app, &session, json!({"name": "x", "scope": "admin"})).await;
        assert_eq!(status, 403, "the admin scope is for admins");
        let (status, _) = make(&app, &session, json!({"name": "x", "scope": "root"})).await;
        assert_eq!(status, 400, "an unknown scope is a bad request");

        // An admin's read or write token acts as a user; its admin token as the admin.
        let admin = app.admin_token().await;
        let (_, made) = make(&app, &admin, json!({"name": "ro", "scope": "read"})).await;
        let read = made["data"]["token"].as_str().unwrap().to_owned();
        let (status, _) = app.get("/api/v1/admin/users", Some(&read)).await;
        assert_eq!(status, 403);
        let (_, made) = make(&app, &admin, json!({"name": "ops", "scope": "admin"})).await;
        let root = made["data"]["token"].as_str().unwrap().to_owned();
        let (status, users) = app.get("/api/v1/admin/users", Some(&root)).await;
        assert_eq!(status, 200, "{users}");

        // An admin makes a token for a user; the user sees it, marked.
        let (_, me) = app.get("/api/v1/me", Some(&session)).await;
        let user_id = me["data"]["id"].as_str().unwrap();
        let path = format!("/api/v1/admin/users/{user_id}/tokens");
        let (status, made) =
            app.post(&path, json!({"name": "given", "scope": "write"}), Some(&admin)).await;
        assert_eq!(status, 201, "{made}");
        let (_, list) = app.get("/api/v1/account/tokens", Some(&session)).await;
        assert_eq!(list["data"]["tokens"][0]["created_by_admin"], true, "{list}");
        let (status, _) =
            app.post(&path, json!({"name": "x", "scope": "write"}), Some(&session)).await;
        assert_eq!(status, 403, "a user cannot make tokens for others");
        let (status, _) =
            app.post(&path, json!({"name": "x", "scope": "write"}), Some(&root)).await;
        assert_eq!(status, 403, "not with a token either");
    }
}
