//! GitHub runner monitors end to end, in the real app with its scheduler
//! and workers, against a local GitHub API stand-in: more than 100 runners
//! over two pages, ETags and 304s, runners changing state (outages open,
//! number and resolve; offline → missing opens nothing new), Slack alerts in
//! Block Kit, rate limits backing off and a rejected token.

#![allow(clippy::unwrap_used)]

use crate::support;

use domain::testing::{ChannelBuilder, MonitorBuilder};
use jobs::testing::Recorder;
use sea_orm::EntityTrait;
use serde_json::{json, Value};
use support::github::{runner_name, GithubStandIn};
use support::{eventually, spawn_each, spawn_sqlite, Spawn, TestApp};

const TOKEN: &str = "ghp_standInToken0123456789abcdefWXYZ";

async fn runner_monitor(
    app: &TestApp,
    token: &str,
    github: &GithubStandIn,
    channels: Value,
) -> String {
    let runners = MonitorBuilder::github_runners("acme", Some("api"), &github.url)
        .name("CI runners")
        .interval(1)
        .confirmations(1)
        .recoveries(1)
        .set("channel_ids", channels)
        .set("github_runners.token", json!(TOKEN));
    let monitor = app.create(token, runners).await;
    assert_eq!(monitor["github_runners"]["token"], "…WXYZ", "{monitor}");
    assert!(!monitor.to_string().contains(TOKEN), "the token is never returned");
    monitor["id"].as_str().unwrap().to_owned()
}

fn outage_numbers(data: &Value) -> Vec<(i64, String)> {
    data["outages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["number"].as_i64().unwrap(), o["status"].as_str().unwrap().to_owned()))
        .collect()
}

/// The monitor's page, rendered on the server, has the runners table with
/// runner-001's two resolved outages, newest first; the monitor's server
/// function (what the page polls) carries the same runners.
async fn page_shows_runners_and_outages(app: &TestApp, token: &str, id: &str) {
    let (status, html) = app.page(&format!("/monitors/{id}"), token).await;
    assert_eq!(status, 200, "{}", app.backend);
    assert_eq!(html.matches(r#"data-testid="runner-row""#).count(), 150, "{}", app.backend);
    assert!(html.contains("Runners · all 150 online"), "{}", app.backend);
    let row = html.split(r#"data-runner="runner-001""#).nth(1).unwrap();
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains(r#"data-status="online""#), "{row}");
    assert!(row.contains("self-hosted") && row.contains("Idle"), "labels and busy: {row}");
    let second = row.find(r#"data-number="2" data-state="resolved""#).expect("outage #2");
    let first = row.find(r#"data-number="1" data-state="resolved""#).expect("outage #1");
    assert!(second < first, "newest outage first: {row}");
    let other = html.split(r#"data-runner="runner-002""#).nth(1).unwrap();
    assert!(other[..other.find("</tr>").unwrap()].contains("None"), "no outages for runner-002");

    let (status, detail) = app.rpc("monitor", &[("id", id)], Some(token)).await;
    assert_eq!(status, 200, "{detail}");
    let runner = &detail["runners"]["runners"][0];
    assert_eq!(runner["name"], "runner-001");
    let numbers: Vec<_> =
        runner["outages"].as_array().unwrap().iter().map(|o| &o["number"]).collect();
    assert_eq!(numbers, [&json!(2), &json!(1)]);
    assert_eq!(runner["outages"][0]["ongoing"], false);
    let stranger = app.user(&format!("stranger-{}", &id[..8])).await;
    let (status, _) = app.rpc("monitor", &[("id", id)], Some(&stranger)).await;
    assert_eq!(status, 403, "another user's runners are refused");
}

fn fields(message: &Value) -> Vec<String> {
    message["blocks"][1]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["text"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runner_outages_open_number_and_resolve_and_alert_slack() {
    for app in spawn_each(Spawn { pipeline: true, ..Default::default() }).await {
        let github = GithubStandIn::start(TOKEN, 150).await;
        let slack = Recorder::start("/services/T000/B000/XXXX").await;
        let token = app.user("ops").await;
        let alerts = ChannelBuilder::slack(&slack.url).name("ci-alerts");
        let channel = app.create(&token, alerts).await;
        let id = runner_monitor(&app, &token, &github, json!([channel["id"]])).await;
        let monitor_path = format!("/api/v1/monitors/{id}");
        let runners_path = format!("{monitor_path}/runners");

        // All 150 runners, over two pages.
        let runners = app
            .wait_for(&token, &runners_path, |d| d["runners"].as_array().unwrap().len() == 150)
            .await;
        let first = &runners["runners"][0];
        assert_eq!(first["name"], "runner-001");
        assert_eq!(first["status"], "online");
        assert_eq!(first["labels"], json!(["self-hosted", "Linux", "X64"]));
        assert!(first["github_id"].is_i64() && first["first_seen_at"].is_string());
        app.wait_for(&token, &monitor_path, |m| m["status"] == "up").await;
        let seen = github.requests();
        assert!(seen.iter().any(|r| r.path_and_query.ends_with("per_page=100&page=2")));
        let request = &seen[0];
        assert_eq!(request.path_and_query, "/repos/acme/api/actions/runners?per_page=100");
        assert_eq!(request.header("accept"), "application/vnd.github+json");
        assert_eq!(request.header("x-github-api-version"), "2022-11-28");
        assert_eq!(request.header("authorization"), format!("Bearer {TOKEN}"));
        assert!(request.header("user-agent").starts_with("RunState/"));

        // Nothing changed: conditional requests, answered 304 on both pages.
        let stand_in = &github;
        eventually(&format!("two 304s on {}", app.backend), move || async move {
            (stand_in.requests().iter().filter(|r| r.status == 304).count() >= 2).then_some(())
        })
        .await;
        let (_, runners) = app.get(&runners_path, Some(&token)).await;
        assert_eq!(runners["data"]["runners"].as_array().unwrap().len(), 150);

        // Runner A offline: outage 1.
        let a = runner_name(1);
        let outages_path = format!("{runners_path}/{a}/outages");
        github.set_online(&a, false);
        let data = app.wait_for(&token, &outages_path, |d| !outage_numbers(d).is_empty()).await;
        assert_eq!(outage_numbers(&data), [(1, "ongoing".to_owned())]);
        assert_eq!(data["outages"][0]["description"], "Runner runner-001 is offline");
        let down = app.wait_for(&token, &monitor_path, |m| m["status"] == "down").await;
        assert!(down["last_error"].as_str().unwrap().contains("runner-001 (offline)"));

        // Missing from the listing: unknown, still the same outage.
        github.remove(&a);
        app.wait_for(&token, &runners_path, |d| d["runners"][0]["status"] == "unknown").await;
        // Online again: resolved, the monitor is up.
        github.set_online(&a, true);
        let data =
            app.wait_for(&token, &outages_path, |d| d["outages"][0]["status"] == "resolved").await;
        assert_eq!(outage_numbers(&data), [(1, "resolved".to_owned())], "no second outage");
        assert!(data["outages"][0]["duration_seconds"].is_i64());
        app.wait_for(&token, &monitor_path, |m| m["status"] == "up").await;

        // Offline again: outage 2, then resolved; newest first.
        github.set_online(&a, false);
        app.wait_for(&token, &outages_path, |d| outage_numbers(d).len() == 2).await;
        github.set_online(&a, true);
        let data = app
            .wait_for(&token, &outages_path, |d| {
                outage_numbers(d) == [(2, "resolved".to_owned()), (1, "resolved".to_owned())]
            })
            .await;
        assert!(data["outages"][0]["resolved_at"].is_string());
        page_shows_runners_and_outages(&app, &token, &id).await;

        // Slack got four Block Kit alerts: down 1, up 1, down 2, up 2.
        let receiver = &slack;
        eventually(&format!("four Slack alerts on {}", app.backend), move || async move {
            (receiver.seen().len() >= 4).then_some(())
        })
        .await;
        let alerts: Vec<Value> = slack.seen().iter().map(|s| s.json()).collect();
        assert_eq!(alerts.len(), 4, "one alert each way per outage");
        assert_eq!(alerts[0]["blocks"][0]["type"], "header");
        assert_eq!(alerts[0]["blocks"][0]["text"]["text"], "🔴 Runner runner-001 is offline");
        let down = fields(&alerts[0]);
        assert_eq!(
            down[..4],
            [
                "*Repository*\nacme/api",
                "*Runner*\nrunner-001",
                "*Status*\noffline",
                "*Outage number*\n1"
            ]
        );
        assert!(down[4].starts_with("*Detected*\n<!date^"), "{down:?}");
        assert_eq!(alerts[1]["blocks"][0]["text"]["text"], "✅ Runner runner-001 is online again");
        let up = fields(&alerts[1]);
        assert!(up.iter().any(|f| f.starts_with("*Resolved*")), "{up:?}");
        assert!(up.iter().any(|f| f.starts_with("*Duration*")), "{up:?}");
        assert_eq!(fields(&alerts[2])[3], "*Outage number*\n2");
        let link = alerts[0]["blocks"][2]["elements"][0]["url"].as_str().unwrap();
        assert!(link.ends_with(&format!("/monitors/{id}")), "{link}");

        // The token is stored sealed, never in config.
        let id: uuid::Uuid = id.parse().unwrap();
        let row = domain::entities::monitors::Entity::find_by_id(id)
            .one(&app.db.db)
            .await
            .unwrap()
            .unwrap();
        assert!(!row.config.contains(TOKEN));
        let sealed = row.secret.unwrap();
        assert!(sealed.starts_with("v1:") && !sealed.contains(TOKEN));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_backs_off_until_the_reset_and_a_rejected_token_is_a_monitor_error() {
    let app = spawn_sqlite(Spawn { pipeline: true, ..Default::default() }).await;
    let github = GithubStandIn::start(TOKEN, 3).await;
    let token = app.user("ops").await;
    let id = runner_monitor(&app, &token, &github, json!([])).await;
    let monitor_path = format!("/api/v1/monitors/{id}");
    app.wait_for(&token, &monitor_path, |m| m["status"] == "up").await;

    // Far enough ahead that the quiet window below is long however slow the
    // machine is; the window is judged by the requests' own times, never by
    // how long the test slept.
    let reset = chrono::Utc::now().timestamp() + 20;
    github.rate_limit_until(reset);
    let limited = app
        .wait_for(&token, &monitor_path, |m| {
            m["last_error"].as_str().is_some_and(|e| e.starts_with("rate limited until"))
        })
        .await;
    assert_eq!(limited["status"], "up", "a rate limit is not an outage: {limited}");
    // Checks that read the monitor's state before the limit was recorded may
    // still arrive for a moment; after that nothing until the reset.
    let quiet_from = chrono::Utc::now() + chrono::Duration::seconds(3);
    github.normal();
    app.wait_for(&token, &monitor_path, |m| m["last_error"].is_null() && m["status"] == "up").await;
    let early: Vec<_> = github
        .requests()
        .into_iter()
        .filter(|r| r.at >= quiet_from && r.at.timestamp() < reset - 1)
        .map(|r| r.at)
        .collect();
    assert!(early.is_empty(), "requests before GitHub's reset at {reset}: {early:?}");
    let after: Vec<_> = github.requests().into_iter().filter(|r| r.status != 403).collect();
    let resumed = after.iter().rev().find(|r| r.at.timestamp() >= reset - 1);
    assert!(resumed.is_some(), "checks resumed after the reset");

    github.reject_tokens();
    let down = app.wait_for(&token, &monitor_path, |m| m["status"] == "down").await;
    assert_eq!(down["last_error"], "GitHub rejected the token: Bad credentials");
    let runners = app.wait_for(&token, &format!("{monitor_path}/runners"), |_| true).await;
    for runner in runners["runners"].as_array().unwrap() {
        assert_eq!(runner["status"], "online", "a rejected token is not a runner outage");
        let name = runner["name"].as_str().unwrap();
        let (_, outages) =
            app.get(&format!("{monitor_path}/runners/{name}/outages"), Some(&token)).await;
        assert_eq!(outages["data"]["outages"], json!([]));
    }
    let incidents = app
        .wait_for(&token, &format!("{monitor_path}/incidents"), |d| {
            d["incidents"].as_array().is_some_and(|i| !i.is_empty())
        })
        .await;
    assert_eq!(incidents["incidents"][0]["subject"], "");
    assert!(incidents["incidents"][0]["cause"].as_str().unwrap().contains("rejected the token"));
}

#[tokio::test]
async fn runners_are_for_the_owner_or_an_admin_and_unknown_runners_are_404() {
    let app = spawn_sqlite(Spawn::default()).await;
    let github = GithubStandIn::start(TOKEN, 1).await;
    let owner = app.user("owner").await;
    let other = app.user("other").await;
    let id = runner_monitor(&app, &owner, &github, json!([])).await;
    let path = format!("/api/v1/monitors/{id}/runners");
    let (status, body) = app.get(&path, Some(&owner)).await;
    assert_eq!((status, body["data"]["runners"].clone()), (200, json!([])));
    assert_eq!(app.get(&path, Some(&other)).await.0, 403);
    assert_eq!(app.get(&path, Some(&app.admin_token().await)).await.0, 200);
    let (status, body) = app.get(&format!("{path}/nobody/outages"), Some(&owner)).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(app.get(&path, None).await.0, 401);
    let forget = |token: String| {
        let request = app.client.delete(app.url(&format!("{path}/nobody"))).bearer_auth(token);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(forget(owner.clone()).await, 404);
    assert_eq!(forget(other.clone()).await, 403);

    // A patch without the token keeps it; a new API URL needs it again.
    let patched = app
        .client
        .patch(app.url(&format!("/api/v1/monitors/{id}")))
        .bearer_auth(&owner)
        .json(&json!({"github_runners": {"repo": "web", "token": "…WXYZ"}}))
        .send()
        .await
        .unwrap();
    let patched: Value = patched.json().await.unwrap();
    assert_eq!(patched["data"]["github_runners"]["repo"], "web", "{patched}");
    assert_eq!(patched["data"]["github_runners"]["token"], "…WXYZ");
    let moved = app
        .client
        .patch(app.url(&format!("/api/v1/monitors/{id}")))
        .bearer_auth(&owner)
        .json(&json!({"github_runners": {"api_url": "https://ghe.example.org/api/v3"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 422);
    let body: Value = moved.json().await.unwrap();
    assert_eq!(body["field"], "github_runners.token");
}

#[tokio::test]
async fn the_monitor_form_creates_and_edits_a_runner_monitor_without_showing_its_token() {
    let app = spawn_sqlite(Spawn::default()).await;
    let ann = app.user("ann").await;
    let base = [
        ("form[kind]", "github_runners"),
        ("form[name]", "CI"),
        ("form[github_owner]", "acme"),
        ("form[github_repo]", "api"),
        ("form[github_api_url]", "https://ghe.example.org/api/v3"),
    ];
    let (status, body) = app.rpc("save_monitor", &base, Some(&ann)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "github_token", "the token is required: {body}");
    let mut bad_owner = base.to_vec();
    bad_owner[2] = ("form[github_owner]", "-acme");
    bad_owner.push(("form[github_token]", TOKEN));
    let (status, body) = app.rpc("save_monitor", &bad_owner, Some(&ann)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "github_owner", "{body}");

    let mut form = base.to_vec();
    form.push(("form[github_token]", TOKEN));
    let (status, id) = app.rpc("save_monitor", &form, Some(&ann)).await;
    assert_eq!(status, 200, "{id}");
    let id = id.as_str().unwrap().to_owned();
    let (_, monitor) = app.get(&format!("/api/v1/monitors/{id}"), Some(&ann)).await;
    assert_eq!(monitor["data"]["interval_seconds"], 300, "the kind's default interval");
    assert_eq!(monitor["data"]["github_runners"]["repo"], "api");

    // The edit form shows the hint, never the token; saving without one keeps it.
    let (status, data) = app.rpc("monitor_form", &[("id", &id)], Some(&ann)).await;
    assert_eq!(status, 200, "{data}");
    assert_eq!(data["form"]["github_token"], "");
    assert_eq!(data["form"]["github_token_hint"], "…WXYZ");
    assert!(!data.to_string().contains(TOKEN));
    let (_, html) = app.page(&format!("/monitors/{id}/edit"), &ann).await;
    assert!(
        !html.contains(TOKEN) && html.contains("Stored: …WXYZ"),
        "the edit page hides the token"
    );
    let edit = [
        ("form[id]", id.as_str()),
        ("form[name]", "CI (org)"),
        ("form[github_owner]", "acme"),
        ("form[github_repo]", ""),
        ("form[github_api_url]", "https://ghe.example.org/api/v3"),
        ("form[interval_seconds]", "600"),
    ];
    let (status, body) = app.rpc("save_monitor", &edit, Some(&ann)).await;
    assert_eq!(status, 200, "{body}");
    let (_, monitor) = app.get(&format!("/api/v1/monitors/{id}"), Some(&ann)).await;
    let runners = &monitor["data"]["github_runners"];
    assert_eq!(runners["repo"], Value::Null, "an empty repository means the organisation");
    assert_eq!(runners["token"], "…WXYZ", "the token is kept");
    assert_eq!(monitor["data"]["interval_seconds"], 600);
}

/// Runner listings go through the process's batching writer, like HTTP and
/// TCP results: with the writer recording into a database of its own, the
/// listing (check row and runners) lands there and nothing in the app's.
/// A worker that recorded on its own connection would fail both asserts.
#[tokio::test]
async fn runner_listings_are_recorded_by_the_batching_writer() {
    use domain::entities::{checks, github_runners, monitor_state, monitors, users};
    use sea_orm::{ActiveModelTrait, ColumnTrait, PaginatorTrait, QueryFilter};

    let app = spawn_sqlite(Spawn::default()).await;
    let github = GithubStandIn::start(TOKEN, 2).await;
    let owner = app.user("owner").await;
    let id: uuid::Uuid = runner_monitor(&app, &owner, &github, json!([])).await.parse().unwrap();
    // The writer's database holds the same monitor, owner and state.
    let writer_db = domain::testing::sqlite().await;
    let monitor = monitors::Entity::find_by_id(id).one(&app.db.db).await.unwrap().unwrap();
    let user = users::Entity::find_by_id(monitor.owner_id).one(&app.db.db).await.unwrap().unwrap();
    let state = monitor_state::Entity::find_by_id(id).one(&app.db.db).await.unwrap().unwrap();
    users::ActiveModel::from(user).insert(&writer_db.db).await.unwrap();
    monitors::ActiveModel::from(monitor).insert(&writer_db.db).await.unwrap();
    monitor_state::ActiveModel::from(state).insert(&writer_db.db).await.unwrap();

    let mut context = app.context.clone();
    context.results = jobs::workers::results::ResultWriter::new(writer_db.db.clone());
    let job = jobs::payloads::CheckJob { monitor_id: id, slot: 1_000 };
    jobs::workers::check::handle(context, job).await.unwrap();

    let check = domain::pipeline::results::check_id(id, 1_000);
    let runners = github_runners::Entity::find().filter(github_runners::Column::MonitorId.eq(id));
    assert!(checks::Entity::find_by_id(check).one(&writer_db.db).await.unwrap().is_some());
    let recorded = runners.clone().count(&writer_db.db).await.unwrap();
    assert_eq!(recorded, 2, "the writer recorded the runners");
    assert!(checks::Entity::find_by_id(check).one(&app.db.db).await.unwrap().is_none());
    let beside = runners.count(&app.db.db).await.unwrap();
    assert_eq!(beside, 0, "nothing was recorded beside the writer");
}
