//! HTTP monitors' request options through the API: stored and shown, bad
//! ones refused naming their field, credentials turned into a sealed
//! `Authorization` header that the real check sends.

#![allow(clippy::unwrap_used)]

use crate::support;

use domain::testing::MonitorBuilder;
use jobs::testing::Recorder;
use serde_json::json;
use support::{spawn_sqlite, Spawn};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_are_kept_shown_and_credentials_sent_sealed() {
    let app = spawn_sqlite(Spawn { pipeline: true, ..Default::default() }).await;
    let target = Recorder::start("/private").await;
    let token = app.user("ops").await;
    let monitor = MonitorBuilder::http(&target.url)
        .set("http.http_version", json!("http1"))
        .set("http.accept_invalid_certs", json!(true))
        .set("http.resolver", json!("9.9.9.9"))
        .set("http.auth", json!({"type": "bearer", "token": "tok-0123456789"}))
        .interval(1);
    let created = app.create(&token, monitor).await;
    let http = &created["http"];
    assert_eq!(http["http_version"], "http1", "{created}");
    assert_eq!(http["accept_invalid_certs"], true);
    assert_eq!(http["resolver"], "9.9.9.9:53");
    assert_eq!(http["proxy"], json!(null));
    assert_eq!(http["cert_expiry_days"], json!([14, 7, 1]), "the defaults");
    assert_eq!(http["cert_notify_on_change"], false);
    let shown = http["headers"]["Authorization"].as_str().unwrap();
    assert!(!shown.contains("tok-0123456789"), "the header is masked: {shown}");

    // The resolver would be asked for a name; this target is an address,
    // so the check reaches it and sends the credentials.
    let path = format!("/api/v1/monitors/{}", created["id"].as_str().unwrap());
    app.wait_for(&token, &path, |m| m["status"] == "up").await;
    let seen = target.seen();
    assert_eq!(seen[0].header("authorization"), "Bearer tok-0123456789");

    // null puts the system's resolver back; other options stay.
    let change = json!({"http": {
        "resolver": null,
        "proxy": "http://proxy.example:3128",
        "cert_expiry_days": [3, 30],
        "cert_notify_on_change": true,
    }});
    let (status, body) = app.send(reqwest::Method::PATCH, &path, Some(change), Some(&token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["http"]["resolver"], json!(null));
    assert_eq!(body["data"]["http"]["proxy"], "http://proxy.example:3128/");
    assert_eq!(body["data"]["http"]["http_version"], "http1");
    assert_eq!(body["data"]["http"]["cert_expiry_days"], json!([30, 3]), "highest first");
    assert_eq!(body["data"]["http"]["cert_notify_on_change"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_bad_option_is_a_422_naming_its_field() {
    let app = spawn_sqlite(Spawn::default()).await;
    let token = app.user("ops").await;
    let cases = [
        ("http.http_version", json!("http3"), "http.http_version"),
        ("http.resolver", json!("dns.example"), "http.resolver"),
        ("http.proxy", json!("socks5://proxy:1080"), "http.proxy"),
        ("http.proxy", json!("http://:pw@proxy:3128"), "http.proxy"),
        (
            "http.auth",
            json!({"type": "basic", "username": "a:b", "password": "x"}),
            "http.auth.username",
        ),
        ("http.auth", json!({"type": "bearer", "token": "two words"}), "http.auth.token"),
        ("http.cert_expiry_days", json!([400]), "http.cert_expiry_days"),
        ("http.cert_expiry_days", json!([7, 7]), "http.cert_expiry_days"),
    ];
    for (key, value, field) in cases {
        let monitor = MonitorBuilder::http("https://example.org/").set(key, value.clone());
        let (path, body) = support::Resource::request(monitor);
        let (status, answer) = app.post(&path, body, Some(&token)).await;
        assert_eq!((status, answer["field"].as_str()), (422, Some(field)), "{value}: {answer}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_password_is_sealed_shown_never_and_kept_when_the_proxy_is_given_back() {
    let app = spawn_sqlite(Spawn { pipeline: true, ..Default::default() }).await;
    // Plain HTTP through a proxy is sent to the proxy in absolute form: the
    // recorder stands in for it and sees what a proxy would.
    let proxy = Recorder::start("/").await;
    let address = proxy.url.trim_start_matches("http://").trim_end_matches('/');
    let token = app.user("ops").await;
    let monitor = MonitorBuilder::http("http://service.internal/health")
        .set("http.proxy", json!(format!("http://ops:pr0xy%21pw@{address}")))
        .interval(1);
    let created = app.create(&token, monitor).await;
    let shown = format!("http://ops@{address}/");
    assert_eq!(created["http"]["proxy"], shown.as_str(), "{created}");
    assert!(!created.to_string().contains("pr0xy"), "{created}");
    let path = format!("/api/v1/monitors/{}", created["id"].as_str().unwrap());
    app.wait_for(&token, &path, |m| m["status"] == "up").await;
    let basic = "Basic b3BzOnByMHh5IXB3"; // ops:pr0xy!pw
    assert_eq!(proxy.seen()[0].header("proxy-authorization"), basic);

    // The proxy given back as shown keeps the password.
    let hits = proxy.seen().len();
    let change = json!({"http": {"proxy": shown}});
    let (status, body) = app.send(reqwest::Method::PATCH, &path, Some(change), Some(&token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["http"]["proxy"], shown.as_str());
    // Two more checks: at least one started after the change.
    for _ in 0..300 {
        if proxy.seen().len() >= hits + 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let after = proxy.seen();
    assert!(after.len() >= hits + 2, "no check through the proxy after the change");
    assert!(after[hits..].iter().all(|s| s.header("proxy-authorization") == basic));
}
