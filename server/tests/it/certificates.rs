//! `tls` monitors end to end, in the real app with its scheduler and
//! workers, against a real TLS server on 127.0.0.2 presenting generated
//! certificates (trusted through `--ca-certs`): a certificate near expiry is
//! degraded and warns once, a replacement notifies once, an expired one goes
//! down with an incident; the API shows the chain; bad settings are refused
//! by field.

#![allow(clippy::unwrap_used)]

use crate::support;

use std::io::Write;

use domain::testing::{ChannelBuilder, MonitorBuilder};
use jobs::testing::tls::{TestCa, TlsStandIn};
use jobs::testing::{verify_standard_webhook, Recorder, STAND_IN_HOST};
use serde_json::{json, Value};
use support::{spawn_all, spawn_each, Spawn};

fn delivered(data: &Value, event: &str) -> usize {
    data["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["event"] == event && n["delivery_status"] == "delivered")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_near_expiry_warns_once_a_replacement_once_and_an_expired_one_goes_down() {
    let ca = TestCa::named("RunState certificates CA");
    let mut roots = tempfile::NamedTempFile::new().unwrap();
    roots.write_all(&ca.pem).unwrap();
    let opts = Spawn {
        pipeline: true,
        args: vec!["--ca-certs".into(), roots.path().display().to_string()],
        ..Default::default()
    };
    for app in spawn_each(opts).await {
        let server = TlsStandIn::start(ca.leaf_valid(&[STAND_IN_HOST], -1, 5)).await;
        let hook = Recorder::start("/hooks/certificates").await;
        let token = app.user("certs").await;
        let channel = app.create(&token, ChannelBuilder::webhook(&hook.url)).await;
        let secret = channel["webhook"]["secret"].as_str().unwrap().to_owned();
        let tls = MonitorBuilder::tls(STAND_IN_HOST, server.port)
            .interval(1)
            .confirmations(1)
            .set("channel_ids", json!([channel["id"]]));
        let monitor = app.create(&token, tls).await;
        assert_eq!(monitor["tls"]["expiry_days"], json!([14, 7, 1]), "{monitor}");
        let path = format!("/api/v1/monitors/{}", monitor["id"].as_str().unwrap());

        // Five days left: degraded, one warning (at 7 days) however many checks.
        let degraded = app.wait_for(&token, &path, |m| m["status"] == "degraded").await;
        assert!(
            degraded["last_error"].as_str().unwrap().contains("expires in 5 days"),
            "{degraded}"
        );
        let notifications = format!("{path}/notifications");
        app.wait_for(&token, &notifications, |d| delivered(d, "certificate_expiring") == 1).await;
        let (_, cert) = app.get(&format!("{path}/certificate"), Some(&token)).await;
        assert_eq!(cert["data"]["days_left"], 5, "{cert}");
        assert_eq!(cert["data"]["tls_version"], "TLSv1.3");
        assert_eq!(cert["data"]["chain"][0]["ip_addresses"], json!([STAND_IN_HOST]));
        let first_fingerprint = cert["data"]["fingerprint"].as_str().unwrap().to_owned();
        let checks_path = format!("{path}/checks?limit=10");
        app.wait_for(&token, &checks_path, |d| {
            d["checks"].as_array().is_some_and(|c| c.len() >= 3)
        })
        .await;

        // Renewed: up again, one "changed".
        server.present(ca.leaf_valid(&[STAND_IN_HOST], -1, 90));
        app.wait_for(&token, &path, |m| m["status"] == "up").await;
        let log = app
            .wait_for(&token, &notifications, |d| delivered(d, "certificate_changed") == 1)
            .await;
        assert_eq!(delivered(&log, "certificate_expiring"), 1, "warned once: {log}");
        let (_, cert) = app.get(&format!("{path}/certificate"), Some(&token)).await;
        assert_ne!(cert["data"]["fingerprint"], first_fingerprint.as_str());
        assert_eq!(cert["data"]["days_left"], 90);

        // Expired: down, an incident, the usual alert.
        server.present(ca.expired_leaf(&[STAND_IN_HOST]));
        let down = app.wait_for(&token, &path, |m| m["status"] == "down").await;
        assert!(down["last_error"].as_str().unwrap().starts_with("the certificate has expired"));
        app.wait_for(&token, &notifications, |d| delivered(d, "down") == 1).await;

        // The receiver got each alert once, signed, with its own type.
        let types: Vec<Value> = hook
            .seen()
            .iter()
            .inspect(|seen| assert!(verify_standard_webhook(&secret, seen)))
            .map(|seen| seen.json()["type"].clone())
            .collect();
        let count = |t: &str| types.iter().filter(|seen| *seen == t).count();
        assert_eq!(count("certificate.expiring"), 1, "{types:?}");
        assert_eq!(count("certificate.changed"), 1, "the expired one is the incident's: {types:?}");
        assert_eq!(count("monitor.down"), 1, "{types:?}");
        let expiring = hook.seen().into_iter().find(|s| s.json()["type"] == "certificate.expiring");
        let detail = expiring.unwrap().json()["data"]["detail"].as_str().unwrap().to_owned();
        assert!(detail.contains("expires in 5 days (warning at 7 days)"), "{detail}");
    }
}

#[tokio::test]
async fn tls_settings_are_checked_by_field() {
    for app in spawn_all().await {
        let token = app.user("tls-fields").await;
        let cases = [
            (json!({"kind": "tls", "tls": {}}), "tls.host"),
            (json!({"kind": "tls", "tls": {"host": "bad host"}}), "tls.host"),
            (json!({"kind": "tls", "tls": {"host": "a.example", "port": 0}}), "tls.port"),
            (
                json!({"kind": "tls", "tls": {"host": "a.example", "expiry_days": [400]}}),
                "tls.expiry_days",
            ),
            (json!({"kind": "tls"}), "tls"),
        ];
        for (body, field) in cases {
            let (status, answer) = app.post("/api/v1/monitors", body.clone(), Some(&token)).await;
            assert_eq!(status, 422, "{body} → {answer}");
            assert_eq!(answer["field"], field, "{body} → {answer}");
        }
        let made = app.create(&token, MonitorBuilder::tls("Mail.Example.org", 993)).await;
        assert_eq!(made["target"], "mail.example.org:993");
        assert_eq!(made["interval_seconds"], 86_400, "daily by default");
        let path = format!("/api/v1/monitors/{}", made["id"].as_str().unwrap());
        let (status, cert) = app.get(&format!("{path}/certificate"), Some(&token)).await;
        assert_eq!((status, &cert["data"]), (200, &Value::Null), "no handshake yet");
        let change = json!({"tls": {"expiry_days": [30, 3]}});
        let (status, changed) =
            app.send(reqwest::Method::PATCH, &path, Some(change), Some(&token)).await;
        assert_eq!(status, 200, "{changed}");
        assert_eq!(changed["data"]["tls"]["expiry_days"], json!([30, 3]));
        assert_eq!(changed["data"]["tls"]["port"], 993, "kept");
    }
}
