//! Badges through the real app, on SQLite and Postgres, without a session:
//! SVG that parses with the right texts, Shields' endpoint JSON, `ETag` and
//! 304, one identical "N/A" for an unpublished page, an unknown slug and a
//! component of another page, and a label that stays text.

#![allow(clippy::unwrap_used)]

use crate::support;

use chrono::{Duration, Utc};
use domain::monitors::Status;
use domain::testing::MonitorBuilder;
use reqwest::Method;
use serde_json::{json, Value};
use support::{spawn_all, TestApp};

const PAGES: &str = "/api/v1/status-pages";
const BADGES: &str = "/api/v1/public/badges";

struct Answer {
    status: u16,
    content_type: String,
    etag: String,
    cache_control: String,
    body: String,
}

async fn fetch(app: &TestApp, path: &str, if_none_match: Option<&str>) -> Answer {
    let mut request = app.client.get(app.url(path));
    if let Some(tag) = if_none_match {
        request = request.header("if-none-match", tag);
    }
    let response = request.send().await.unwrap();
    let header = |name: &str| {
        response.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
    };
    let (content_type, etag, cache_control) =
        (header("content-type"), header("etag"), header("cache-control"));
    let status = response.status().as_u16();
    Answer { status, content_type, etag, cache_control, body: response.text().await.unwrap() }
}

/// The visible texts of an SVG badge (not their shadows), in order.
fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("aria-hidden").is_none())
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect()
}

/// Ann's page `acme` (unpublished) with a group of one monitor that is up
/// and shows its response times; returns the page's and the monitor
/// component's ids.
async fn page(app: &TestApp, ann: &str) -> (String, String) {
    let api = app.create(ann, MonitorBuilder::http("http://127.0.0.2:9/private-path")).await;
    let monitor_id = api["id"].as_str().unwrap().parse().unwrap();
    let at = Utc::now() - Duration::minutes(2);
    domain::testing::record(&app.db.db, &domain::testing::result(monitor_id, at, Status::Up, 87))
        .await;
    let page = app.create(ann, (PAGES, json!({"slug": "acme", "title": "Acme"}))).await;
    let id = page["id"].as_str().unwrap().to_owned();
    let list = json!({"components": [{"kind": "group", "public_name": "Core", "members": [
        {"kind": "monitor", "public_name": "API", "monitor_id": api["id"], "show_latency": true},
    ]}]});
    let path = format!("{PAGES}/{id}/components");
    let (status, saved) = app.send(Method::PUT, &path, Some(list), Some(ann)).await;
    assert_eq!(status, 200, "{saved}");
    let component = saved["data"]["components"][0]["members"][0]["id"].as_str().unwrap();
    (id, component.to_owned())
}

async fn publish(app: &TestApp, ann: &str, id: &str) {
    let change = Some(json!({"published": true}));
    let (status, _) = app.send(Method::PATCH, &format!("{PAGES}/{id}"), change, Some(ann)).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn badges_draw_a_published_pages_figures_as_svg_and_shields_json() {
    for app in spawn_all().await {
        let ann = app.user("ann").await;
        let (id, component) = page(&app, &ann).await;
        publish(&app, &ann, &id).await;

        let status = fetch(&app, &format!("{BADGES}/acme/status.svg"), None).await;
        assert_eq!(status.status, 200, "{}", status.body);
        assert_eq!(status.content_type, "image/svg+xml; charset=utf-8");
        assert_eq!(status.cache_control, "public, max-age=60");
        assert_eq!(texts(&status.body), ["Acme", "operational"]);

        let api = format!("{BADGES}/acme/components/{component}");
        let uptime = fetch(&app, &format!("{api}/uptime.svg?window=7d"), None).await;
        assert_eq!(texts(&uptime.body), ["uptime 7d", "100%"]);
        let p95 = fetch(&app, &format!("{api}/p95.svg"), None).await;
        assert_eq!(texts(&p95.body), ["p95 24h", "87 ms"]);
        let no_cert = fetch(&app, &format!("{api}/certificate.svg"), None).await;
        assert_eq!(texts(&no_cert.body), ["certificate", "N/A"]);

        let json = fetch(&app, &format!("{api}/status.json"), None).await;
        assert_eq!(json.content_type, "application/json");
        let shields: Value = serde_json::from_str(&json.body).unwrap();
        assert_eq!(
            shields,
            json!({"schemaVersion": 1, "label": "API", "message": "operational", "color": "brightgreen"})
        );
        let labelled = fetch(&app, &format!("{api}/uptime.json?label=Our%20API"), None).await;
        let shields: Value = serde_json::from_str(&labelled.body).unwrap();
        assert_eq!(
            (shields["label"].as_str(), shields["message"].as_str()),
            (Some("Our API"), Some("100%"))
        );
        for private in ["127.0.0.2", "private-path", &id] {
            assert!(!status.body.contains(private) && !json.body.contains(private));
        }

        let (code, bad) = app.get(&format!("{api}/uptime.svg?window=2d"), None).await;
        assert_eq!((code, bad["field"].as_str()), (422, Some("window")));
        let long = "x".repeat(51);
        let (code, _) = app.get(&format!("{api}/status.svg?label={long}"), None).await;
        assert_eq!(code, 400);
        assert_eq!(app.get(&format!("{api}/latency.svg"), None).await.0, 400, "an unknown badge");
    }
}

#[tokio::test]
async fn an_etag_answers_304_until_the_badge_changes() {
    for app in spawn_all().await {
        let ann = app.user("ann").await;
        let (id, _) = page(&app, &ann).await;
        publish(&app, &ann, &id).await;
        let path = format!("{BADGES}/acme/status.svg");
        let first = fetch(&app, &path, None).await;
        assert!(first.etag.starts_with('"') && first.etag.len() > 10, "{}", first.etag);

        let again = fetch(&app, &path, Some(&first.etag)).await;
        assert_eq!((again.status, again.body.as_str()), (304, ""));
        assert_eq!(
            (again.etag.as_str(), again.cache_control.as_str()),
            (first.etag.as_str(), "public, max-age=60")
        );
        let listed = format!("\"other\", W/{}", first.etag);
        assert_eq!(fetch(&app, &path, Some(&listed)).await.status, 304);
        assert_eq!(fetch(&app, &path, Some("\"other\"")).await.status, 200);

        let change = Some(json!({"title": "Acme, Inc."}));
        app.send(Method::PATCH, &format!("{PAGES}/{id}"), change, Some(&ann)).await;
        let changed = fetch(&app, &path, Some(&first.etag)).await;
        assert_eq!(changed.status, 200, "a new body is a new ETag");
        assert_ne!(changed.etag, first.etag);
        assert_eq!(texts(&changed.body), ["Acme, Inc.", "operational"]);
    }
}

#[tokio::test]
async fn unpublished_unknown_and_foreign_badges_are_one_identical_na() {
    for app in spawn_all().await {
        let ann = app.user("ann").await;
        let (_, component) = page(&app, &ann).await;
        let bob = app.user("bob").await;
        let theirs = app
            .create(&bob, (PAGES, json!({"slug": "bobs", "title": "Bob", "published": true})))
            .await;
        let theirs = theirs["id"].as_str().unwrap();
        let list = json!({"components": [{"kind": "static", "public_name": "Desk", "static_state": "operational"}]});
        let path = format!("{PAGES}/{theirs}/components");
        let (_, saved) = app.send(Method::PUT, &path, Some(list), Some(&bob)).await;
        let foreign = saved["data"]["components"][0]["id"].as_str().unwrap();

        for format in ["svg", "json"] {
            let answers = [
                fetch(&app, &format!("{BADGES}/acme/components/{component}/status.{format}"), None)
                    .await,
                fetch(&app, &format!("{BADGES}/acme/status.{format}"), None).await,
                fetch(&app, &format!("{BADGES}/nobody-here/status.{format}"), None).await,
                fetch(&app, &format!("{BADGES}/bobs/components/{component}/status.{format}"), None)
                    .await,
                fetch(&app, &format!("{BADGES}/acme/components/{foreign}/status.{format}"), None)
                    .await,
            ];
            for answer in &answers {
                assert_eq!(answer.status, 200);
                assert_eq!((&answer.body, &answer.etag), (&answers[0].body, &answers[0].etag));
            }
            assert!(answers[0].body.contains("N/A"), "{}", answers[0].body);
        }
        let svg = fetch(&app, &format!("{BADGES}/nobody-here/status.svg"), None).await;
        assert_eq!(texts(&svg.body), ["status", "N/A"]);
        let bobs =
            fetch(&app, &format!("{BADGES}/bobs/components/{foreign}/status.svg"), None).await;
        assert_eq!(texts(&bobs.body), ["Desk", "operational"], "bob's own component is shown");
        // A password makes the page's badges the same N/A.
        let lock = Some(json!({"password": "correct horse"}));
        let (status, _) =
            app.send(Method::PUT, &format!("{PAGES}/{theirs}/password"), lock, Some(&bob)).await;
        assert_eq!(status, 200);
        let locked =
            fetch(&app, &format!("{BADGES}/bobs/components/{foreign}/status.svg"), None).await;
        assert_eq!((locked.status, &locked.body), (200, &svg.body));
    }
}

#[tokio::test]
async fn a_label_with_markup_is_drawn_as_text() {
    for app in spawn_all().await {
        let label = "%3Cscript%3Ealert(1)%3C%2Fscript%3E%20%26%20%22q%22";
        let answer =
            fetch(&app, &format!("{BADGES}/nobody-here/status.svg?label={label}"), None).await;
        assert_eq!(answer.status, 200);
        assert!(!answer.body.contains("<script"), "{}", answer.body);
        assert_eq!(texts(&answer.body), ["<script>alert(1)</script> & \"q\"", "N/A"]);
        let json =
            fetch(&app, &format!("{BADGES}/nobody-here/status.json?label={label}"), None).await;
        let shields: Value = serde_json::from_str(&json.body).unwrap();
        assert_eq!(shields["label"], "<script>alert(1)</script> & \"q\"");
    }
}
