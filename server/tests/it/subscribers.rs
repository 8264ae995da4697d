//! Status page subscribers through the real app and pipeline, on SQLite and
//! Postgres: double opt-in by email against the SMTP stand-in (nothing but
//! the confirmation before the link is followed; a GET of the link
//! confirms nothing), notices with RFC 8058 one-click unsubscribe headers
//! that work, webhooks verified by a signed test delivery, limits per
//! address and client, and the owner-only list and CSV export.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use crate::support;

use jobs::testing::{
    smtp_stand_in, verify_standard_webhook, Mail, Recorder, Tripwire, STAND_IN_HOST,
};
use reqwest::Method;
use serde_json::json;
use support::{eventually, spawn_each, Spawn, TestApp};

const PAGES: &str = "/api/v1/status-pages";

/// A published page of `token`'s with one static component; its id and the component's.
async fn page(app: &TestApp, token: &str, slug: &str) -> (String, String) {
    let body = json!({"slug": slug, "title": "Acme status", "published": true});
    let page = app.create(token, (PAGES, body)).await;
    let id = page["id"].as_str().unwrap().to_owned();
    let list = json!({"components": [
        {"kind": "static", "public_name": "Website", "static_state": "operational"},
        {"kind": "static", "public_name": "Billing", "static_state": "operational"},
    ]});
    let (status, saved) =
        app.send(Method::PUT, &format!("{PAGES}/{id}/components"), Some(list), Some(token)).await;
    assert_eq!(status, 200, "{saved}");
    (id, saved["data"]["components"][0]["id"].as_str().unwrap().to_owned())
}

/// The mails to `to`, decoded enough to read links (quoted-printable soft
/// breaks and `=3D` undone).
fn mails_to(mails: &Arc<Mutex<Vec<Mail>>>, to: &str) -> Vec<String> {
    mails
        .lock()
        .unwrap()
        .iter()
        .filter(|m| m.to.iter().any(|r| r.contains(to)))
        .map(|m| m.data.replace("=\r\n", "").replace("=3D", "="))
        .collect()
}

/// The path and query of the first link in `text` containing `marker`.
fn link(text: &str, marker: &str) -> String {
    let start = text.find(marker).unwrap_or_else(|| panic!("no {marker} link in {text}"));
    let from = text[..start].rfind("http").unwrap();
    let url: String =
        text[from..].chars().take_while(|c| !c.is_whitespace() && !"<>\"".contains(*c)).collect();
    let url = url::Url::parse(&url).unwrap();
    format!("{}?{}", url.path(), url.query().unwrap_or_default())
}

/// A header's value in a raw mail.
fn header<'a>(mail: &'a str, name: &str) -> Option<&'a str> {
    mail.lines().find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

async fn subscriber_states(app: &TestApp, token: &str, page: &str) -> Vec<String> {
    let (status, list) = app.get(&format!("{PAGES}/{page}/subscribers"), Some(token)).await;
    assert_eq!(status, 200, "{list}");
    list["data"].as_array().unwrap().iter().map(|s| s["state"].as_str().unwrap().into()).collect()
}

async fn post_form(app: &TestApp, path: &str, body: &str) -> (u16, String) {
    let response = app
        .client
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_double_opt_in_then_notices_and_one_click_unsubscribe() {
    let (smtp_port, mails) = smtp_stand_in("250 recipient ok").await;
    let opts = Spawn {
        pipeline: true,
        args: vec![
            "--smtp-url".into(),
            format!("smtp://{STAND_IN_HOST}:{smtp_port}"),
            "--smtp-from".into(),
            "Acme status <status@runstate.test>".into(),
        ],
        ..Default::default()
    };
    for app in spawn_each(opts).await {
        let ann = app.user("ann").await;
        let slug = format!("acme-{}", app.backend);
        let (page, _) = page(&app, &ann, &slug).await;
        let reader = format!("reader-{}@example.org", app.backend);
        let subscribe = format!("/api/v1/public/status/{slug}/subscribers");
        let (status, body) =
            app.post(&subscribe, json!({"email": reader.to_uppercase()}), None).await;
        assert_eq!((status, &body["data"]["state"]), (202, &json!("pending")), "{body}");

        let confirmation = eventually("the confirmation mail", || async {
            mails_to(&mails, &reader).into_iter().next()
        })
        .await;
        assert!(confirmation.contains("Subject: Confirm your subscription to Acme status"));
        let confirm = link(&confirmation, "/subscription/confirm");
        // A link scanner's GET confirms nothing.
        let (status, form) = app.page(&confirm, "").await;
        assert_eq!(status, 200, "{form}");
        assert!(form.contains("<form method=\"post\""), "{form}");
        assert_eq!(subscriber_states(&app, &ann, &page).await, ["pending"]);
        let (status, done) = post_form(&app, &confirm, "").await;
        assert_eq!(status, 200, "{done}");
        assert!(done.contains("Subscribed"), "{done}");
        assert_eq!(subscriber_states(&app, &ann, &page).await, ["active"]);
        // Following it again changes nothing; an altered token opens nothing.
        assert_eq!(post_form(&app, &confirm, "").await.0, 200);
        assert_eq!(post_form(&app, &confirm.replace("token=c.", "token=c.0"), "").await.0, 400);

        let incident = json!({"title": "Checkout is slow", "body": "We are **looking** into it."});
        let (status, created) =
            app.post(&format!("{PAGES}/{page}/incidents"), incident, Some(&ann)).await;
        assert_eq!(status, 201, "{created}");
        let notice = eventually("the incident mail", || async {
            mails_to(&mails, &reader).into_iter().find(|m| m.contains("Checkout is slow"))
        })
        .await;
        assert!(notice.contains("Subject: [Acme status] Incident: Checkout is slow"), "{notice}");
        assert!(notice.contains("<strong>looking</strong>"), "markdown rendered in HTML");
        assert_eq!(
            header(&notice, "List-Unsubscribe-Post"),
            Some("List-Unsubscribe=One-Click"),
            "{notice}"
        );
        let one_click = header(&notice, "List-Unsubscribe").unwrap();
        let unsubscribe = link(one_click, "/subscription/unsubscribe");
        let (status, _) = post_form(&app, &unsubscribe, "List-Unsubscribe=One-Click").await;
        assert_eq!(status, 200);
        assert_eq!(subscriber_states(&app, &ann, &page).await, ["unsubscribed"]);
        // Exactly two mails: the confirmation and the one notice.
        assert_eq!(mails_to(&mails, &reader).len(), 2);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_subscribe_through_a_signed_test_delivery_and_get_signed_notices() {
    let opts = Spawn { pipeline: true, ..Default::default() };
    for app in spawn_each(opts).await {
        let ann = app.user("ann").await;
        let slug = format!("hooks-{}", app.backend);
        let (page, website) = page(&app, &ann, &slug).await;
        let subscribe = format!("/api/v1/public/status/{slug}/subscribers");

        let refusing = Recorder::start("/refuses").await;
        refusing.set_status(404);
        let (status, body) = app.post(&subscribe, json!({"webhook_url": refusing.url}), None).await;
        assert_eq!((status, body["field"].as_str()), (422, Some("webhook_url")), "{body}");
        assert_eq!(refusing.hits(), 1, "one test delivery");

        let hook = Recorder::start("/hooks/status").await;
        let choice = json!({"webhook_url": hook.url, "component_ids": [website]});
        let (status, body) = app.post(&subscribe, choice.clone(), None).await;
        assert_eq!(status, 201, "{body}");
        let secret = body["data"]["secret"].as_str().unwrap().to_owned();
        let test = hook.seen().remove(0);
        assert_eq!(test.json()["type"], "status_page.subscription_test");
        assert!(verify_standard_webhook(&secret, &test), "the test delivery is signed");
        let (status, again) = app.post(&subscribe, choice, None).await;
        assert_eq!((status, again["field"].as_str()), (409, Some("webhook_url")), "{again}");

        // An incident about another component is not its business; one
        // about its component is, and so is its resolution.
        let incidents = format!("{PAGES}/{page}/incidents");
        let (_, list) = app.get(&format!("{PAGES}/{page}/components"), Some(&ann)).await;
        let billing = list["data"]["components"][1]["id"].clone();
        let other = json!({"title": "Invoices late", "body": "x",
            "impacts": [{"component_id": billing, "impact": "degraded"}]});
        assert_eq!(app.post(&incidents, other, Some(&ann)).await.0, 201);
        let mine = json!({"title": "Site down", "body": "Looking.",
            "impacts": [{"component_id": website, "impact": "major_outage"}]});
        let (_, created) = app.post(&incidents, mine, Some(&ann)).await;
        let id = created["data"]["id"].as_str().unwrap();
        let resolved = json!({"phase": "resolved", "body": "Fixed."});
        let (status, _) =
            app.post(&format!("{incidents}/{id}/updates"), resolved, Some(&ann)).await;
        assert_eq!(status, 201);
        let seen = eventually("the resolution notice", || async {
            let seen = hook.seen();
            seen.iter().any(|s| s.json()["type"] == "status_page.incident_resolved").then_some(seen)
        })
        .await;
        let mut types: Vec<String> =
            seen.iter().map(|s| s.json()["type"].as_str().unwrap().to_owned()).collect();
        // The two notices may be sent at once, in either order.
        types.sort();
        assert_eq!(
            types,
            [
                "status_page.incident_published",
                "status_page.incident_resolved",
                "status_page.subscription_test",
            ]
        );
        for delivery in &seen {
            assert!(verify_standard_webhook(&secret, delivery), "every delivery is signed");
        }
        let published = seen
            .iter()
            .map(|s| s.json())
            .find(|body| body["type"] == "status_page.incident_published")
            .unwrap();
        assert_eq!(published["data"]["title"], "Site down");
        assert_eq!(published["data"]["page"]["slug"], slug.as_str());
        assert!(published["data"]["unsubscribe_url"].as_str().unwrap().contains("unsubscribe"));
    }
}

#[tokio::test]
async fn subscriptions_are_limited_validated_and_listed_for_the_owner_only() {
    // A mail server that is never reached: nothing is sent without the pipeline.
    let args = vec![
        "--smtp-url".into(),
        format!("smtp://{STAND_IN_HOST}:9"),
        "--smtp-from".into(),
        "status@runstate.test".into(),
    ];
    for app in spawn_each(Spawn { args, ..Default::default() }).await {
        let (ann, bob) = (app.user("ann").await, app.user("bob").await);
        let (page, _) = page(&app, &ann, "limits").await;
        let subscribe = "/api/v1/public/status/limits/subscribers";
        let (status, body) = app.post(subscribe, json!({"email": "not-an-email"}), None).await;
        assert_eq!((status, body["field"].as_str()), (422, Some("email")), "{body}");
        let foreign = json!({"email": "a@example.org", "component_ids": [uuid::Uuid::new_v4()]});
        let (status, body) = app.post(subscribe, foreign, None).await;
        assert_eq!((status, body["field"].as_str()), (422, Some("component_ids[0]")), "{body}");
        for neither_or_both in
            [json!({}), json!({"email": "a@b.org", "webhook_url": "http://x.org"})]
        {
            let (status, _) = app.post(subscribe, neither_or_both, None).await;
            assert_eq!(status, 400, "exactly one of email and webhook_url");
        }
        let (status, _) = app
            .post("/api/v1/public/status/nope/subscribers", json!({"email": "a@b.org"}), None)
            .await;
        assert_eq!(status, 404);

        // Three confirmation mails per address an hour; the fourth waits.
        for _ in 0..3 {
            let (status, _) = app.post(subscribe, json!({"email": "x@example.org"}), None).await;
            assert_eq!(status, 202);
        }
        let response = app
            .client
            .post(app.url(subscribe))
            .json(&json!({"email": "x@example.org"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 429);
        assert!(response.headers().contains_key("retry-after"));
        // Ten requests per client an hour (four were counted above, plus
        // the ones refused for their input: those came before the count).
        let mut statuses = Vec::new();
        for i in 0..8 {
            let email = json!({"email": format!("n{i}@example.org")});
            statuses.push(app.post(subscribe, email, None).await.0);
        }
        assert_eq!(statuses, [202, 202, 202, 202, 202, 202, 429, 429], "per client");

        let list = format!("{PAGES}/{page}/subscribers");
        assert_eq!(subscriber_states(&app, &ann, &page).await.len(), 7);
        assert_eq!(app.get(&list, Some(&bob)).await.0, 404, "another user's page");
        assert_eq!(app.get(&list, None).await.0, 401);
        let csv = app
            .client
            .get(app.url(&format!("{list}/export")))
            .bearer_auth(&ann)
            .send()
            .await
            .unwrap();
        assert_eq!(csv.status(), 200);
        assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let text = csv.text().await.unwrap();
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(
            rows[0],
            "id,kind,address,components,state,created_at,confirmed_at,unsubscribed_at"
        );
        assert_eq!(rows.len(), 8, "{text}");
        assert!(rows.iter().any(|r| r.contains(",email,x@example.org,,pending,")), "{text}");
        let (_, listed) = app.get(&list, Some(&ann)).await;
        let first = listed["data"][0]["id"].as_str().unwrap();
        let one = format!("{list}/{first}");
        assert_eq!(app.send(Method::DELETE, &one, None, Some(&bob)).await.0, 404);
        assert_eq!(app.send(Method::DELETE, &one, None, Some(&ann)).await.0, 200);
        assert_eq!(subscriber_states(&app, &ann, &page).await.len(), 6);
    }
}

#[tokio::test]
async fn a_server_that_sends_no_mail_takes_no_email_subscriptions() {
    let app = support::spawn_sqlite(Spawn::default()).await;
    let ann = app.user("ann").await;
    page(&app, &ann, "quiet").await;
    let (status, body) = app
        .post("/api/v1/public/status/quiet/subscribers", json!({"email": "a@example.org"}), None)
        .await;
    assert_eq!((status, body["field"].as_str()), (422, Some("email")), "{body}");
    let unknown = "/api/v1/public/status/nope/subscribers";
    let (status, _) = app.post(unknown, json!({"email": "a@example.org"}), None).await;
    assert_eq!(status, 404, "an unknown page is the first answer");
    let (status, _) = post_form(&app, "/status/nope/subscribe", "email=a%40example.org").await;
    assert_eq!(status, 404);
    let (status, _) = post_form(&app, "/status/quiet/subscribe", "email=a%40example.org").await;
    assert_eq!(status, 303);
    let response = app
        .client
        .post(app.url("/status/quiet/subscribe"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=a%40example.org")
        .send()
        .await
        .unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("?subscribe=unavailable#subscribe"), "{location}");
}

#[tokio::test]
async fn a_webhook_on_a_denied_address_is_refused_without_a_connection() {
    let app = support::spawn_sqlite(Spawn::default()).await;
    let ann = app.user("ann").await;
    page(&app, &ann, "guarded").await;
    // 127.0.0.1 is loopback but not the stand-ins' allowed 127.0.0.2/32.
    let tripwire = Tripwire::start("127.0.0.1").await;
    let url = format!("http://127.0.0.1:{}/hook", tripwire.port());
    let (status, body) = app
        .post("/api/v1/public/status/guarded/subscribers", json!({"webhook_url": url}), None)
        .await;
    assert_eq!((status, body["field"].as_str()), (422, Some("webhook_url")), "{body}");
    assert_eq!(tripwire.connections(), 0, "the guard refused before connecting");
}

/// The page's own form subscribes to the components ticked (their ids as
/// the public JSON shows them), or to the whole page when none is; a value
/// that is not one of the page's components is refused.
#[tokio::test]
async fn the_page_form_subscribes_to_the_components_ticked() {
    let (smtp_port, _mails) = smtp_stand_in("250 recipient ok").await;
    let smtp = vec![
        "--smtp-url".into(),
        format!("smtp://{STAND_IN_HOST}:{smtp_port}"),
        "--smtp-from".into(),
        "status@runstate.test".into(),
    ];
    let app = support::spawn_sqlite(Spawn { args: smtp, ..Default::default() }).await;
    let ann = app.user("ann").await;
    let (page, _) = page(&app, &ann, "chosen").await;
    let (_, public) = app.get("/api/v1/public/status/chosen", None).await;
    let billing = public["data"]["components"][1]["id"].as_str().unwrap().to_owned();
    assert_eq!(public["data"]["components"][1]["name"], "Billing", "{public}");
    let (_, html) = app.page("/status/chosen", "").await;
    let boxes = html.matches("type=\"checkbox\" name=\"component\"").count();
    assert_eq!(boxes, 2, "a box per component in the page's form");
    assert!(html.contains(&format!("value=\"{billing}\"")));

    let redirect = |body: String| {
        let app = &app;
        async move {
            let response = app
                .client
                .post(app.url("/status/chosen/subscribe"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 303);
            response.headers()["location"].to_str().unwrap().to_owned()
        }
    };
    let chosen = redirect(format!("email=some%40example.org&component={billing}")).await;
    assert!(chosen.ends_with("?subscribe=sent#subscribe"), "{chosen}");
    let whole = redirect("email=all%40example.org".into()).await;
    assert!(whole.ends_with("?subscribe=sent#subscribe"), "{whole}");
    for bad in ["component=nope", "component=01a25317-9765-7217-bf23-ab6dfb28792d"] {
        let refused = redirect(format!("email=bad%40example.org&{bad}")).await;
        assert!(refused.ends_with("?subscribe=invalid#subscribe"), "{bad}: {refused}");
    }

    let (_, list) = app.get(&format!("{PAGES}/{page}/subscribers"), Some(&ann)).await;
    let by_address = |address: &str| {
        list["data"].as_array().unwrap().iter().find(|s| s["address"] == address).cloned()
    };
    assert_eq!(by_address("some@example.org").unwrap()["component_ids"], json!([billing]));
    assert_eq!(by_address("all@example.org").unwrap()["component_ids"], json!(null));
    assert!(by_address("bad@example.org").is_none(), "{list}");
}
