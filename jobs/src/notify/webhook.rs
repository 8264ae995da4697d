//! Generic webhooks, signed per the Standard Webhooks spec
//! (<https://www.standardwebhooks.com>): a JSON body `{type, timestamp,
//! data}` and the headers `webhook-id` (the same on every retry, so the
//! receiver can de-duplicate), `webhook-timestamp` (unix seconds of this
//! attempt) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of
//! `{id}.{timestamp}.{body}` keyed with the secret's bytes).

use base64::Engine;
use chrono::{SecondsFormat, Utc};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use super::{Alert, Delivered, DeliveryError, NotificationEvent};
use crate::outbound::Outbound;

/// The prefix of a Standard Webhooks secret.
const SECRET_PREFIX: &str = "whsec_";

/// Posts `alert` to `url`, signed with `secret` (`whsec_…`).
pub async fn send(
    out: &Outbound,
    url: &str,
    secret: &str,
    alert: &Alert,
    message_id: &str,
) -> Result<Delivered, DeliveryError> {
    let body = serde_json::to_vec(&payload(alert))
        .map_err(|err| DeliveryError::permanent(format!("cannot encode the body: {err}")))?;
    let timestamp = Utc::now().timestamp();
    let signature = sign(secret, message_id, timestamp, &body)?;
    let request = out
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("webhook-id", message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body);
    super::http::send(request).await
}

/// The event type: `monitor.down`, `monitor.up`, `certificate.expiring`,
/// `certificate.changed`, `domain.expiring` or `test`.
pub fn event_type(event: NotificationEvent) -> &'static str {
    match event {
        NotificationEvent::Down => "monitor.down",
        NotificationEvent::Up => "monitor.up",
        NotificationEvent::Test => "test",
        NotificationEvent::CertificateExpiring => "certificate.expiring",
        NotificationEvent::CertificateChanged => "certificate.changed",
        NotificationEvent::DomainExpiring => "domain.expiring",
    }
}

/// The body for `alert`. `timestamp` is when the event happened, so a
/// retried delivery carries the same body.
pub fn payload(alert: &Alert) -> Value {
    let occurred = alert.occurred_at().unwrap_or_else(Utc::now);
    let rfc3339 = |at: chrono::DateTime<Utc>| at.to_rfc3339_opts(SecondsFormat::Secs, true);
    json!({
        "type": event_type(alert.event),
        "timestamp": rfc3339(occurred),
        "data": {
            "monitor_name": alert.monitor_name,
            "monitor_target": alert.monitor_target,
            "status": alert.status,
            "previous_status": alert.previous_status,
            "cause": alert.cause,
            "incident_number": alert.incident_number,
            "started_at": alert.started_at.map(rfc3339),
            "resolved_at": alert.resolved_at.map(rfc3339),
            "duration_seconds": alert.duration().map(|d| d.num_seconds()),
            "link": alert.link,
            "repository": alert.repository,
            "runner": alert.runner,
            "detail": alert.detail,
        },
    })
}

/// `v1,` + base64(HMAC-SHA256(secret bytes, "{id}.{timestamp}.{body}")).
pub fn sign(
    secret: &str,
    message_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, DeliveryError> {
    let invalid =
        || DeliveryError::permanent("the channel's signing secret is not a valid whsec_ secret");
    let key = secret
        .strip_prefix(SECRET_PREFIX)
        .and_then(|encoded| base64::engine::general_purpose::STANDARD.decode(encoded).ok())
        .ok_or_else(invalid)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| invalid())?;
    mac.update(format!("{message_id}.{timestamp}.").as_bytes());
    mac.update(body);
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    Ok(format!("v1,{signature}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_the_standard_webhooks_reference_vector() {
        // The example in the Standard Webhooks spec and its reference libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let signature = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn a_malformed_secret_is_a_permanent_error() {
        let err = sign("not-a-secret", "msg_1", 1, b"{}").unwrap_err();
        assert!(!err.is_retryable());
    }

    #[test]
    fn the_body_names_the_event_and_is_stable_for_a_given_alert() {
        let start = chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap().to_utc();
        let alert = Alert {
            event: NotificationEvent::Down,
            status: "down".into(),
            started_at: Some(start),
            incident_number: Some(2),
            ..Alert::test("Homepage", "http://runstate.local/m/1")
        };
        let body = payload(&alert);
        assert_eq!(body["type"], "monitor.down");
        assert_eq!(body["timestamp"], "2026-11-22T10:00:00Z");
        assert_eq!(body["data"]["incident_number"], 2);
        assert_eq!(payload(&alert), body, "a retry sends the same body");
    }
}
