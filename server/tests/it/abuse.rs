//! Abuse bounds through the API, on SQLite and on Postgres + Redis: sign-up
//! and sign-in limits keyed on the real client and shared by every process,
//! quotas, the Slack command endpoint's bounds, channel-test throttling and
//! what disabling a user stops.

#![allow(clippy::unwrap_used)]

use crate::support;

use domain::testing::{ChannelBuilder, MonitorBuilder};
use serde_json::{json, Value};
use support::{spawn_beside, spawn_each, spawn_sqlite, Spawn, TestApp, PASSWORD};

/// Signs in as `email` from `forwarded_for` (as a proxy reports the client).
async fn signin_from(app: &TestApp, email: &str, password: &str, forwarded_for: &str) -> u16 {
    app.client
        .post(app.url("/api/v1/signin"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn signup_is_throttled_per_client_and_a_taken_email_counts() {
    let app = spawn_sqlite(Spawn {
        args: vec!["--signups-per-hour".into(), "3".into()],
        ..Default::default()
    })
    .await;
    app.signup("ann@example.org", PASSWORD).await;
    for _ in 0..2 {
        let (status, _) = app
            .post("/api/v1/signup", json!({"email": "ann@example.org", "password": PASSWORD}), None)
            .await;
        assert_eq!(status, 409);
    }
    let response = app
        .client
        .post(app.url("/api/v1/signup"))
        .json(&json!({"email": "bob@example.org", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429, "the fourth attempt from one client");
    let retry: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry), "{retry}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["success"], false);
    assert_eq!(body["code"], "rate_limited");
}

#[tokio::test]
async fn an_attacker_behind_a_trusted_proxy_cannot_lock_the_owner_out() {
    for app in spawn_each(Spawn {
        args: vec!["--trusted-proxies".into(), "127.0.0.1/32".into()],
        ..Default::default()
    })
    .await
    {
        app.signup("liv@example.org", PASSWORD).await;
        for _ in 0..5 {
            assert_eq!(signin_from(&app, "liv@example.org", "wrong-one", "203.0.113.5").await, 401);
        }
        let status = signin_from(&app, "liv@example.org", PASSWORD, "203.0.113.5").await;
        assert_eq!(status, 429, "the attacker's client is locked for this account");
        // A forged entry left of what the proxy appended changes nothing.
        let status = signin_from(&app, "liv@example.org", PASSWORD, "1.2.3.4, 203.0.113.5").await;
        assert_eq!(status, 429);
        let status = signin_from(&app, "liv@example.org", PASSWORD, "198.51.100.7").await;
        assert_eq!(status, 200, "the owner's own client is not");
    }
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    let app = spawn_sqlite(Spawn::default()).await;
    app.signup("max@example.org", PASSWORD).await;
    for i in 0..5 {
        let forged = format!("203.0.113.{i}");
        assert_eq!(signin_from(&app, "max@example.org", "wrong-one", &forged).await, 401);
    }
    let status = signin_from(&app, "max@example.org", PASSWORD, "203.0.113.99").await;
    assert_eq!(status, 429, "a new X-Forwarded-For is not a new client");
}

#[tokio::test]
async fn two_serve_processes_on_one_database_share_the_sign_in_limits() {
    for first in spawn_each(Spawn::default()).await {
        let second = spawn_beside(&first, Spawn::default()).await;
        first.signup("kim@example.org", PASSWORD).await;
        for app in [&first, &second, &first, &second, &first] {
            assert_eq!(signin_from(app, "kim@example.org", "wrong-one", "ignored").await, 401);
        }
        for app in [&first, &second] {
            let status = signin_from(app, "kim@example.org", PASSWORD, "ignored").await;
            assert_eq!(status, 429, "{}: five failures across two processes", first.backend);
        }
    }
}

fn monitor_body(n: usize) -> Value {
    MonitorBuilder::http(&format!("https://example.org/{n}")).name(&format!("site {n}")).json()
}

#[tokio::test]
async fn quotas_are_refused_with_403_naming_the_quota_and_admins_are_exempt() {
    let args = ["--max-monitors-per-user", "1", "--max-channels-per-user", "1"]
        .into_iter()
        .chain(["--max-slack-integrations-per-user", "1"])
        .map(str::to_owned)
        .collect();
    for app in spawn_each(Spawn { args, ..Default::default() }).await {
        let user = app.user("quinn").await;
        let admin = app.admin_token().await;
        let channel =
            |n: usize| ChannelBuilder::webhook(&format!("https://example.org/hook/{n}")).json();
        let integration = |n: usize| json!({"name": format!("slack {n}"), "signing_secret": format!("secret-{n}-0123456789")});
        for (path, body, setting) in [
            ("/api/v1/monitors", monitor_body as fn(usize) -> Value, "--max-monitors-per-user"),
            ("/api/v1/channels", channel, "--max-channels-per-user"),
            ("/api/v1/integrations/slack", integration, "--max-slack-integrations-per-user"),
        ] {
            let (status, created) = app.post(path, body(1), Some(&user)).await;
            assert_eq!(status, 201, "{path}: {created}");
            let (status, refused) = app.post(path, body(2), Some(&user)).await;
            assert_eq!(status, 403, "{path}: {refused}");
            assert_eq!(refused["code"], "quota_exceeded");
            assert!(refused["error"].as_str().unwrap().contains(setting), "{refused}");
            for n in 1..=2 {
                let (status, created) = app.post(path, body(n + 10), Some(&admin)).await;
                assert_eq!(status, 201, "admins are exempt: {created}");
            }
        }
    }
}

#[tokio::test]
async fn a_non_admin_may_not_check_more_often_than_the_minimum_interval() {
    let app = spawn_sqlite(Spawn { default_min_interval: true, ..Default::default() }).await;
    let user = app.user("rita").await;
    let mut body = monitor_body(1);
    body["interval_seconds"] = json!(10);
    let (status, refused) = app.post("/api/v1/monitors", body.clone(), Some(&user)).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["field"], "interval_seconds");
    assert!(refused["error"].as_str().unwrap().contains("at least 30 seconds"), "{refused}");
    body["interval_seconds"] = json!(30);
    assert_eq!(app.post("/api/v1/monitors", body.clone(), Some(&user)).await.0, 201);
    // The RunState contract's websites keep working: their interval is a minute.
    let (status, site) =
        app.post("/api/v1/websites", json!({"url": "https://example.org/w"}), Some(&user)).await;
    assert_eq!(status, 201, "{site}");
    body["interval_seconds"] = json!(10);
    let admin = app.admin_token().await;
    assert_eq!(app.post("/api/v1/monitors", body, Some(&admin)).await.0, 201, "admins may");
}

#[tokio::test]
async fn channel_tests_are_throttled_per_channel_and_per_user_with_retry_after() {
    let args = ["--channel-tests-per-channel", "2", "--channel-tests-per-user", "3"]
        .map(str::to_owned)
        .to_vec();
    for app in spawn_each(Spawn { args, ..Default::default() }).await {
        let user = app.user("tess").await;
        let mut ids = Vec::new();
        for n in 0..2 {
            // Nothing listens there: the test answers "not delivered", still a 200.
            let hook = ChannelBuilder::webhook(&format!("http://127.0.0.2:9/hook/{n}"));
            ids.push(app.create(&user, hook).await["id"].as_str().unwrap().to_owned());
        }
        let test = |id: &str| format!("/api/v1/channels/{id}/test");
        let post = reqwest::Method::POST;
        for _ in 0..2 {
            assert_eq!(app.send(post.clone(), &test(&ids[0]), None, Some(&user)).await.0, 200);
        }
        // The one call that needs the headers.
        let refused =
            app.client.post(app.url(&test(&ids[0]))).bearer_auth(&user).send().await.unwrap();
        assert_eq!(refused.status(), 429, "the channel's limit");
        let retry: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=600).contains(&retry), "{retry}");
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["code"], "rate_limited");
        // The UI's server function is the same service: also refused.
        let (status, _) = app.rpc("test_channel", &[("id", &ids[0])], Some(&user)).await;
        assert_eq!(status, 429);
        // The other channel has room; the user has one test left, then the
        // user's limit refuses.
        assert_eq!(app.send(post.clone(), &test(&ids[1]), None, Some(&user)).await.0, 200);
        assert_eq!(app.send(post, &test(&ids[1]), None, Some(&user)).await.0, 429, "the user's");
    }
}

const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

/// Posts a slash command to Slack app `app_id`, signed with `secret` at `timestamp`.
async fn slack_command(app: &TestApp, timestamp: i64, text: &str, pad: usize) -> (u16, Value) {
    let body = format!(
        "team_id=T1&api_app_id=A0SLACKAPP&command=%2Frunner-history&text={text}&pad={}",
        "x".repeat(pad)
    );
    let timestamp = timestamp.to_string();
    let signature =
        domain::integrations::signature::sign(SLACK_SECRET.as_bytes(), &timestamp, body.as_bytes());
    let response = app
        .client
        .post(app.url("/api/v1/integrations/slack/commands"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", timestamp)
        .header("x-slack-signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn slack_commands_are_capped_and_a_replayed_signature_is_refused() {
    for app in spawn_each(Spawn::default()).await {
        let user = app.user("uma").await;
        let (status, created) = app
            .post(
                "/api/v1/integrations/slack",
                json!({"name": "Acme", "signing_secret": SLACK_SECRET}),
                Some(&user),
            )
            .await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["data"]["app_id"], Value::Null);
        let now = chrono::Utc::now().timestamp();
        assert_eq!(slack_command(&app, now, "runner-a", 0).await.0, 200);
        let (status, replay) = slack_command(&app, now, "runner-a", 0).await;
        assert_eq!(status, 401, "the same signed request again: {replay}");
        assert!(replay["error"].as_str().unwrap().contains("replay"), "{replay}");
        assert_eq!(slack_command(&app, now, "runner-b", 0).await.0, 200, "another request");

        let (status, large) = slack_command(&app, now, "runner-c", 9 * 1024).await;
        assert_eq!(status, 413, "{large}");
        assert_eq!(large["code"], "payload_too_large");

        // The first verified command taught the integration its Slack app.
        let (_, list) = app.get("/api/v1/integrations/slack", Some(&user)).await;
        assert_eq!(list["data"]["integrations"][0]["app_id"], "A0SLACKAPP");
    }
}

#[tokio::test]
async fn disabling_a_user_stops_their_slack_integration_until_re_enabled() {
    for app in spawn_each(Spawn::default()).await {
        let id = app.signup("vera@example.org", PASSWORD).await;
        let user = app.signin("vera@example.org", PASSWORD).await.0;
        let admin = app.admin_token().await;
        let body = json!({"name": "Acme", "signing_secret": SLACK_SECRET});
        assert_eq!(app.post("/api/v1/integrations/slack", body, Some(&user)).await.0, 201);
        let path = format!("/api/v1/admin/users/{id}");
        let disable = |disabled: bool| {
            app.send(
                reqwest::Method::PATCH,
                &path,
                Some(json!({"disabled": disabled})),
                Some(&admin),
            )
        };
        assert_eq!(disable(true).await.0, 200);
        let now = chrono::Utc::now().timestamp();
        assert_eq!(slack_command(&app, now, "one", 0).await.0, 401, "a disabled owner's");
        assert_eq!(disable(false).await.0, 200);
        assert_eq!(slack_command(&app, now, "two", 0).await.0, 200, "answers again");
    }
}
