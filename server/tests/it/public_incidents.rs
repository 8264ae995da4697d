//! Public incidents through the real app, on SQLite and Postgres: the
//! owner's API with errors naming their field, other users told a page's
//! incidents do not exist, and the public JSON and the Atom and RSS feeds
//! (parsed as XML, checked for their formats' required elements) holding
//! published incidents only and nothing private.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use crate::support;

use chrono::{Duration, Utc};
use domain::testing::MonitorBuilder;
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};
use reqwest::Method;
use serde_json::{json, Value};
use support::{spawn_all, TestApp};

const PAGES: &str = "/api/v1/status-pages";
const SECRET_TARGET: &str = "http://127.0.0.2:9/internal-admin-path";
const SECRET_NAME: &str = "db-primary-eu";

/// A page of `token`'s with one monitor component "Payments"; returns the
/// page's id, its component's id and the monitor.
async fn page_with_monitor(app: &TestApp, token: &str, slug: &str) -> (String, String, Value) {
    let monitor = app.create(token, MonitorBuilder::http(SECRET_TARGET).name(SECRET_NAME)).await;
    let page = app.create(token, (PAGES, json!({"slug": slug, "title": "Acme status"}))).await;
    let id = page["id"].as_str().unwrap().to_owned();
    let list = json!({"components": [
        {"kind": "monitor", "public_name": "Payments", "monitor_id": monitor["id"]},
    ]});
    let path = format!("{PAGES}/{id}/components");
    let (status, saved) = app.send(Method::PUT, &path, Some(list), Some(token)).await;
    assert_eq!(status, 200, "{saved}");
    let component = saved["data"]["components"][0]["id"].as_str().unwrap().to_owned();
    (id, component, monitor)
}

fn field(body: &Value) -> &str {
    body["field"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn owners_write_and_narrate_incidents_and_other_users_get_404() {
    for app in spawn_all().await {
        let (ann, bob) = (app.user("ann").await, app.user("bob").await);
        let (page, component, _) = page_with_monitor(&app, &ann, "acme").await;
        let incidents = format!("{PAGES}/{page}/incidents");
        let body = json!({
            "title": "Payments are failing",
            "impacts": [{"component_id": component, "impact": "partial_outage"}],
            "body": "We are looking into it.",
        });
        let (status, created) = app.post(&incidents, body, Some(&ann)).await;
        assert_eq!(status, 201, "{created}");
        let incident = &created["data"];
        assert_eq!(incident["state"], "published");
        assert_eq!(incident["phase"], "investigating");
        assert_eq!(incident["impacts"][0]["component_name"], "Payments");
        let id = incident["id"].as_str().unwrap().to_owned();
        let one = format!("{incidents}/{id}");
        let first = incident["updates"][0]["id"].as_str().unwrap().to_owned();
        let update = format!("{one}/updates/{first}");

        for (method, path, body) in [
            (Method::GET, incidents.clone(), None),
            (Method::POST, incidents.clone(), Some(json!({"title": "x", "body": "y"}))),
            (Method::GET, one.clone(), None),
            (Method::PATCH, one.clone(), Some(json!({"title": "Mine"}))),
            (Method::DELETE, one.clone(), None),
            (
                Method::POST,
                format!("{one}/updates"),
                Some(json!({"phase": "resolved", "body": "x"})),
            ),
            (Method::PATCH, update.clone(), Some(json!({"body": "x"}))),
            (Method::DELETE, update.clone(), None),
        ] {
            let (status, answer) = app.send(method.clone(), &path, body, Some(&bob)).await;
            assert_eq!(status, 404, "{method} {path}: {answer}");
        }

        for (body, status, at) in [
            (json!({"title": " ", "body": "x"}), 422, "title"),
            (json!({"title": "x", "body": ""}), 422, "body"),
            (json!({"title": "x", "body": "y", "state": "discarded"}), 201, ""),
            (
                json!({"title": "x", "body": "y", "impacts": [{"component_id": uuid::Uuid::new_v4(), "impact": "degraded"}]}),
                422,
                "impacts[0].component_id",
            ),
            (json!({"title": "x", "body": "y", "phase": "sleeping"}), 400, ""),
            (json!({"title": "x", "body": "y", "author_id": "me"}), 400, ""),
        ] {
            let (got, answer) = app.post(&incidents, body.clone(), Some(&ann)).await;
            assert_eq!((got, field(&answer)), (status, at), "{body}: {answer}");
        }

        let early = Some(json!({"postmortem": "What happened"}));
        let (status, answer) = app.send(Method::PATCH, &one, early, Some(&ann)).await;
        assert_eq!((status, field(&answer)), (422, "postmortem"), "{answer}");
        let draft = Some(json!({"state": "draft"}));
        let (status, answer) = app.send(Method::PATCH, &one, draft, Some(&ann)).await;
        assert_eq!((status, field(&answer)), (422, "state"), "{answer}");

        let resolved = json!({"phase": "resolved", "body": "Fixed."});
        let (status, answer) = app.post(&format!("{one}/updates"), resolved, Some(&ann)).await;
        assert_eq!((status, answer["data"]["phase"].as_str()), (201, Some("resolved")));
        let postmortem = Some(json!({"postmortem": "A disk **filled** up."}));
        let (status, answer) = app.send(Method::PATCH, &one, postmortem, Some(&ann)).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(
            answer["data"]["postmortem_html"],
            "<p>A disk <strong>filled</strong> up.</p>\n"
        );

        let edit = Some(json!({"body": "We are looking into it. <script>x</script>"}));
        let (status, answer) = app.send(Method::PATCH, &update, edit, Some(&ann)).await;
        assert_eq!(status, 200, "{answer}");
        let edited = answer["data"]["updates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == first.as_str())
            .unwrap()
            .clone();
        assert_eq!(edited["posted_at"], incident["updates"][0]["posted_at"]);
        assert!(edited["edited_at"].is_string());
        assert!(!edited["body_html"].as_str().unwrap().contains("<script"));
        let (status, _) = app.send(Method::DELETE, &update, None, Some(&ann)).await;
        assert_eq!(status, 200);
        assert_eq!(app.send(Method::DELETE, &update, None, Some(&ann)).await.0, 404);

        let page_path = format!("{PAGES}/{page}");
        let (_, read) = app.get(&page_path, Some(&ann)).await;
        assert_eq!(read["data"]["auto_publish_delay_secs"], 300);
        for (delay, status) in [(json!(0), 200), (json!(86_401), 422), (json!(-1), 400)] {
            let change = Some(json!({"auto_publish_delay_secs": delay}));
            let (got, answer) = app.send(Method::PATCH, &page_path, change, Some(&ann)).await;
            assert_eq!(got, status, "{delay}: {answer}");
        }
        assert_eq!(app.get(&page_path, Some(&ann)).await.1["data"]["auto_publish_delay_secs"], 0);

        let (status, _) = app.send(Method::DELETE, &one, None, Some(&ann)).await;
        assert_eq!(status, 200);
        assert_eq!(app.get(&one, Some(&ann)).await.0, 404);
    }
}

/// An element of a parsed feed.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: HashMap<String, String>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn all(&self, name: &str) -> Vec<&Node> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    fn text_of(&self, name: &str) -> &str {
        self.child(name).map_or("", |c| c.text.as_str())
    }
}

/// Parses `xml` (failing on anything not well-formed) into its root element.
fn parse(xml: &str) -> Node {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(node(&e)),
            Event::Empty(e) => stack.last_mut().unwrap().children.push(node(&e)),
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.into_inner()),
            Event::GeneralRef(r) => {
                if let Some(c) = r.resolve_char_ref().unwrap() {
                    stack.last_mut().unwrap().text.push(c);
                    continue;
                }
                let name = r.into_inner();
                let c = match name.as_ref() {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    "apos" => '\'',
                    other => panic!("unknown entity &{other};"),
                };
                stack.last_mut().unwrap().text.push(c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "every element closed");
    let mut root = stack.pop().unwrap();
    assert_eq!(root.children.len(), 1, "one root element");
    root.children.pop().unwrap()
}

fn node(e: &quick_xml::events::BytesStart) -> Node {
    let attrs = e
        .attributes()
        .map(|a| {
            let a = a.unwrap();
            let value = a.normalized_value(XmlVersion::Explicit1_0).unwrap().into_owned();
            (a.key.as_ref().to_owned(), value)
        })
        .collect();
    Node { name: e.name().as_ref().to_owned(), attrs, ..Default::default() }
}

/// The feed at `path`: its status, headers and text.
async fn fetch(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

/// Checks Atom 1.0's required elements (RFC 4287 §4.1); returns the entries.
fn atom_entries(xml: &str) -> Vec<(String, String, String)> {
    let feed = parse(xml);
    assert_eq!(feed.name, "feed");
    assert_eq!(feed.attrs["xmlns"], "http://www.w3.org/2005/Atom");
    for required in ["id", "title", "updated", "author"] {
        assert!(feed.child(required).is_some(), "feed/{required} in {xml}");
    }
    assert!(feed
        .all("link")
        .iter()
        .any(|l| l.attrs.get("rel").map(String::as_str) == Some("self")));
    feed.all("entry")
        .into_iter()
        .map(|entry| {
            for required in ["id", "title", "updated"] {
                assert!(!entry.text_of(required).is_empty(), "entry/{required} in {xml}");
            }
            let id = entry.text_of("id");
            assert!(id.starts_with("urn:uuid:") || id.starts_with("tag:"), "{id}");
            chrono::DateTime::parse_from_rfc3339(entry.text_of("updated")).unwrap();
            assert_eq!(entry.child("content").unwrap().attrs["type"], "html");
            (id.to_owned(), entry.text_of("title").to_owned(), entry.text_of("content").to_owned())
        })
        .collect()
}

/// Checks RSS 2.0's required elements; returns the items.
fn rss_items(xml: &str) -> Vec<(String, String, String)> {
    let rss = parse(xml);
    assert_eq!((rss.name.as_str(), rss.attrs["version"].as_str()), ("rss", "2.0"));
    let channel = rss.child("channel").expect("a channel");
    for required in ["title", "link", "description"] {
        assert!(!channel.text_of(required).is_empty(), "channel/{required} in {xml}");
    }
    channel
        .all("item")
        .into_iter()
        .map(|item| {
            assert!(!item.text_of("title").is_empty() || !item.text_of("description").is_empty());
            chrono::DateTime::parse_from_rfc2822(item.text_of("pubDate")).unwrap();
            let guid = item.child("guid").expect("a guid");
            assert_eq!(guid.attrs["isPermaLink"], "false");
            (
                guid.text.clone(),
                item.text_of("title").to_owned(),
                item.text_of("description").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_public_json_and_feeds_show_published_incidents_only_and_nothing_private() {
    for app in spawn_all().await {
        let ann = app.user("ann").await;
        let (_, me) = app.get("/api/v1/me", Some(&ann)).await;
        let (page, _, monitor) = page_with_monitor(&app, &ann, "acme").await;
        let page_path = format!("{PAGES}/{page}");
        let (status, _) =
            app.send(Method::PATCH, &page_path, Some(json!({"published": true})), Some(&ann)).await;
        assert_eq!(status, 200);
        // A person's draft, and a monitor's incident drafted with the page's delay.
        let draft = json!({"title": "Secret draft", "body": "draft-only-text", "state": "draft"});
        let (status, _) = app.post(&format!("{page_path}/incidents"), draft, Some(&ann)).await;
        assert_eq!(status, 201);
        let monitor_id = monitor["id"].as_str().unwrap().parse::<uuid::Uuid>().unwrap();
        let db = &app.db.db;
        let internal =
            domain::testing::down(db, monitor_id, Utc::now() - Duration::minutes(2)).await;

        for feed in ["/status/acme/feed.atom", "/status/acme/feed.rss"] {
            let (status, _, xml) = fetch(&app, feed).await;
            assert_eq!(status, 200, "{xml}");
            assert!(!xml.contains("<entry>") && !xml.contains("<item>"), "no entries yet: {xml}");
        }

        let published = domain::status_pages::incidents::automatic::publish_due(
            db,
            Utc::now() + Duration::days(1),
        )
        .await
        .unwrap();
        assert_eq!(published, 1, "the person's draft waits for a person");

        let (status, json_page) = app.get("/api/v1/public/status/acme", None).await;
        assert_eq!(status, 200);
        let incidents = json_page["data"]["incidents"].as_array().unwrap();
        assert_eq!(incidents.len(), 1, "{json_page}");
        assert_eq!(incidents[0]["title"], "Payments is unavailable");
        assert_eq!(incidents[0]["impacts"][0]["component"], "Payments");
        assert!(incidents[0]["updates"][0]["html"].as_str().unwrap().starts_with("<p>"));

        let (status, headers, atom) = fetch(&app, "/status/acme/feed.atom").await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "application/atom+xml; charset=utf-8");
        assert_eq!(headers["cache-control"], "public, max-age=60");
        let entries = atom_entries(&atom);
        assert_eq!(entries.len(), 1, "{atom}");
        assert_eq!(entries[0].1, "Payments is unavailable: Investigating");
        assert!(
            entries[0].2.starts_with("<p>We are investigating"),
            "HTML as escaped text: {atom}"
        );

        let (status, headers, rss) = fetch(&app, "/status/acme/feed.rss").await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "application/rss+xml; charset=utf-8");
        assert_eq!(headers["cache-control"], "public, max-age=60");
        let items = rss_items(&rss);
        assert_eq!(items.len(), 1, "{rss}");
        assert_eq!(items[0].0, entries[0].0, "one stable id in both feeds");

        let json_text = json_page.to_string();
        for (what, text) in [("json", &json_text), ("atom", &atom), ("rss", &rss)] {
            for private in [
                "Secret draft",
                "draft-only-text",
                SECRET_NAME,
                "internal-admin-path",
                "127.0.0.2",
                &internal.to_string(),
                monitor["id"].as_str().unwrap(),
                me["data"]["id"].as_str().unwrap(),
                me["data"]["email"].as_str().unwrap(),
                page.as_str(),
                "author_id",
            ] {
                assert!(!text.contains(private), "{private} is in the {what}: {text}");
            }
        }

        for (path, why) in [
            ("/status/nobody-here/feed.atom", "unknown"),
            ("/status/nobody-here/feed.rss", "unknown"),
        ] {
            assert_eq!(fetch(&app, path).await.0, 404, "{why}");
        }
        let hide = Some(json!({"published": false}));
        app.send(Method::PATCH, &page_path, hide, Some(&ann)).await;
        assert_eq!(fetch(&app, "/status/acme/feed.atom").await.0, 404, "unpublished");
        assert_eq!(fetch(&app, "/status/acme/feed.rss").await.0, 404, "unpublished");
    }
}

#[tokio::test]
async fn feed_text_is_escaped_and_stays_valid_xml() {
    for app in spawn_all().await {
        let ann = app.user("ann").await;
        let (page, _, _) = page_with_monitor(&app, &ann, "acme").await;
        let page_path = format!("{PAGES}/{page}");
        let publish = Some(json!({"published": true, "title": "Acme & <Co> \"status\""}));
        app.send(Method::PATCH, &page_path, publish, Some(&ann)).await;
        let hostile = json!({
            "title": "]]> <b>bold</b> & \u{1} done",
            "body": "<script>alert(1)</script>\n\n[x](javascript:alert(1)) ]]> \u{0}\u{7}",
        });
        let (status, _) = app.post(&format!("{page_path}/incidents"), hostile, Some(&ann)).await;
        assert_eq!(status, 201);
        let (_, _, atom) = fetch(&app, "/status/acme/feed.atom").await;
        let entries = atom_entries(&atom);
        assert_eq!(entries[0].1, "]]> <b>bold</b> &  done: Investigating");
        assert!(!entries[0].2.contains("<script"), "{}", entries[0].2);
        assert!(!entries[0].2.contains("href=\"javascript"), "{}", entries[0].2);
        assert!(entries[0].2.contains("<p>x ]]&gt;"), "the link's text stays: {}", entries[0].2);
        let (_, _, rss) = fetch(&app, "/status/acme/feed.rss").await;
        let items = rss_items(&rss);
        assert!(!items[0].2.contains("<script"));
        assert_eq!(
            parse(&rss).child("channel").unwrap().text_of("title"),
            "Acme & <Co> \"status\""
        );
    }
}

#[tokio::test]
async fn a_failing_monitor_gets_a_published_incident_through_the_running_pipeline() {
    for app in support::spawn_each(support::Spawn { pipeline: true, ..Default::default() }).await {
        let ann = app.user("ann").await;
        // Paused until the page shows it, so its incident opens on a published page.
        let monitor = app.create(&ann, MonitorBuilder::http(SECRET_TARGET).paused()).await;
        let body = json!({"slug": "acme", "title": "Acme", "published": true, "auto_publish_delay_secs": 0});
        let page = app.create(&ann, (PAGES, body)).await["id"].as_str().unwrap().to_owned();
        let list = json!({"components": [
            {"kind": "monitor", "public_name": "Payments", "monitor_id": monitor["id"]},
        ]});
        let path = format!("{PAGES}/{page}/components");
        assert_eq!(app.send(Method::PUT, &path, Some(list), Some(&ann)).await.0, 200);
        // Nothing listens at the target: its checks fail, its incident opens,
        // and the running scheduler's sweep publishes the draft.
        let resume = format!("/api/v1/monitors/{}/resume", monitor["id"].as_str().unwrap());
        assert_eq!(app.send(Method::POST, &resume, None, Some(&ann)).await.0, 200);
        let incidents = format!("{PAGES}/{page}/incidents");
        let list = app
            .wait_for(&ann, &incidents, |data| data["incidents"][0]["state"] == "published")
            .await;
        assert_eq!(list["incidents"].as_array().unwrap().len(), 1, "one draft, published once");
        assert_eq!(list["incidents"][0]["title"], "Payments is unavailable");
    }
}
