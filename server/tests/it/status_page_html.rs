//! The public status page as HTML (`/status/{slug}`), through the real app
//! on SQLite and Postgres, without a session: rendered whole on the server
//! (it reads without JavaScript), the owner's page without the app's
//! navigation, 90 bars per component with maintenance days drawn apart,
//! and nothing in it (the hydration data included) that the page does not
//! publish; unpublished and unknown pages are a real 404.

#![allow(clippy::unwrap_used)]

use crate::support;

use chrono::{Duration, Utc};
use domain::monitors::Status;
use domain::testing::MonitorBuilder;
use reqwest::Method;
use serde_json::{json, Value};
use support::{spawn_all, TestApp};

const PAGES: &str = "/api/v1/status-pages";

/// `path` fetched as a visitor: no cookie, no token.
async fn visit(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Bars drawn for days: each has its day and figure as a tooltip.
fn day_bars(html: &str) -> usize {
    html.match_indices("<span title=\"")
        .filter(|(at, _)| html[*at..].split('>').next().unwrap().contains("class=\"day day-"))
        .count()
}

#[tokio::test]
async fn a_visitor_reads_the_whole_page_as_html_and_nothing_it_does_not_publish() {
    for app in spawn_all().await {
        let ann = app.user("ann").await;
        let (_, me) = app.get("/api/v1/me", Some(&ann)).await;
        let target = "http://127.0.0.2:9/internal-admin-path";
        let up = app.create(&ann, MonitorBuilder::http(target).name("db-primary-eu")).await;
        let down = app.create(&ann, MonitorBuilder::http("http://127.0.0.2:9/queue")).await;
        let id_of = |m: &Value| m["id"].as_str().unwrap().parse::<uuid::Uuid>().unwrap();
        let at = Utc::now() - Duration::minutes(2);
        let db = &app.db.db;
        domain::testing::record(db, &domain::testing::result(id_of(&up), at, Status::Up, 87)).await;
        domain::testing::down(db, id_of(&down), at).await;
        let page = json!({"slug": "acme", "title": "Acme status", "indexable": false,
            "description": "Everything Acme runs", "footer": "Questions: help desk"});
        let id = app.create(&ann, (PAGES, page)).await["id"].as_str().unwrap().to_owned();
        let components = json!({"components": [
            {"kind": "group", "public_name": "Core services", "members": [
                {"kind": "monitor", "public_name": "Database", "monitor_id": up["id"], "show_latency": true},
                {"kind": "monitor", "public_name": "Queue", "monitor_id": down["id"]},
            ]},
            {"kind": "monitor", "public_name": "Public API", "monitor_id": down["id"]},
            {"kind": "static", "public_name": "Phone support", "static_state": "operational"},
        ]});
        let path = format!("{PAGES}/{id}/components");
        assert_eq!(app.send(Method::PUT, &path, Some(components), Some(&ann)).await.0, 200);
        let window = json!({"title": "Queue migration", "description": "New brokers",
            "kind": "one_off", "time_zone": "Europe/Berlin",
            "starts_at": Utc::now() - Duration::minutes(5), "ends_at": Utc::now() + Duration::hours(1),
            "monitor_ids": [down["id"]]});
        app.create(&ann, ("/api/v1/maintenance-windows", window)).await;

        let (status, html) = visit(&app, "/status/acme").await;
        let (_, unknown) = visit(&app, "/status/nobody-here").await;
        assert_eq!(status, 404, "unpublished is not found");
        assert!(
            html.contains("Status page not found") && unknown.contains("Status page not found")
        );
        let publish = Some(json!({"published": true}));
        app.send(Method::PATCH, &format!("{PAGES}/{id}"), publish, Some(&ann)).await;

        let (status, html) = visit(&app, "/status/acme").await;
        assert_eq!(status, 200, "{}", app.backend);
        for shown in [
            "Acme status",
            "Everything Acme runs",
            "Questions: help desk",
            "Core services",
            "Database",
            "Phone support",
            "Maintenance in progress",
            "Queue migration",
            "Affects: Queue, Public API",
            r#"<meta name="robots" content="noindex""#,
            r#"class="sparkline""#,
        ] {
            assert!(html.contains(shown), "{}: {shown} is not on the page", app.backend);
        }
        // Group, its two members and the top-level monitor: 90 days each.
        assert_eq!(day_bars(&html), 4 * 90);
        assert!(html.contains("day day-maintenance"), "today's bar of the queue is maintenance");
        assert!(!html.contains("Sign in"), "the owner's page, not the app's navigation");

        for private in [
            up["id"].as_str().unwrap(),
            down["id"].as_str().unwrap(),
            id.as_str(),
            me["data"]["id"].as_str().unwrap(),
            me["data"]["email"].as_str().unwrap(),
            "127.0.0.2",
            "internal-admin-path",
            "db-primary-eu",
        ] {
            assert!(!html.contains(private), "{private} is in the public HTML");
        }
    }
}

/// `path` fetched as a visitor whose browser asked for `host`.
async fn visit_at(app: &TestApp, host: &str, path: &str) -> (u16, String) {
    let response = app.client.get(app.url(path)).header("host", host).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn a_custom_domain_serves_its_page_at_the_root_and_nothing_else_of_the_app() {
    for app in spawn_all().await {
        let (ann, bob) = (app.user("ann").await, app.user("bob").await);
        let page = json!({"slug": "acme", "title": "Acme status", "published": true});
        let id = app.create(&ann, (PAGES, page)).await["id"].as_str().unwrap().to_owned();
        let other = json!({"slug": "bobs", "title": "Bob's", "published": true});
        let bobs = app.create(&bob, (PAGES, other)).await["id"].as_str().unwrap().to_owned();
        let domains = format!("{PAGES}/{id}/domains");

        let body = Some(json!({"custom_domains": ["Status.Acme.test"]}));
        let (status, saved) = app.send(Method::PUT, &domains, body.clone(), Some(&ann)).await;
        assert_eq!(status, 200, "{saved}");
        assert_eq!(saved["data"]["custom_domains"], json!(["status.acme.test"]));
        assert_eq!(app.send(Method::PUT, &domains, body.clone(), Some(&bob)).await.0, 404);
        let theirs = format!("{PAGES}/{bobs}/domains");
        let (status, taken) = app.send(Method::PUT, &theirs, body, Some(&bob)).await;
        assert_eq!((status, taken["field"].as_str()), (409, Some("custom_domains")), "{taken}");
        let bad = Some(json!({"custom_domains": ["ok.example", "http://x"]}));
        let (status, refused) = app.send(Method::PUT, &theirs, bad, Some(&bob)).await;
        assert_eq!((status, refused["field"].as_str()), (422, Some("custom_domains[1]")));

        let (status, html) = visit_at(&app, "status.acme.test", "/").await;
        assert_eq!(status, 200, "{}", app.backend);
        assert!(html.contains("Acme status") && html.contains(r#"data-testid="status-page""#));
        assert!(!html.contains("/pkg/runstate.js"), "plain HTML: no hydration on another address");
        let (status, json) = visit_at(&app, "status.acme.test:443", "/status.json").await;
        assert_eq!(status, 200);
        assert!(json.contains(r#""title":"Acme status""#), "{json}");
        for app_path in ["/signin", "/dashboard", "/api/v1/me", "/status/bobs", "/status/bobs.json"]
        {
            assert_eq!(visit_at(&app, "status.acme.test", app_path).await.0, 404, "{app_path}");
        }
        let (status, own) = visit(&app, "/").await;
        assert_eq!(status, 200);
        assert!(!own.contains("Acme status"), "the app's own address is the app");
        let (status, alias) = visit(&app, "/status/acme.json").await;
        assert_eq!((status, alias.contains(r#""slug":"acme""#)), (200, true), "{alias}");
        let (status, hydrated) = visit(&app, "/status/acme").await;
        assert_eq!((status, hydrated.contains("/pkg/runstate.js")), (200, true));
    }
}

#[tokio::test]
async fn a_protected_page_opens_with_its_password_and_a_pass_that_dies_with_it() {
    for app in spawn_all().await {
        let ann = app.user("ann").await;
        let page = json!({"slug": "acme", "title": "Acme status", "published": true});
        let id = app.create(&ann, (PAGES, page)).await["id"].as_str().unwrap().to_owned();
        let password = format!("{PAGES}/{id}/password");
        let weak = Some(json!({"password": "short"}));
        let (status, refused) = app.send(Method::PUT, &password, weak, Some(&ann)).await;
        assert_eq!((status, refused["field"].as_str()), (422, Some("password")), "{refused}");
        let set = Some(json!({"password": "correct horse"}));
        let (status, saved) = app.send(Method::PUT, &password, set, Some(&ann)).await;
        assert_eq!((status, &saved["data"]["protected"]), (200, &json!(true)), "{saved}");
        let bob = app.user("bob").await;
        assert_eq!(app.get(&password, Some(&bob)).await.0, 404);

        let (status, html) = visit(&app, "/status/acme").await;
        assert_eq!(status, 401);
        assert!(html.contains(r#"data-testid="status-locked""#) && !html.contains("Acme status"));
        assert_eq!(visit(&app, "/api/v1/public/status/acme").await.0, 401);

        let unlock = |pw: &str| {
            // The test client follows no redirects: the 303s are seen as they are.
            app.client
                .post(app.url("/status/acme/unlock"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("password={}", pw.replace(' ', "+")))
                .send()
        };
        let wrong = unlock("not it").await.unwrap();
        assert_eq!(wrong.status(), 303);
        assert_eq!(wrong.headers()["location"], "/status/acme?error=wrong");
        assert!(wrong.headers().get("set-cookie").is_none());
        let right = unlock("correct horse").await.unwrap();
        assert_eq!(
            (right.status().as_u16(), &right.headers()["location"]),
            (303, &"/status/acme".parse().unwrap())
        );
        let cookie = right.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.starts_with("rs_page_acme=") && cookie.contains("HttpOnly"), "{cookie}");
        let pass = cookie.split(';').next().unwrap().to_owned();

        let with_pass = |path: &str| app.client.get(app.url(path)).header("cookie", &pass).send();
        let page = with_pass("/status/acme").await.unwrap();
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("Acme status"));
        let json = with_pass("/api/v1/public/status/acme").await.unwrap();
        assert_eq!(json.status(), 200);
        assert_eq!(json.headers()["cache-control"], "private, no-store");
        let other = app
            .client
            .get(app.url("/api/v1/public/status/acme"))
            .header("cookie", pass.replace("rs_page_acme=", "rs_page_acme=9"))
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), 401, "a tampered pass opens nothing");

        let change = Some(json!({"password": "battery staple"}));
        assert_eq!(app.send(Method::PUT, &password, change, Some(&ann)).await.0, 200);
        assert_eq!(with_pass("/status/acme").await.unwrap().status(), 401, "the old pass died");
        let open = Some(json!({"password": null}));
        let (_, public) = app.send(Method::PUT, &password, open, Some(&ann)).await;
        assert_eq!(public["data"]["protected"], false);
        let (status, _) = visit(&app, "/status/acme").await;
        assert_eq!(status, 200, "public again");
    }
}

#[tokio::test]
async fn published_incidents_are_on_the_page_with_their_updates_and_drafts_are_not() {
    for app in spawn_all().await {
        let ann = app.user("ann").await;
        let page = json!({"slug": "acme", "title": "Acme status", "published": true});
        let id = app.create(&ann, (PAGES, page)).await["id"].as_str().unwrap().to_owned();
        let incidents = format!("{PAGES}/{id}/incidents");
        let told = json!({"title": "Checkout errors",
            "body": "We are **looking** into it. <script>alert(1)</script> [more](javascript:alert(1))"});
        assert_eq!(app.post(&incidents, told, Some(&ann)).await.0, 201);
        let draft = json!({"title": "Secret draft", "body": "draft-only-text", "state": "draft"});
        assert_eq!(app.post(&incidents, draft, Some(&ann)).await.0, 201);

        let (status, html) = visit(&app, "/status/acme").await;
        assert_eq!(status, 200);
        assert!(html.contains("Current incidents") && html.contains("Checkout errors"));
        assert!(html.contains("<strong>looking</strong>"), "markdown rendered");
        assert!(!html.contains("<script>alert(1)</script>"), "raw HTML is never passed through");
        assert!(!html.contains("href=\"javascript:"), "unsafe links are dropped");
        assert!(!html.contains("Secret draft") && !html.contains("draft-only-text"));
    }
}

#[tokio::test]
async fn the_public_page_is_gzipped_for_clients_that_ask_and_signed_in_pages_never_are() {
    use std::io::Read;
    let app = support::spawn_sqlite(Default::default()).await;
    let ann = app.user("ann").await;
    let page = json!({"slug": "zipped", "title": "Zipped status", "published": true});
    app.create(&ann, (PAGES, page)).await;
    // A client that shows the answer as sent (the suite's own decompresses).
    #[allow(
        clippy::disallowed_methods,
        reason = "a client of RunState itself, not an outbound path"
    )]
    let raw = reqwest::Client::builder().no_gzip().no_deflate().build().unwrap();
    let get = |path: &str, token: Option<&str>| {
        let mut request = raw.get(app.url(path)).header("accept-encoding", "gzip");
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    for path in ["/status/zipped", "/api/v1/public/status/zipped", "/status/zipped/feed.atom"] {
        let response = get(path, None).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-encoding"], "gzip", "{path}");
        let mut text = String::new();
        let bytes = response.bytes().await.unwrap();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).unwrap();
        assert!(text.contains("Zipped status"), "{path}: {text}");
    }
    // Without asking, nothing is compressed.
    let plain = raw.get(app.url("/status/zipped")).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    // The signed-in API and app pages are never compressed.
    let api = get("/api/v1/status-pages", Some(&ann)).await.unwrap();
    assert_eq!(api.status(), 200);
    assert!(api.headers().get("content-encoding").is_none());
    let app_page = raw
        .get(app.url("/status-pages"))
        .header("accept-encoding", "gzip")
        .header("cookie", format!("rs_access={ann}"))
        .send()
        .await
        .unwrap();
    assert_eq!(app_page.status(), 200);
    assert!(app_page.headers().get("content-encoding").is_none());
}
