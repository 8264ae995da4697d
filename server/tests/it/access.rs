//! Access to a monitor, route by route, on SQLite and Postgres: for every
//! route that reads or changes one monitor (our monitors, the contract's
//! websites, history, incidents, runners, the monitor page's server
//! functions), another user's id is refused with the route's 403, an unknown
//! id is 404, and the owner and an admin get through. Lists across monitors
//! show only the caller's own.

#![allow(clippy::unwrap_used)]

use crate::support;

use chrono::Utc;
use domain::entities::{github_runners, incident_events, incidents};
use reqwest::Method;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{json, Value};
use support::{spawn_all, TestApp};
use uuid::Uuid;

/// One API route: `{id}` is the monitor, `{incident}` its incident,
/// `{runner}` its runner; `ok` is what the owner and an admin get.
struct Route {
    method: Method,
    path: &'static str,
    body: Option<fn() -> Value>,
    ok: u16,
}

fn route(method: Method, path: &'static str, ok: u16) -> Route {
    Route { method, path, body: None, ok }
}

fn routes() -> Vec<Route> {
    vec![
        // monitors
        route(Method::GET, "/api/v1/monitors/{id}", 200),
        Route {
            method: Method::PATCH,
            path: "/api/v1/monitors/{id}",
            body: Some(|| json!({"name": "renamed"})),
            ok: 200,
        },
        route(Method::POST, "/api/v1/monitors/{id}/pause", 200),
        route(Method::POST, "/api/v1/monitors/{id}/resume", 200),
        route(Method::DELETE, "/api/v1/monitors/{id}", 200),
        // websites
        route(Method::GET, "/api/v1/websites/{id}", 200),
        route(Method::GET, "/api/v1/websites/{id}/checks", 200),
        route(Method::GET, "/api/v1/websites/{id}/response-times", 200),
        route(Method::GET, "/api/v1/websites/{id}/incidents", 200),
        route(Method::GET, "/api/v1/websites/{id}/notifications", 200),
        route(Method::DELETE, "/api/v1/websites/{id}", 200),
        // history
        route(Method::GET, "/api/v1/monitors/{id}/checks", 200),
        route(Method::GET, "/api/v1/monitors/{id}/stats", 200),
        route(Method::GET, "/api/v1/monitors/{id}/incidents", 200),
        route(Method::GET, "/api/v1/monitors/{id}/notifications", 200),
        // incidents
        route(Method::GET, "/api/v1/incidents/{incident}", 200),
        route(Method::POST, "/api/v1/incidents/{incident}/acknowledge", 200),
        // runners
        route(Method::GET, "/api/v1/monitors/{id}/runners", 200),
        route(Method::GET, "/api/v1/monitors/{id}/runners/{runner}/outages", 200),
        route(Method::DELETE, "/api/v1/monitors/{id}/runners/{runner}", 200),
        // DNS answers: the target is an HTTP monitor, so the owner and an admin
        // get past the access check to "not a DNS monitor"; others stop at it.
        route(Method::GET, "/api/v1/monitors/{id}/dns", 404),
        route(Method::POST, "/api/v1/monitors/{id}/dns/accept", 404),
    ]
}

/// A server function's form for a monitor id.
type Form = fn(&str) -> Vec<(String, String)>;

/// The monitor page's server functions: the endpoint and its form for a
/// monitor id; every one answers 200 to the owner and an admin.
fn server_functions() -> Vec<(&'static str, Form)> {
    vec![
        ("monitor", |id| vec![("id".into(), id.into())]),
        ("monitor_stats", |id| vec![("id".into(), id.into()), ("window".into(), "24h".into())]),
        ("monitor_checks", |id| vec![("id".into(), id.into()), ("cursor".into(), String::new())]),
        ("monitor_form", |id| vec![("id".into(), id.into())]),
        ("save_monitor", |id| {
            [
                ("form[id]", id),
                ("form[kind]", "http"),
                ("form[name]", "edited"),
                ("form[url]", "https://edited.example.org/"),
                ("form[expected_status]", "200-399"),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
        }),
        ("pause_monitor", |id| vec![("id".into(), id.into()), ("paused".into(), "true".into())]),
        ("delete_monitor", |id| vec![("id".into(), id.into())]),
    ]
}

/// A monitor of `owner`'s with an incident (with its timeline) and a runner.
/// The rows are written by hand on purpose: one website that also has a
/// runner outage is a state no pipeline produces, and it lets every route
/// family (websites, history, incidents, runners) hit one target.
struct Target {
    monitor: Uuid,
    incident: Uuid,
}

const RUNNER: &str = "runner-1";

async fn target(app: &TestApp, owner: &str) -> Target {
    let url = format!("https://{}.example.org/", Uuid::new_v4().simple());
    let (status, body) = app.post("/api/v1/websites", json!({ "url": url }), Some(owner)).await;
    assert_eq!(status, 201, "{body}");
    let monitor: Uuid = body["data"]["id"].as_str().unwrap().parse().unwrap();
    let (db, now, incident) = (&app.db.db, Utc::now(), Uuid::now_v7());
    incidents::ActiveModel {
        id: Set(incident),
        monitor_id: Set(monitor),
        subject: Set(RUNNER.into()),
        number: Set(1),
        started_at: Set(now),
        resolved_at: Set(None),
        cause: Set("Runner runner-1 is offline".into()),
        acknowledged_at: Set(None),
        acknowledged_by: Set(None),
    }
    .insert(db)
    .await
    .unwrap();
    incident_events::ActiveModel {
        id: Set(Uuid::now_v7()),
        incident_id: Set(incident),
        at: Set(now),
        kind: Set(kinds::IncidentEventKind::Opened),
        message: Set("opened".into()),
    }
    .insert(db)
    .await
    .unwrap();
    github_runners::ActiveModel {
        id: Set(Uuid::now_v7()),
        monitor_id: Set(monitor),
        github_id: Set(1),
        name: Set(RUNNER.into()),
        status: Set(kinds::RunnerStatus::Offline),
        busy: Set(false),
        os: Set("linux".into()),
        labels: Set("[]".into()),
        health: Set(kinds::Status::Down),
        failures: Set(1),
        successes: Set(0),
        first_seen_at: Set(now),
        last_seen_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap();
    Target { monitor, incident }
}

fn path(route: &Route, monitor: Uuid, incident: Uuid) -> String {
    route
        .path
        .replace("{id}", &monitor.to_string())
        .replace("{incident}", &incident.to_string())
        .replace("{runner}", RUNNER)
}

#[tokio::test]
async fn every_monitor_route_refuses_other_users_and_unknown_ids_and_lets_owners_and_admins_in() {
    for app in spawn_all().await {
        let (owner, other, admin) =
            (app.user("owner").await, app.user("other").await, app.admin_token().await);
        for route in routes() {
            let what = format!("{} {} ({})", route.method, route.path, app.backend);
            // Refusals change nothing, so one target serves them and the admin.
            let t = target(&app, &owner).await;
            let theirs = path(&route, t.monitor, t.incident);
            let (status, body) = app
                .send(route.method.clone(), &theirs, route.body.map(|body| body()), Some(&other))
                .await;
            assert_eq!(status, 403, "another user's: {what}: {body}");
            assert_eq!(body["success"], false, "{what}: the error envelope");
            let unknown = path(&route, Uuid::new_v4(), Uuid::new_v4());
            let (status, body) = app
                .send(route.method.clone(), &unknown, route.body.map(|body| body()), Some(&owner))
                .await;
            assert_eq!(status, 404, "unknown id: {what}: {body}");
            let (status, body) = app
                .send(route.method.clone(), &theirs, route.body.map(|body| body()), Some(&admin))
                .await;
            assert_eq!(status, route.ok, "an admin: {what}: {body}");
            let t = target(&app, &owner).await;
            let own = path(&route, t.monitor, t.incident);
            let (status, body) = app
                .send(route.method.clone(), &own, route.body.map(|body| body()), Some(&owner))
                .await;
            assert_eq!(status, route.ok, "the owner: {what}: {body}");
        }
    }
}

#[tokio::test]
async fn the_monitor_pages_server_functions_refuse_other_users_and_unknown_ids() {
    for app in spawn_all().await {
        let (owner, other, admin) =
            (app.user("owner").await, app.user("other").await, app.admin_token().await);
        for (endpoint, form) in server_functions() {
            let what = format!("/rpc/{endpoint} ({})", app.backend);
            let call = |id: String, token: String| {
                let fields = form(&id);
                let app = &app;
                async move {
                    let fields: Vec<(&str, &str)> =
                        fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                    app.rpc(endpoint, &fields, Some(&token)).await
                }
            };
            let t = target(&app, &owner).await;
            let (status, body) = call(t.monitor.to_string(), other.clone()).await;
            assert_eq!(status, 403, "another user's: {what}: {body}");
            let (status, body) = call(Uuid::new_v4().to_string(), owner.clone()).await;
            assert_eq!(status, 404, "unknown id: {what}: {body}");
            let (status, body) = call(t.monitor.to_string(), admin.clone()).await;
            assert_eq!(status, 200, "an admin: {what}: {body}");
            let t = target(&app, &owner).await;
            let (status, body) = call(t.monitor.to_string(), owner.clone()).await;
            assert_eq!(status, 200, "the owner: {what}: {body}");
        }
    }
}

#[tokio::test]
async fn lists_across_monitors_show_only_the_callers_own() {
    for app in spawn_all().await {
        let (owner, other, admin) =
            (app.user("owner").await, app.user("other").await, app.admin_token().await);
        let t = target(&app, &owner).await;
        let named = format!("/api/v1/incidents?monitor_id={}", t.monitor);
        for path in [named.clone(), format!("{named}&all=true"), "/api/v1/incidents".into()] {
            let (status, body) = app.get(&path, Some(&other)).await;
            assert_eq!(status, 200, "{path}: {body}");
            assert_eq!(body["data"]["incidents"], json!([]), "{path} ({})", app.backend);
        }
        let (_, body) = app.get(&format!("{named}&all=true"), Some(&admin)).await;
        assert_eq!(body["data"]["incidents"][0]["id"], t.incident.to_string(), "admins, with all");
        let (_, body) = app.get(&named, Some(&owner)).await;
        assert_eq!(body["data"]["incidents"][0]["id"], t.incident.to_string(), "the owner");

        let (_, body) = app.get("/api/v1/monitors?all=true", Some(&other)).await;
        assert_eq!(body["data"]["monitors"], json!([]), "all=true is for admins");
        let (status, body) =
            app.rpc("dashboard", &[("status", ""), ("search", "")], Some(&other)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["monitors"], json!([]));
        assert_eq!(body["counts"]["total"], 0, "counts are the caller's own");
    }
}
