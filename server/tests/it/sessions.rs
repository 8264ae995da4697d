//! The browser session's cookies in both modes, and a user's own sessions
//! and password through the API and the account page's server functions.

#![allow(clippy::unwrap_used)]

use crate::support;

use serde_json::json;
use support::{spawn_each, spawn_sqlite, Spawn, TestApp, PASSWORD};

/// `GET /api/v1/me` with only this `Cookie` header: status and the cookies set.
async fn me_with_cookie(app: &TestApp, cookie: &str) -> (u16, Vec<String>) {
    let response =
        app.client.get(app.url("/api/v1/me")).header("cookie", cookie).send().await.unwrap();
    let set = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    (response.status().as_u16(), set)
}

/// Signs in through the page's server function; returns the `Set-Cookie` values.
async fn browser_sign_in(app: &TestApp, email: &str) -> Vec<String> {
    let response = app
        .client
        .post(app.url("/rpc/sign_in"))
        .header("origin", format!("http://{}", app.addr))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(support::urlencoded(&[("email", email), ("password", PASSWORD)]))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success() || response.status().is_redirection());
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn over_https_session_cookies_are_host_prefixed_and_plain_names_are_not_read() {
    let app = spawn_sqlite(Spawn {
        args: vec!["--public-url".into(), "https://status.example.org".into()],
        ..Default::default()
    })
    .await;
    app.signup("hana@example.org", PASSWORD).await;
    let set = browser_sign_in(&app, "hana@example.org").await;
    assert_eq!(set.len(), 2, "{set:?}");
    assert!(set[0].starts_with("__Host-rs_access=") && set[1].starts_with("__Host-rs_refresh="));
    assert!(set.iter().all(|c| c.contains("Path=/") && c.ends_with("; Secure")), "{set:?}");
    assert!(set.iter().all(|c| !c.contains("Domain")), "{set:?}");

    let (_, refresh) = app.signin("hana@example.org", PASSWORD).await;
    let (status, _) = me_with_cookie(&app, &format!("rs_refresh={refresh}")).await;
    assert_eq!(status, 401, "a plain-named cookie is not a session over https");
    let (status, set) = me_with_cookie(&app, &format!("__Host-rs_refresh={refresh}")).await;
    assert_eq!(status, 200, "the prefixed refresh cookie renews the session");
    assert!(set.iter().all(|c| c.starts_with("__Host-rs_")), "{set:?}");
}

#[tokio::test]
async fn over_plain_http_the_cookies_keep_their_plain_names() {
    let app = spawn_sqlite(Spawn::default()).await;
    app.signup("ivo@example.org", PASSWORD).await;
    let set = browser_sign_in(&app, "ivo@example.org").await;
    assert!(set[0].starts_with("rs_access=") && set[1].starts_with("rs_refresh="), "{set:?}");
    assert!(set.iter().all(|c| !c.contains("Secure")), "{set:?}");
    let (_, refresh) = app.signin("ivo@example.org", PASSWORD).await;
    let (status, _) = me_with_cookie(&app, &format!("__Host-rs_refresh={refresh}")).await;
    assert_eq!(status, 401, "browsers never send a __Host- cookie set without Secure");
    let (status, _) = me_with_cookie(&app, &format!("rs_refresh={refresh}")).await;
    assert_eq!(status, 200);
}

async fn refresh(app: &TestApp, token: &str) -> u16 {
    app.post("/api/v1/auth/refresh", json!({"refresh_token": token}), None).await.0
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_only_the_other_sessions() {
    for app in spawn_each(Spawn::default()).await {
        app.signup("pat@example.org", PASSWORD).await;
        let (laptop, laptop_refresh) = app.signin("pat@example.org", PASSWORD).await;
        let (phone, phone_refresh) = app.signin("pat@example.org", PASSWORD).await;
        let path = "/api/v1/account/password";
        let change =
            |current: &str, new: &str| json!({"current_password": current, "new_password": new});

        let (status, body) =
            app.send(reqwest::Method::POST, path, Some(change(PASSWORD, "n")), None).await;
        assert_eq!(status, 401, "{body}");
        let wrong = change("not my password", "a brand new secret");
        let (status, body) =
            app.send(reqwest::Method::POST, path, Some(wrong), Some(&laptop)).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
        let weak = change(PASSWORD, "short");
        let (status, body) = app.send(reqwest::Method::POST, path, Some(weak), Some(&laptop)).await;
        assert_eq!(status, 400, "{body}");
        assert!(body["error"].as_str().unwrap().contains("at least 8"), "{body}");
        let same = change(PASSWORD, PASSWORD);
        let (status, _) = app.send(reqwest::Method::POST, path, Some(same), Some(&laptop)).await;
        assert_eq!(status, 400);
        let (status, _) = app.send(reqwest::Method::GET, "/api/v1/me", None, Some(&phone)).await;
        assert_eq!(status, 200, "refused changes end nothing");

        let good = change(PASSWORD, "a brand new secret");
        let (status, body) = app.send(reqwest::Method::POST, path, Some(good), Some(&laptop)).await;
        assert_eq!(status, 200, "{}: {body}", app.backend);
        let (status, _) = app.send(reqwest::Method::GET, "/api/v1/me", None, Some(&laptop)).await;
        assert_eq!(status, 200, "the session that changed it stays");
        let (status, _) = app.send(reqwest::Method::GET, "/api/v1/me", None, Some(&phone)).await;
        assert_eq!(status, 401, "the other session ended at once");
        assert_eq!(refresh(&app, &phone_refresh).await, 401);
        assert_eq!(refresh(&app, &laptop_refresh).await, 200);
        let (status, _) = app
            .post("/api/v1/signin", json!({"email": "pat@example.org", "password": PASSWORD}), None)
            .await;
        assert_eq!(status, 401, "the old password is gone");
        app.signin("pat@example.org", "a brand new secret").await;
    }
}

#[tokio::test]
async fn users_list_their_sessions_and_end_another_one() {
    for app in spawn_each(Spawn::default()).await {
        app.signup("lea@example.org", PASSWORD).await;
        let (laptop, _) = app.signin("lea@example.org", PASSWORD).await;
        let (phone, phone_refresh) = app.signin("lea@example.org", PASSWORD).await;
        let stranger = app.user("mallory").await;

        let (status, body) =
            app.send(reqwest::Method::GET, "/api/v1/account/sessions", None, Some(&laptop)).await;
        assert_eq!(status, 200, "{body}");
        let sessions = body["data"]["sessions"].as_array().unwrap().clone();
        assert_eq!(sessions.len(), 2, "{body}");
        assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1, "{body}");
        let other = sessions.iter().find(|s| s["current"] == false).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(sessions
            .iter()
            .all(|s| s["expires_at"].is_string() && s["created_at"].is_string()));

        let end = format!("/api/v1/account/sessions/{other}");
        let (status, _) = app.send(reqwest::Method::DELETE, &end, None, Some(&stranger)).await;
        assert_eq!(status, 404, "another user's session is not theirs to end");
        let (status, _) = app.send(reqwest::Method::DELETE, &end, None, None).await;
        assert_eq!(status, 401);
        let (status, body) = app.send(reqwest::Method::DELETE, &end, None, Some(&laptop)).await;
        assert_eq!(status, 200, "{body}");
        let (status, _) = app.send(reqwest::Method::DELETE, &end, None, Some(&laptop)).await;
        assert_eq!(status, 200, "ending it again changes nothing");
        let (status, _) = app.send(reqwest::Method::GET, "/api/v1/me", None, Some(&phone)).await;
        assert_eq!(status, 401, "the ended session's access token stops at once");
        assert_eq!(refresh(&app, &phone_refresh).await, 401);
        let unknown = format!("/api/v1/account/sessions/{}", uuid::Uuid::new_v4());
        let (status, _) = app.send(reqwest::Method::DELETE, &unknown, None, Some(&laptop)).await;
        assert_eq!(status, 404);
        let (status, body) = app
            .send(reqwest::Method::DELETE, "/api/v1/account/sessions/nope", None, Some(&laptop))
            .await;
        assert_eq!(status, 400, "{body}");
        let (_, body) =
            app.send(reqwest::Method::GET, "/api/v1/account/sessions", None, Some(&laptop)).await;
        assert_eq!(body["data"]["sessions"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn the_account_page_lists_sessions_ends_one_and_changes_the_password() {
    let app = spawn_sqlite(Spawn::default()).await;
    app.signup("uma@example.org", PASSWORD).await;
    let (browser, _) = app.signin("uma@example.org", PASSWORD).await;
    let (other, _) = app.signin("uma@example.org", PASSWORD).await;

    let (status, list) = app.rpc("account_sessions", &[], Some(&browser)).await;
    assert_eq!(status, 200, "{list}");
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows.iter().filter(|s| s["current"] == true).count(), 1, "{list}");
    let other_id =
        rows.iter().find(|s| s["current"] == false).unwrap()["id"].as_str().unwrap().to_owned();
    let (status, _) = app.rpc("account_end_session", &[("id", &other_id)], Some(&browser)).await;
    assert_eq!(status, 200);
    let (status, _) = app.get("/api/v1/me", Some(&other)).await;
    assert_eq!(status, 401);

    let form = [("current_password", "wrong password"), ("new_password", "another good one")];
    let (status, body) = app.rpc("account_change_password", &form, Some(&browser)).await;
    assert_eq!(status, 403, "as on /api: {body}");
    assert_eq!(body["field"], "current_password", "{body}");
    let form = [("current_password", PASSWORD), ("new_password", "tiny")];
    let (status, body) = app.rpc("account_change_password", &form, Some(&browser)).await;
    assert_eq!(status, 400, "as on /api: {body}");
    assert_eq!(body["field"], "new_password", "{body}");
    let form = [("current_password", PASSWORD), ("new_password", "another good one")];
    let (status, body) = app.rpc("account_change_password", &form, Some(&browser)).await;
    assert_eq!(status, 200, "{body}");
    let (_, html) = app.page("/account", &browser).await;
    assert!(html.contains("Your sessions") && html.contains("Change your password"));
    app.signin("uma@example.org", "another good one").await;
}

#[tokio::test]
async fn the_account_routes_are_in_the_openapi_document() {
    let app = spawn_sqlite(Spawn::default()).await;
    let (_, doc) = app.get("/api/v1/openapi.json", None).await;
    let paths = &doc["paths"];
    assert!(paths["/account/password"]["post"]["responses"]["403"].is_object(), "{paths}");
    assert!(paths["/account/sessions"]["get"].is_object());
    let delete = &paths["/account/sessions/{id}"]["delete"]["responses"];
    for code in ["200", "400", "401", "404"] {
        assert!(delete[code].is_object(), "{code}: {delete}");
    }
}
