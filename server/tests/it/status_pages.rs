//! Status pages through the real app, on SQLite and Postgres: the owner's
//! CRUD with errors naming their field, other users told a page does not
//! exist, components that may show only the page owner's monitors, and the
//! public read without a session: published pages only, cacheable, and
//! nothing in it that the page does not publish.

#![allow(clippy::unwrap_used)]

use crate::support;

use chrono::{Duration, Utc};
use domain::monitors::Status;
use domain::testing::MonitorBuilder;
use reqwest::Method;
use serde_json::{json, Value};
use support::{spawn_all, TestApp};

const PAGES: &str = "/api/v1/status-pages";

async fn create_page(app: &TestApp, token: &str, body: Value) -> String {
    let page = app.create(token, (PAGES, body)).await;
    page["id"].as_str().unwrap().to_owned()
}

async fn put_components(app: &TestApp, token: &str, id: &str, list: Value) -> (u16, Value) {
    let path = format!("{PAGES}/{id}/components");
    app.send(Method::PUT, &path, Some(json!({ "components": list })), Some(token)).await
}

fn field(body: &Value) -> &str {
    body["field"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn owners_create_read_change_and_delete_pages_and_errors_name_their_field() {
    for app in spawn_all().await {
        let ann = app.user("ann").await;
        let id = create_page(&app, &ann, json!({"slug": "acme", "title": "Acme"})).await;
        let (status, got) = app.get(&format!("{PAGES}/{id}"), Some(&ann)).await;
        assert_eq!(status, 200, "{got}");
        let page = &got["data"];
        assert_eq!(
            (page["theme"].as_str(), page["published"].as_bool()),
            (Some("auto"), Some(false))
        );
        let (_, list) = app.get(PAGES, Some(&ann)).await;
        assert_eq!(list["data"]["pages"].as_array().unwrap().len(), 1);

        for (body, status, at) in [
            (json!({"slug": "Acme!", "title": "x"}), 422, "slug"),
            (json!({"slug": "api", "title": "x"}), 422, "slug"),
            (json!({"slug": "fresh"}), 422, "title"),
            (json!({"slug": "acme", "title": "Again"}), 409, "slug"),
            (json!({"slug": "fresh", "title": "x", "theme": "neon"}), 400, ""),
            (
                json!({"slug": "fresh", "title": "x", "logo_url": "ftp://x/logo.png"}),
                422,
                "logo_url",
            ),
        ] {
            let (got, answer) = app.post(PAGES, body.clone(), Some(&ann)).await;
            assert_eq!((got, field(&answer)), (status, at), "{body}: {answer}");
        }

        let path = format!("{PAGES}/{id}");
        let change = json!({"title": "Acme, Inc.", "theme": "dark", "published": true});
        let (status, changed) = app.send(Method::PATCH, &path, Some(change), Some(&ann)).await;
        assert_eq!(status, 200, "{changed}");
        assert_eq!(changed["data"]["slug"], "acme", "absent fields stay");
        assert_eq!(
            (changed["data"]["theme"].as_str(), changed["data"]["published"].as_bool()),
            (Some("dark"), Some(true))
        );
        let (status, _) = app.send(Method::DELETE, &path, None, Some(&ann)).await;
        assert_eq!(status, 200);
        assert_eq!(app.get(&path, Some(&ann)).await.0, 404);
        assert_eq!(app.get(PAGES, None).await.0, 401, "{}", app.backend);
    }
}

#[tokio::test]
async fn another_users_page_is_not_found_and_an_admin_reaches_it() {
    for app in spawn_all().await {
        let (ann, bob) = (app.user("ann").await, app.user("bob").await);
        let admin = app.admin_token().await;
        let id = create_page(&app, &ann, json!({"slug": "acme", "title": "Acme"})).await;
        let path = format!("{PAGES}/{id}");
        let unknown = format!("{PAGES}/{}", uuid::Uuid::new_v4());
        let (_, missing) = app.get(&unknown, Some(&bob)).await;
        for (method, body) in [
            (Method::GET, None),
            (Method::PATCH, Some(json!({"title": "Mine"}))),
            (Method::DELETE, None),
        ] {
            let (status, answer) = app.send(method.clone(), &path, body, Some(&bob)).await;
            assert_eq!(status, 404, "{method} {answer}");
            assert_eq!(answer["error"], missing["error"], "the same answer as for no page");
        }
        assert_eq!(put_components(&app, &bob, &id, json!([])).await.0, 404);
        assert_eq!(app.get(&format!("{path}/components"), Some(&bob)).await.0, 404);
        let (_, bobs) = app.get(PAGES, Some(&bob)).await;
        assert_eq!(bobs["data"]["pages"], json!([]));

        assert_eq!(app.get(&path, Some(&admin)).await.0, 200);
        let rename = Some(json!({"title": "Renamed by an admin"}));
        let (status, answer) = app.send(Method::PATCH, &path, rename, Some(&admin)).await;
        assert_eq!((status, answer["data"]["title"].as_str()), (200, Some("Renamed by an admin")));
        assert_eq!(app.get(&path, Some(&ann)).await.1["data"]["title"], "Renamed by an admin");
    }
}

#[tokio::test]
async fn components_show_only_the_page_owners_monitors_without_telling_of_others() {
    for app in spawn_all().await {
        let (ann, bob) = (app.user("ann").await, app.user("bob").await);
        let mine = app.create(&ann, MonitorBuilder::http("http://127.0.0.2:9/mine")).await;
        let theirs = app.create(&bob, MonitorBuilder::http("http://127.0.0.2:9/theirs")).await;
        let id = create_page(&app, &ann, json!({"slug": "acme", "title": "Acme"})).await;

        let list = |monitor: &Value| {
            json!([{"kind": "group", "public_name": "Core", "members": [
                {"kind": "monitor", "public_name": "Mine", "monitor_id": mine["id"]},
                {"kind": "monitor", "public_name": "Other", "monitor_id": monitor},
            ]}])
        };
        let (status, refused) = put_components(&app, &ann, &id, list(&theirs["id"])).await;
        assert_eq!(
            (status, field(&refused)),
            (422, "components[0].members[1].monitor_id"),
            "{refused}"
        );
        let nobody = json!(uuid::Uuid::new_v4());
        let (_, unknown) = put_components(&app, &ann, &id, list(&nobody)).await;
        assert_eq!(refused["error"], unknown["error"], "another user's monitor reads as none");

        let (status, saved) = put_components(&app, &ann, &id, list(&mine["id"])).await;
        assert_eq!(status, 200, "{saved}");
        let members = &saved["data"]["components"][0]["members"];
        assert_eq!(members.as_array().unwrap().len(), 2, "one monitor may appear twice");
        let (status, bad) = put_components(
            &app,
            &ann,
            &id,
            json!([
                {"kind": "static", "public_name": "Support"}
            ]),
        )
        .await;
        assert_eq!((status, field(&bad)), (422, "components[0].static_state"), "{bad}");
        let (_, read) = app.get(&format!("{PAGES}/{id}/components"), Some(&ann)).await;
        assert_eq!(read["data"], saved["data"], "a refused list changed nothing");
    }
}

#[tokio::test]
async fn the_public_page_needs_no_session_and_shows_only_what_it_publishes() {
    for app in spawn_all().await {
        let ann = app.user("ann").await;
        let (_, me) = app.get("/api/v1/me", Some(&ann)).await;
        let secret_target = "http://127.0.0.2:9/internal-admin-path";
        let up = app.create(&ann, MonitorBuilder::http(secret_target).name("db-primary-eu")).await;
        let down = app.create(&ann, MonitorBuilder::http("http://127.0.0.2:9/queue")).await;
        let never = app.create(&ann, MonitorBuilder::http("http://127.0.0.2:9/search")).await;
        let id_of = |m: &Value| m["id"].as_str().unwrap().parse::<uuid::Uuid>().unwrap();
        let db = &app.db.db;
        let at = Utc::now() - Duration::minutes(2);
        domain::testing::record(db, &domain::testing::result(id_of(&up), at, Status::Up, 87)).await;
        domain::testing::down(db, id_of(&down), at).await;

        let id = create_page(&app, &ann, json!({"slug": "acme", "title": "Acme status"})).await;
        let (status, _) = put_components(&app, &ann, &id, json!([
            {"kind": "group", "public_name": "Core", "members": [
                {"kind": "monitor", "public_name": "Database", "monitor_id": up["id"], "show_latency": true},
                {"kind": "monitor", "public_name": "Queue", "monitor_id": down["id"]},
            ]},
            {"kind": "monitor", "public_name": "Search", "monitor_id": never["id"]},
        ]))
        .await;
        assert_eq!(status, 200);

        let public = "/api/v1/public/status/acme";
        let (status, hidden) = app.get(public, None).await;
        let (_, unknown) = app.get("/api/v1/public/status/nobody-here", None).await;
        assert_eq!((status, &hidden), (404, &unknown), "unpublished reads as unknown");
        let publish = Some(json!({"published": true}));
        app.send(Method::PATCH, &format!("{PAGES}/{id}"), publish, Some(&ann)).await;

        let response = app.client.get(app.url(public)).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["cache-control"], "public, max-age=5");
        let text = response.text().await.unwrap();
        let body: Value = serde_json::from_str(&text).unwrap();
        let page = &body["data"];
        assert_eq!(
            (page["title"].as_str(), page["state"].as_str()),
            (Some("Acme status"), Some("partial_outage"))
        );
        let core = &page["components"][0];
        assert_eq!(core["state"], "partial_outage");
        assert_eq!(core["members"][0]["state"], "operational");
        assert_eq!(core["members"][0]["latency_ms"], json!([87]));
        assert_eq!(core["members"][1]["state"], "major_outage");
        assert_eq!(page["components"][1]["state"], "no_data", "never checked is not operational");
        assert_eq!(core["uptime_days"].as_array().unwrap().len(), 90);

        for private in [
            up["id"].as_str().unwrap(),
            down["id"].as_str().unwrap(),
            never["id"].as_str().unwrap(),
            id.as_str(),
            me["data"]["id"].as_str().unwrap(),
            me["data"]["email"].as_str().unwrap(),
            "127.0.0.2",
            "internal-admin-path",
            "db-primary-eu",
            "owner",
            "monitor_id",
        ] {
            assert!(!text.contains(private), "{private} is in the public page: {text}");
        }
    }
}

#[tokio::test]
async fn a_component_in_maintenance_reads_maintenance_and_the_page_announces_its_windows() {
    for app in spawn_all().await {
        let ann = app.user("ann").await;
        let db_monitor = app.create(&ann, MonitorBuilder::http("http://127.0.0.2:9/db")).await;
        let api = app.create(&ann, MonitorBuilder::http("http://127.0.0.2:9/api")).await;
        let id_of = |m: &Value| m["id"].as_str().unwrap().parse::<uuid::Uuid>().unwrap();
        let at = Utc::now() - Duration::minutes(2);
        domain::testing::down(&app.db.db, id_of(&db_monitor), at).await;
        domain::testing::down(&app.db.db, id_of(&api), at).await;
        let page = json!({"slug": "acme", "title": "Acme", "published": true});
        let id = create_page(&app, &ann, page).await;
        let list = json!([
            {"kind": "monitor", "public_name": "Database", "monitor_id": db_monitor["id"]},
            {"kind": "monitor", "public_name": "API", "monitor_id": api["id"]},
        ]);
        assert_eq!(put_components(&app, &ann, &id, list).await.0, 200);
        let window = |title: &str, from: Duration, to: Duration| {
            json!({
                "title": title, "description": "Moving to new disks", "kind": "one_off",
                "time_zone": "Europe/Berlin", "starts_at": Utc::now() + from,
                "ends_at": Utc::now() + to, "monitor_ids": [db_monitor["id"]],
            })
        };
        let windows = "/api/v1/maintenance-windows";
        let now = window("Disk swap", Duration::minutes(-5), Duration::hours(1));
        let soon =
            window("Failover drill", Duration::days(2), Duration::days(2) + Duration::hours(1));
        let later = window("Far off", Duration::days(30), Duration::days(30) + Duration::hours(1));
        for body in [now, soon, later] {
            app.create(&ann, (windows, body)).await;
        }

        let (status, body) = app.get("/api/v1/public/status/acme", None).await;
        assert_eq!(status, 200, "{body}");
        let page = &body["data"];
        let (database, other) = (&page["components"][0], &page["components"][1]);
        assert_eq!(database["state"], "maintenance", "planned work is not an outage");
        assert_eq!(other["state"], "major_outage", "a monitor outside the window is as it is");
        assert_eq!(page["state"], "partial_outage");
        let today = |c: &Value| c["uptime_days"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(today(database)["maintenance"], true);
        assert_eq!(today(other)["maintenance"], false);
        let notices: Vec<(&str, bool)> = page["maintenance"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["title"].as_str().unwrap(), m["active"].as_bool().unwrap()))
            .collect();
        assert_eq!(notices, [("Disk swap", true), ("Failover drill", false)], "{page}");
        assert_eq!(page["maintenance"][0]["components"], json!(["Database"]));
        let text = body.to_string();
        assert!(!text.contains(db_monitor["id"].as_str().unwrap()) && !text.contains("window_id"));
    }
}
