//! `/api/v1/channels` on SQLite and on Postgres + Redis: CRUD, secrets that
//! are encrypted at rest and never returned in full, ownership, validation
//! that names the field, and test messages to local receivers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use domain::entities::channels;
use domain::testing::ChannelBuilder;
use sea_orm::EntityTrait;
use serde_json::{json, Value};
use support::{spawn_all, spawn_sqlite, Spawn};

const SLACK_URL: &str = "https://hooks.slack.com/services/T0001/B0002/s3cr3tT0k3nXXXX";

fn slack() -> ChannelBuilder {
    ChannelBuilder::slack(SLACK_URL).name("Ops Slack")
}

/// A local HTTP receiver answering `status` and recording each request.
async fn receiver(status: u16) -> (String, Arc<Mutex<Vec<(HeaderMap, Bytes)>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let store = seen.clone();
    let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
        let store = store.clone();
        async move {
            store.lock().unwrap().push((headers, body));
            (StatusCode::from_u16(status).unwrap(), "receiver says hi")
        }
    });
    let listener = tokio::net::TcpListener::bind((jobs::testing::STAND_IN_HOST, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hooks/private-token-123"), seen)
}

#[tokio::test]
async fn channels_can_be_created_listed_read_changed_and_deleted() {
    for app in spawn_all().await {
        let token = app.user("owner").await;
        let created = app.create(&token, slack()).await;
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(created["kind"], "slack");
        assert_eq!(created["name"], "Ops Slack");
        assert_eq!(created["slack"]["webhook_url"], "https://hooks.slack.com/…XXXX");
        assert!(created.get("webhook").is_none() && created.get("email").is_none());

        let (status, list) = app.get("/api/v1/channels", Some(&token)).await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(list["data"]["channels"].as_array().unwrap().len(), 1);
        assert_eq!(list["data"]["channels"][0]["id"], id.as_str());
        assert_eq!(list["data"]["next_cursor"], Value::Null);

        let path = format!("/api/v1/channels/{id}");
        let (status, got) = app.get(&path, Some(&token)).await;
        assert_eq!((status, &got["data"]["name"]), (200, &json!("Ops Slack")));

        let patch = json!({"name": "Renamed", "kind": "slack",
            "slack": {"webhook_url": "https://hooks.slack.com/services/T9/B9/newtokenYYYY"}});
        let (status, patched) =
            app.send(reqwest::Method::PATCH, &path, Some(patch), Some(&token)).await;
        assert_eq!(status, 200, "{patched}");
        assert_eq!(patched["data"]["name"], "Renamed");
        assert_eq!(patched["data"]["slack"]["webhook_url"], "https://hooks.slack.com/…YYYY");

        let (status, _) = app.send(reqwest::Method::DELETE, &path, None, Some(&token)).await;
        assert_eq!(status, 200);
        let (status, gone) = app.get(&path, Some(&token)).await;
        assert_eq!((status, &gone["code"]), (404, &json!("not_found")));
    }
}

#[tokio::test]
async fn a_generated_webhook_secret_is_returned_once_and_never_again() {
    for app in spawn_all().await {
        let token = app.user("hooks").await;
        let (url, _) = receiver(200).await;
        let (status, body) = app
            .post(
                "/api/v1/channels",
                json!({"name": "Pager", "kind": "webhook", "webhook": {"url": url}}),
                Some(&token),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        let secret = body["data"]["webhook"]["secret"].as_str().unwrap().to_owned();
        let key = base64::engine::general_purpose::STANDARD
            .decode(secret.strip_prefix("whsec_").expect("whsec_ prefix"))
            .unwrap();
        assert!((24..=64).contains(&key.len()));
        assert!(body["message"].as_str().unwrap().contains("not shown again"));
        let id = body["data"]["id"].as_str().unwrap();

        let (_, got) = app.get(&format!("/api/v1/channels/{id}"), Some(&token)).await;
        assert_eq!(
            got["data"]["webhook"]["secret"],
            format!("whsec_…{}", &secret[secret.len() - 4..])
        );
        let (_, list) = app.get("/api/v1/channels", Some(&token)).await;
        for shown in [got.to_string(), list.to_string()] {
            assert!(!shown.contains(&secret), "the secret leaked: {shown}");
            assert!(!shown.contains(&secret["whsec_".len()..]), "the secret leaked: {shown}");
            assert!(!shown.contains("private-token-123"), "the URL leaked: {shown}");
        }
    }
}

#[tokio::test]
async fn a_secret_given_on_create_is_only_ever_shown_masked() {
    let app = spawn_sqlite(Spawn::default()).await;
    let token = app.user("given").await;
    let secret = format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode([9u8; 32]));
    let created = app
        .create(&token, ChannelBuilder::webhook("https://example.org/hook").secret(&secret))
        .await;
    assert_ne!(created["webhook"]["secret"], secret.as_str());
    assert!(created["webhook"]["secret"].as_str().unwrap().starts_with("whsec_…"));
}

#[tokio::test]
async fn secrets_are_encrypted_in_the_database() {
    for app in spawn_all().await {
        let token = app.user("crypto").await;
        app.create(&token, slack()).await;
        let rows = channels::Entity::find().all(&app.db.db).await.unwrap();
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert!(row.secret.starts_with("v1:"), "{}", row.secret);
        for column in [&row.secret, &row.display] {
            assert!(!column.contains("s3cr3tT0k3n"), "{}: raw URL in {column}", app.backend);
            assert!(!column.contains("/services/"), "{}: raw URL in {column}", app.backend);
        }
        assert!(row.display.contains("hooks.slack.com/…XXXX"));
    }
}

#[tokio::test]
async fn another_users_channel_is_403_an_admin_may_see_it_and_unknown_is_404() {
    for app in spawn_all().await {
        let alice = app.user("alice").await;
        let bob = app.user("bob").await;
        let id = app.create(&alice, slack()).await["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/channels/{id}");
        use reqwest::Method;
        for (method, path, body) in [
            (Method::GET, path.clone(), None),
            (Method::PATCH, path.clone(), Some(json!({"name": "mine now"}))),
            (Method::DELETE, path.clone(), None),
            (Method::POST, format!("{path}/test"), None),
        ] {
            let (status, body) = app.send(method.clone(), &path, body, Some(&bob)).await;
            assert_eq!(status, 403, "{method} {path}: {body}");
            assert_eq!(body["code"], "forbidden");
        }
        let (_, bobs) = app.get("/api/v1/channels", Some(&bob)).await;
        assert_eq!(bobs["data"]["channels"], json!([]));
        let (status, _) = app.get("/api/v1/channels?all=true", Some(&bob)).await;
        assert_eq!(status, 403);

        let admin = app.admin_token().await;
        let (status, _) = app.get(&path, Some(&admin)).await;
        assert_eq!(status, 200);
        let (_, all) = app.get("/api/v1/channels?all=true", Some(&admin)).await;
        assert_eq!(all["data"]["channels"].as_array().unwrap().len(), 1);

        let unknown = format!("/api/v1/channels/{}", uuid::Uuid::new_v4());
        assert_eq!(app.get(&unknown, Some(&alice)).await.0, 404);
        assert_eq!(app.get("/api/v1/channels", None).await.0, 401);
    }
}

#[tokio::test]
async fn refused_values_are_422_naming_the_field_and_bad_shapes_are_400() {
    let app = spawn_sqlite(Spawn::default()).await;
    let token = app.user("picky").await;
    let cases = [
        (
            json!({"name": "x", "kind": "slack", "slack": {"webhook_url": "ftp://hooks.slack.com/x"}}),
            "slack.webhook_url",
        ),
        (
            json!({"name": "x", "kind": "email", "email": {"to": ["a@example.org", "nope"]}}),
            "email.to[1]",
        ),
        (json!({"name": "x", "kind": "email", "email": {"to": []}}), "email.to"),
        (json!({"name": "  ", "kind": "slack", "slack": {"webhook_url": SLACK_URL}}), "name"),
        (
            json!({"name": "x", "kind": "webhook",
                "webhook": {"url": "https://example.org", "secret": "whsec_c2hvcnQ="}}),
            "webhook.secret",
        ),
        (
            json!({"name": "x", "kind": "webhook", "webhook": {"url": "ftp://example.org"}}),
            "webhook.url",
        ),
        (json!({"name": "x", "kind": "slack"}), "slack"),
    ];
    for (body, field) in cases {
        let (status, answer) = app.post("/api/v1/channels", body.clone(), Some(&token)).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert_eq!(answer["field"], field, "{answer}");
        assert_eq!(answer["code"], "validation_failed");
        assert!(answer["error"].as_str().unwrap().starts_with(field), "{answer}");
    }
    for body in [json!({"kind": "slack"}), json!({"name": "x", "kind": "pager"})] {
        let (status, answer) = app.post("/api/v1/channels", body, Some(&token)).await;
        assert_eq!(status, 400, "{answer}");
    }
    let id = app.create(&token, slack()).await["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/channels/{id}");
    let change_kind = json!({"kind": "email", "email": {"to": ["a@example.org"]}});
    let (status, answer) =
        app.send(reqwest::Method::PATCH, &path, Some(change_kind), Some(&token)).await;
    assert_eq!((status, &answer["field"]), (422, &json!("kind")), "{answer}");
}

#[tokio::test]
async fn a_test_message_reaches_a_local_receiver_signed() {
    for app in spawn_all().await {
        let token = app.user("tester").await;
        let (url, seen) = receiver(200).await;
        let created = app.create(&token, ChannelBuilder::webhook(&url)).await;
        let secret = created["webhook"]["secret"].as_str().unwrap().to_owned();
        let id = created["id"].as_str().unwrap();
        let (status, outcome) =
            app.post(&format!("/api/v1/channels/{id}/test"), json!({}), Some(&token)).await;
        assert_eq!(status, 200, "{outcome}");
        assert_eq!(outcome["data"]["delivered"], true, "{outcome}");
        assert_eq!(outcome["data"]["status_code"], 200);
        assert_eq!(outcome["data"]["error"], Value::Null);
        assert!(outcome["data"]["duration_ms"].is_u64());

        let (headers, body) = seen.lock().unwrap()[0].clone();
        let header = |name: &str| headers.get(name).unwrap().to_str().unwrap().to_owned();
        let key = base64::engine::general_purpose::STANDARD
            .decode(secret.strip_prefix("whsec_").unwrap())
            .unwrap();
        let signed = [
            header("webhook-id").as_bytes(),
            b".",
            header("webhook-timestamp").as_bytes(),
            b".",
            &body,
        ]
        .concat();
        let expected = format!(
            "v1,{}",
            base64::engine::general_purpose::STANDARD.encode(hmac_sha256(&key, &signed))
        );
        assert_eq!(header("webhook-signature"), expected);
        let payload: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(payload["type"], "test");
    }
}

#[tokio::test]
async fn a_test_message_to_a_failing_receiver_is_200_with_delivered_false() {
    let app = spawn_sqlite(Spawn::default()).await;
    let token = app.user("unlucky").await;
    let (url, _) = receiver(500).await;
    let id =
        app.create(&token, ChannelBuilder::webhook(&url)).await["id"].as_str().unwrap().to_owned();
    let (status, outcome) =
        app.post(&format!("/api/v1/channels/{id}/test"), json!({}), Some(&token)).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["data"]["delivered"], false);
    assert_eq!(outcome["data"]["status_code"], 500);
    let error = outcome["data"]["error"].as_str().unwrap();
    assert!(error.contains("500") && error.contains("receiver says hi"), "{error}");

    let email = app.create(&token, ChannelBuilder::email(&["ops@example.org"])).await;
    let path = format!("/api/v1/channels/{}/test", email["id"].as_str().unwrap());
    let (status, outcome) = app.post(&path, json!({}), Some(&token)).await;
    assert_eq!(status, 200);
    assert_eq!(outcome["data"]["delivered"], false);
    assert!(outcome["data"]["error"].as_str().unwrap().contains("RUNSTATE_SMTP_URL"));
}

#[tokio::test]
async fn the_openapi_document_describes_the_channel_routes() {
    let app = spawn_sqlite(Spawn::default()).await;
    let doc: Value =
        app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    for path in ["/channels", "/channels/{id}", "/channels/{id}/test"] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    assert!(doc["paths"]["/channels/{id}"].get("patch").is_some());
    let id = &doc["paths"]["/channels/{id}/test"]["post"]["parameters"][0];
    assert_eq!((&id["name"], &id["in"]), (&json!("id"), &json!("path")), "{id}");
    let params = &doc["paths"]["/channels"]["get"]["parameters"];
    assert_eq!(params[0]["name"], "all", "{params}");
    assert_eq!(params[0]["in"], "query", "{params}");
    assert_eq!(params[0]["required"], false, "{params}");
    let kinds = &doc["components"]["schemas"]["ChannelKind"]["enum"];
    assert_eq!(kinds, &json!(["slack", "webhook", "email"]));
}

/// HMAC-SHA256, written out so the test does not trust the sender's code.
fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|k| k ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(message).finalize();
    Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize().to_vec()
}
