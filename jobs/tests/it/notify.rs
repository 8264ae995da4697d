//! The senders against real local stand-ins on 127.0.0.2 (the one address the
//! guard allows here): an HTTP receiver
//! playing Slack or a webhook consumer (scripted answers, every request
//! recorded), and a minimal SMTP server speaking the real protocol.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use base64::Engine;
use chrono::{DateTime, Utc};
use domain::channels::{DeliveryChannel, Target};
use hmac::{Hmac, Mac};
use jobs::notify::{deliver, Alert, DeliveryError, NotificationEvent, SmtpConfig};
use jobs::outbound::{Outbound, OutboundOptions};
use jobs::testing::{smtp_stand_in, Tripwire, STAND_IN_ALLOW, STAND_IN_HOST};
use serde_json::Value;
use sha2::Sha256;
use tokio::net::TcpListener;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// One request the receiver saw.
#[derive(Clone, Debug)]
struct Seen {
    headers: HeaderMap,
    body: Bytes,
}

impl Seen {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// What the receiver answers, in order; 200 once the script runs out.
#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(&'static str, &'static str)>,
    body: &'static str,
}

fn reply(status: u16) -> Reply {
    Reply { status, headers: Vec::new(), body: "" }
}

#[derive(Clone, Default)]
struct Receiver {
    seen: Arc<Mutex<Vec<Seen>>>,
    script: Arc<Mutex<Vec<Reply>>>,
}

impl Receiver {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn record(
    State(receiver): State<Receiver>,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    receiver.seen.lock().unwrap().push(Seen { headers, body });
    let next = {
        let mut script = receiver.script.lock().unwrap();
        (!script.is_empty()).then(|| script.remove(0))
    };
    let next = next.unwrap_or(Reply { status: 200, headers: Vec::new(), body: "ok" });
    let mut response_headers = HeaderMap::new();
    for (name, value) in next.headers {
        response_headers.insert(name, value.parse().unwrap());
    }
    (StatusCode::from_u16(next.status).unwrap(), response_headers, next.body)
}

/// Starts a receiver on the stand-in address and returns its URL.
async fn receiver(script: Vec<Reply>) -> (String, Receiver) {
    let state = Receiver { script: Arc::new(Mutex::new(script)), ..Default::default() };
    let app = axum::Router::new().fallback(record).with_state(state.clone());
    let listener = TcpListener::bind((STAND_IN_HOST, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hooks/T000/B000/secretpath"), state)
}

/// The guard, allowing the stand-ins' address and nothing else of loopback.
fn http() -> Outbound {
    Outbound::new(OutboundOptions {
        allow: vec![STAND_IN_ALLOW.parse().unwrap()],
        ..OutboundOptions::default()
    })
    .unwrap()
}

fn channel(target: Target) -> DeliveryChannel {
    DeliveryChannel {
        id: uuid::Uuid::new_v4(),
        owner_id: uuid::Uuid::new_v4(),
        name: "Ops".into(),
        target,
    }
}

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
}

fn down_alert() -> Alert {
    Alert {
        event: NotificationEvent::Down,
        monitor_name: "Homepage".into(),
        monitor_target: "https://example.com".into(),
        status: "down".into(),
        previous_status: Some("up".into()),
        cause: Some("connection refused".into()),
        incident_number: Some(7),
        started_at: Some(at("2026-11-22T10:00:00Z")),
        resolved_at: None,
        link: "http://runstate.test/monitors/42".into(),
        ..Default::default()
    }
}

fn webhook(url: &str) -> DeliveryChannel {
    channel(Target::Webhook { url: url.into(), secret: SECRET.into() })
}

async fn send_webhook(url: &str, id: &str) -> Result<jobs::notify::Delivered, DeliveryError> {
    deliver(&http(), None, &webhook(url), &down_alert(), id).await
}

#[tokio::test]
async fn slack_receives_block_kit_with_header_fields_and_a_link_back() {
    let (url, receiver) = receiver(vec![]).await;
    let slack = channel(Target::Slack { webhook_url: url });
    let delivered = deliver(&http(), None, &slack, &down_alert(), "msg_1").await.unwrap();
    assert_eq!(delivered.status_code, Some(200));

    let seen = receiver.seen();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].header("content-type").starts_with("application/json"));
    let message = seen[0].json();
    assert_eq!(message["text"], "🔴 Homepage is down: connection refused");
    let blocks = message["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "header");
    assert_eq!(blocks[0]["text"]["text"], "🔴 Homepage is down");
    let fields: Vec<&str> = blocks[1]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["text"].as_str().unwrap())
        .collect();
    for expected in [
        "*Monitor*\nHomepage",
        "*Target*\nhttps://example.com",
        "*Status*\ndown (was up)",
        "*Cause*\nconnection refused",
        "*Incident #*\n7",
    ] {
        assert!(fields.contains(&expected), "{expected:?} missing from {fields:?}");
    }
    assert!(fields.iter().any(|f| f.starts_with("*Started*\n<!date^")));
    assert_eq!(blocks[2]["elements"][0]["url"], "http://runstate.test/monitors/42");
}

/// What a receiver does: recompute the HMAC from the secret and compare.
fn verify_standard_webhook(seen: &Seen) {
    let id = seen.header("webhook-id");
    let timestamp: i64 = seen.header("webhook-timestamp").parse().expect("unix seconds");
    assert!((Utc::now().timestamp() - timestamp).abs() < 300, "timestamp is current");
    let key = base64::engine::general_purpose::STANDARD
        .decode(SECRET.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(&seen.body);
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let signatures: Vec<&str> = seen.header("webhook-signature").split(' ').collect();
    assert!(signatures.contains(&format!("v1,{expected}").as_str()), "signature mismatch");
}

#[tokio::test]
async fn webhooks_are_signed_and_a_retry_keeps_the_same_webhook_id() {
    let (url, receiver) = receiver(vec![reply(500)]).await;
    let first = send_webhook(&url, "msg_2Qp7").await.unwrap_err();
    assert!(first.is_retryable(), "{first:?}");
    send_webhook(&url, "msg_2Qp7").await.unwrap();

    let seen = receiver.seen();
    assert_eq!(seen.len(), 2);
    for attempt in &seen {
        verify_standard_webhook(attempt);
        assert_eq!(attempt.header("webhook-id"), "msg_2Qp7");
        assert!(attempt.header("content-type").starts_with("application/json"));
    }
    assert_eq!(seen[0].body, seen[1].body, "a retry sends the same body");
    let body = seen[1].json();
    assert_eq!(body["type"], "monitor.down");
    assert_eq!(body["timestamp"], "2026-11-22T10:00:00Z");
    assert_eq!(body["data"]["monitor_name"], "Homepage");
    assert_eq!(body["data"]["incident_number"], 7);
    assert_eq!(body["data"]["link"], "http://runstate.test/monitors/42");
}

#[tokio::test]
async fn a_500_answer_is_retryable_and_quotes_the_body() {
    let (url, _) =
        receiver(vec![Reply { status: 500, headers: vec![], body: "database on fire" }]).await;
    match send_webhook(&url, "msg_1").await.unwrap_err() {
        DeliveryError::Retryable { error, retry_after, status_code } => {
            assert_eq!(status_code, Some(500));
            assert_eq!(retry_after, None);
            assert!(error.contains("500") && error.contains("database on fire"), "{error}");
        }
        other => panic!("expected retryable, got {other:?}"),
    }
}

#[tokio::test]
async fn a_429_with_retry_after_7_is_retryable_after_7_seconds() {
    let (url, _) =
        receiver(vec![Reply { status: 429, headers: vec![("retry-after", "7")], body: "" }]).await;
    let err = send_webhook(&url, "msg_1").await.unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(err.status_code(), Some(429));
}

#[tokio::test]
async fn a_404_answer_is_permanent() {
    let (url, _) = receiver(vec![Reply { status: 404, headers: vec![], body: "no_service" }]).await;
    let slack = channel(Target::Slack { webhook_url: url });
    let err = deliver(&http(), None, &slack, &down_alert(), "msg_1").await.unwrap_err();
    assert!(matches!(err, DeliveryError::Permanent { status_code: Some(404), .. }), "{err:?}");
    assert!(err.to_string().contains("no_service"));
}

#[tokio::test]
async fn a_closed_port_is_retryable_and_the_error_never_shows_the_url() {
    let listener = TcpListener::bind((STAND_IN_HOST, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let url = format!("http://{addr}/services/T000/B000/topsecret");
    let slack = channel(Target::Slack { webhook_url: url });
    let err = deliver(&http(), None, &slack, &down_alert(), "msg_1").await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    assert!(!err.to_string().contains("topsecret"), "{err}");
}

fn smtp(port: u16) -> SmtpConfig {
    smtp_at(&format!("{STAND_IN_HOST}:{port}"))
}

fn smtp_at(host_port: &str) -> SmtpConfig {
    SmtpConfig::parse(&format!("smtp://{host_port}"), "RunState <alerts@runstate.test>")
        .unwrap()
        .with_timeout(Duration::from_secs(5))
}

fn email_channel() -> DeliveryChannel {
    channel(Target::Email { to: vec!["ops@example.org".into(), "oncall@example.org".into()] })
}

#[tokio::test]
async fn email_arrives_over_smtp_as_multipart_text_and_html() {
    let (port, mails) = smtp_stand_in("250 recipient ok").await;
    let smtp = smtp(port);
    let delivered =
        deliver(&http(), Some(&smtp), &email_channel(), &down_alert(), "msg_9").await.unwrap();
    assert_eq!(delivered.status_code, Some(250));

    let mail = mails.lock().unwrap()[0].clone();
    assert_eq!(mail.from, "MAIL FROM:<alerts@runstate.test>");
    assert_eq!(mail.to, ["RCPT TO:<ops@example.org>", "RCPT TO:<oncall@example.org>"]);
    let parsed = mailparse::parse_mail(mail.data.as_bytes()).unwrap();
    let header = |name: &str| {
        parsed.headers.iter().find(|h| h.get_key().eq_ignore_ascii_case(name)).unwrap().get_value()
    };
    assert_eq!(header("Subject"), "[RunState] Homepage is down");
    assert_eq!(header("From"), "RunState <alerts@runstate.test>");
    assert!(
        header("To").contains("ops@example.org") && header("To").contains("oncall@example.org")
    );
    assert_eq!(header("Message-ID"), "<msg_9@runstate>");
    assert_eq!(parsed.ctype.mimetype, "multipart/alternative");
    let part = |mime: &str| {
        let part = parsed.subparts.iter().find(|p| p.ctype.mimetype == mime).unwrap();
        part.get_body().unwrap()
    };
    let text = part("text/plain");
    assert!(text.contains("🔴 Homepage is down"), "{text}");
    assert!(text.contains("Cause: connection refused"), "{text}");
    assert!(text.contains("Incident #: 7"), "{text}");
    assert!(text.contains("http://runstate.test/monitors/42"), "{text}");
    let html = part("text/html");
    assert!(html.contains("<h2>🔴 Homepage is down</h2>"), "{html}");
    assert!(html.contains("href=\"http://runstate.test/monitors/42\""), "{html}");
}

#[tokio::test]
async fn an_smtp_5xx_refusal_is_permanent_and_a_4xx_is_retryable() {
    let (port, _) = smtp_stand_in("550 no such user").await;
    let err = deliver(&http(), Some(&smtp(port)), &email_channel(), &down_alert(), "m")
        .await
        .unwrap_err();
    assert!(matches!(err, DeliveryError::Permanent { status_code: Some(550), .. }), "{err:?}");

    let (port, _) = smtp_stand_in("451 try again later").await;
    let err = deliver(&http(), Some(&smtp(port)), &email_channel(), &down_alert(), "m")
        .await
        .unwrap_err();
    assert!(matches!(err, DeliveryError::Retryable { status_code: Some(451), .. }), "{err:?}");
}

#[tokio::test]
async fn an_unreachable_smtp_server_is_retryable() {
    let listener = TcpListener::bind((STAND_IN_HOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let err = deliver(&http(), Some(&smtp(port)), &email_channel(), &down_alert(), "m")
        .await
        .unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
}

/// Spellings of loopback that must all be refused, for a tripwire on 127.0.0.1
/// (`v4`) and one on ::1 (`v6`): IP literals in every form and a name.
fn denied_hosts(v4: u16, v6: u16) -> Vec<String> {
    vec![
        format!("127.0.0.1:{v4}"),
        format!("2130706433:{v4}"),
        format!("0x7f000001:{v4}"),
        format!("0177.0.0.1:{v4}"),
        format!("127.1:{v4}"),
        format!("[::ffff:127.0.0.1]:{v4}"),
        format!("[::ffff:7f00:1]:{v4}"),
        format!("localhost:{v4}"),
        format!("[::1]:{v6}"),
    ]
}

#[tokio::test]
async fn every_sender_refuses_loopback_in_every_spelling_without_connecting() {
    let v4 = Tripwire::start("127.0.0.1").await;
    let v6 = Tripwire::start("::1").await;
    let out = http();
    for host in denied_hosts(v4.port(), v6.port()) {
        let url = format!("http://{host}/hooks/T000/B000/topsecret");
        let channels = [
            webhook(&url),
            channel(Target::Slack { webhook_url: url.clone() }),
            channel(Target::Email { to: vec!["ops@example.org".into()] }),
        ];
        for target in &channels {
            let err = deliver(&out, Some(&smtp_at(&host)), target, &down_alert(), "msg_1")
                .await
                .expect_err(&host);
            assert!(!err.is_retryable(), "{host}: a refusal is permanent: {err}");
            assert!(err.to_string().contains("loopback address"), "{host}: {err}");
            assert!(!err.to_string().contains("topsecret"), "{err}");
        }
    }
    assert_eq!(v4.connections(), 0, "nothing may reach 127.0.0.1");
    assert_eq!(v6.connections(), 0, "nothing may reach ::1");
}

#[tokio::test]
async fn a_receiver_redirecting_into_loopback_is_not_followed() {
    let tripwire = Tripwire::start("127.0.0.1").await;
    let location = format!("http://127.0.0.1:{}/", tripwire.port());
    let location: &'static str = Box::leak(location.into_boxed_str());
    for status in [301, 302, 307, 308] {
        let (url, _) =
            receiver(vec![Reply { status, headers: vec![("location", location)], body: "" }]).await;
        let err = send_webhook(&url, "msg_1").await.unwrap_err();
        assert_eq!(err.status_code(), Some(status), "{err:?}");
    }
    assert_eq!(tripwire.connections(), 0, "a redirect is reported, never followed");
}
