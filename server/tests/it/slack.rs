//! Slack integrations and slash commands through the real app, on SQLite
//! and Postgres: integrations are owner-scoped with a write-only secret;
//! commands are verified with Slack's v0 signature before anything else
//! (a changed byte, a wrong secret, an old timestamp or missing headers are
//! 401) and answer from the stored runners and outages of the verifying
//! integration's monitors only.

#![allow(clippy::unwrap_used)]

use crate::support;

use chrono::Utc;
use domain::integrations::signature::sign;
use domain::pipeline::incidents::apply_status_change;
use domain::runners::{record_listing, ListedRunner, ListingOutcome, ListingResult, RunnerStatus};
use serde_json::{json, Value};
use support::{spawn_all, TestApp};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const COMMANDS: &str = "/api/v1/integrations/slack/commands";

/// A runner monitor whose runners the test records directly: runner-a with
/// outage 1 resolved and outage 2 ongoing, runner-b online throughout.
async fn seeded_monitor(app: &TestApp, token: &str) -> String {
    let (status, monitor) = app
        .post(
            "/api/v1/monitors",
            json!({"kind": "github_runners", "confirmations": 1,
                   "github_runners": {"owner": "acme", "repo": "api", "token": "ghp_x"}}),
            Some(token),
        )
        .await;
    assert_eq!(status, 201, "{monitor}");
    let id = monitor["data"]["id"].as_str().unwrap().to_owned();
    let runner = |name: &str, status| ListedRunner {
        github_id: 1,
        name: name.into(),
        status,
        busy: false,
        os: "Linux".into(),
        labels: vec!["self-hosted".into()],
    };
    use RunnerStatus::{Offline, Online};
    for (slot, a) in [(1, Online), (2, Offline), (3, Online), (4, Offline)] {
        let result = ListingResult {
            monitor_id: id.parse().unwrap(),
            slot,
            checked_at: Utc::now(),
            latency_ms: Some(5),
            http_status: Some(200),
            outcome: ListingOutcome::Listed {
                runners: vec![runner("runner-a", a), runner("runner-b", Online)],
                pages: vec![],
            },
            region: "test".into(),
        };
        for change in record_listing(&app.db.db, &result).await.unwrap().changes {
            apply_status_change(&app.db.db, change).await.unwrap();
        }
    }
    id
}

/// Posts a slash command signed with `secret` at `timestamp`; `tamper`
/// changes the body after signing.
async fn command(
    app: &TestApp,
    secret: Option<&str>,
    timestamp: i64,
    body: &str,
    tamper: bool,
) -> (u16, Value) {
    let mut req = app
        .client
        .post(app.url(COMMANDS))
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(secret) = secret {
        req = req.header("x-slack-request-timestamp", timestamp.to_string()).header(
            "x-slack-signature",
            sign(secret.as_bytes(), &timestamp.to_string(), body.as_bytes()),
        );
    }
    let sent = if tamper { body.replacen("runner-a", "runner-b", 1) } else { body.to_owned() };
    let response = req.body(sent).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

fn form(command: &str, text: &str) -> String {
    format!(
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command={}&text={}&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
        command.replace('/', "%2F"),
        text
    )
}

#[tokio::test]
async fn slash_commands_are_verified_and_answer_with_the_stored_runners() {
    for app in spawn_all().await {
        let token = app.user("ops").await;
        let monitor = seeded_monitor(&app, &token).await;
        let (status, created) = app
            .post(
                "/api/v1/integrations/slack",
                json!({"name": "Acme workspace", "signing_secret": SECRET, "monitor_ids": [monitor]}),
                Some(&token),
            )
            .await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["data"]["signing_secret"], "…85a5");
        assert!(!created.to_string().contains(SECRET), "the secret is write-only");
        let now = Utc::now().timestamp();

        let (status, history) =
            command(&app, Some(SECRET), now, &form("/runner-history", "runner-a"), false).await;
        assert_eq!(status, 200, "{}: {history}", app.backend);
        assert_eq!(history["response_type"], "ephemeral");
        let text = history["text"].as_str().unwrap();
        assert!(text.contains("Runner runner-a on acme/api is offline"), "{text}");
        assert!(text.contains("#2 started") && text.contains(": Ongoing"), "{text}");
        assert!(text.contains("#1 started"), "{text}");
        assert!(text.find("#2").unwrap() < text.find("#1").unwrap(), "newest first: {text}");
        assert_eq!(history["blocks"][0]["type"], "header");

        let (status, all) =
            command(&app, Some(SECRET), now, &form("/runner-status-all", ""), false).await;
        assert_eq!(status, 200);
        let text = all["text"].as_str().unwrap();
        assert!(text.contains("acme/api: 1 of 2 online"), "{text}");
        assert!(text.contains("runner-a: offline, last seen"), "{text}");
        assert!(text.contains("runner-b: online, last seen") && text.contains("first seen"));

        let (status, help) =
            command(&app, Some(SECRET), now, &form("/runstate", "what"), false).await;
        assert_eq!(status, 200);
        // Escaped: Slack reads the fallback text as mrkdwn and shows `<runner>`.
        assert!(help["text"].as_str().unwrap().contains("/runner-history &lt;runner&gt;"));
        let (_, unknown) =
            command(&app, Some(SECRET), now, &form("/runner-history", "nobody"), false).await;
        assert!(unknown["text"].as_str().unwrap().contains("No runner named `nobody`"));

        // Slack's clock may be a little off either way. (The exact five-minute
        // boundary is tested with a fixed clock in `signature.rs`; here the
        // server reads the wall clock, so stay far from the boundary.)
        let body = form("/runner-history", "runner-a");
        for skew in [-10, 10] {
            let (status, answer) = command(&app, Some(SECRET), now + skew, &body, false).await;
            assert_eq!(status, 200, "{} with {skew} s of skew: {answer}", app.backend);
        }
        // Refused before anything is parsed.
        let refused = [
            command(&app, Some(SECRET), now, &body, true).await,
            command(&app, Some("another-signing-secret"), now, &body, false).await,
            command(&app, Some(SECRET), now - 600, &body, false).await,
            command(&app, Some(SECRET), now + 600, &body, false).await,
            command(&app, None, now, &body, false).await,
        ];
        for (status, body) in refused {
            assert_eq!(status, 401, "{}: {body}", app.backend);
            assert_eq!(body["success"], false);
        }
        let only_timestamp = app
            .client
            .post(app.url(COMMANDS))
            .header("x-slack-request-timestamp", now.to_string())
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(only_timestamp.status(), 401);

        // Another user's integration answers only for its own monitors.
        let other = app.user("other").await;
        let (status, _) = app
            .post(
                "/api/v1/integrations/slack",
                json!({"name": "Other", "signing_secret": "other-secret-0123456789"}),
                Some(&other),
            )
            .await;
        assert_eq!(status, 201);
        let (status, answer) =
            command(&app, Some("other-secret-0123456789"), now, &body, false).await;
        assert_eq!(status, 200);
        assert!(answer["text"].as_str().unwrap().contains("No runner named"), "{answer}");
    }
}

#[tokio::test]
async fn integrations_are_owner_scoped_and_their_secret_stays_write_only() {
    for app in spawn_all().await {
        let owner = app.user("owner").await;
        let other = app.user("other").await;
        let monitor = seeded_monitor(&app, &owner).await;
        let foreign = seeded_monitor(&app, &other).await;
        let base = "/api/v1/integrations/slack";
        let (status, body) = app
            .post(
                base,
                json!({"name": "x", "signing_secret": SECRET, "monitor_ids": [foreign]}),
                Some(&owner),
            )
            .await;
        assert_eq!((status, body["field"].as_str()), (422, Some("monitor_ids")), "{body}");
        let (status, body) =
            app.post(base, json!({"name": "x", "signing_secret": "short"}), Some(&owner)).await;
        assert_eq!((status, body["field"].as_str()), (422, Some("signing_secret")));
        let (_, created) =
            app.post(base, json!({"name": "Acme", "signing_secret": SECRET}), Some(&owner)).await;
        let id = created["data"]["id"].as_str().unwrap().to_owned();
        let path = format!("{base}/{id}");

        let (status, list) = app.get(base, Some(&owner)).await;
        assert_eq!(status, 200);
        assert_eq!(list["data"]["integrations"].as_array().unwrap().len(), 1);
        let (_, list) = app.get(base, Some(&other)).await;
        assert_eq!(list["data"]["integrations"], json!([]));
        assert_eq!(app.get(&path, Some(&other)).await.0, 403);
        assert_eq!(app.get(&path, Some(&app.admin_token().await)).await.0, 200);

        let patch = json!({"monitor_ids": [monitor], "signing_secret": "…85a5", "name": "Acme CI"});
        let (status, patched) =
            app.send(reqwest::Method::PATCH, &path, Some(patch), Some(&owner)).await;
        assert_eq!(status, 200, "{patched}");
        assert_eq!(patched["data"]["monitor_ids"], json!([monitor]));
        assert_eq!(patched["data"]["name"], "Acme CI");
        let now = Utc::now().timestamp();
        let body = form("/runner-status-all", "");
        assert_eq!(command(&app, Some(SECRET), now, &body, false).await.0, 200, "secret kept");

        let (status, _) = app.send(reqwest::Method::DELETE, &path, None, Some(&other)).await;
        assert_eq!(status, 403);
        let (status, _) = app.send(reqwest::Method::DELETE, &path, None, Some(&owner)).await;
        assert_eq!(status, 200);
        assert_eq!(command(&app, Some(SECRET), now, &body, false).await.0, 401, "deleted");
    }
}
