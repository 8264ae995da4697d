//! Slack incoming webhooks: a Block Kit message (header, a section of
//! facts, a button back to RunState, a context line) and a plain `text`
//! fallback for notifications and old clients.

use serde_json::{json, Value};

use super::text::{self, Fact};
use super::{Alert, Delivered, DeliveryError, NotificationEvent};
use crate::outbound::Outbound;

// Block Kit's limits: longer texts are refused with 400 invalid_blocks.
const HEADER_MAX: usize = 150;
const FIELD_MAX: usize = 2000;
const FIELDS_MAX: usize = 10;

/// Posts `alert` to a Slack incoming webhook.
pub async fn send(
    out: &Outbound,
    webhook_url: &str,
    alert: &Alert,
) -> Result<Delivered, DeliveryError> {
    super::http::send(out.post(webhook_url).json(&payload(alert))).await
}

/// The Block Kit message for `alert`.
pub fn payload(alert: &Alert) -> Value {
    let headline = text::headline(alert);
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": text::truncate(&headline, HEADER_MAX), "emoji": true},
    })];
    let facts = text::facts(alert);
    if alert.event == NotificationEvent::Test {
        blocks
            .push(json!({"type": "section", "text": {"type": "mrkdwn", "text": text::TEST_BODY}}));
    } else {
        let fields: Vec<Value> = facts.iter().take(FIELDS_MAX).map(field).collect();
        blocks.push(json!({"type": "section", "fields": fields}));
    }
    blocks.push(json!({
        "type": "actions",
        "elements": [{
            "type": "button",
            "text": {"type": "plain_text", "text": "Open in RunState"},
            "url": alert.link,
        }],
    }));
    let context = match (alert.incident_number, &alert.runner) {
        (Some(number), Some(runner)) => {
            format!("RunState · outage #{number} of {} · <{}|details>", escape(runner), alert.link)
        }
        (Some(number), None) => {
            format!("RunState · incident #{number} · <{}|details>", alert.link)
        }
        (None, _) => format!("RunState · <{}|details>", alert.link),
    };
    blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]}));
    json!({ "text": fallback(alert, &headline), "blocks": blocks })
}

/// One labelled fact; times render in each reader's own time zone.
fn field(fact: &Fact) -> Value {
    let value = match fact.at {
        Some(at) => format!(
            "<!date^{}^{{date_short_pretty}} at {{time_secs}}|{}>",
            at.timestamp(),
            escape(&fact.value)
        ),
        None => escape(&fact.value),
    };
    let text = format!("*{}*\n{}", fact.label, value);
    json!({"type": "mrkdwn", "text": text::truncate(&text, FIELD_MAX)})
}

/// The notification text: the headline and, when known, the cause. Slack
/// reads it as mrkdwn, so the names in the headline are escaped too.
fn fallback(alert: &Alert, headline: &str) -> String {
    match alert.cause.as_deref().filter(|c| !c.is_empty()) {
        Some(cause) => format!("{}: {}", escape(headline), escape(cause)),
        None => escape(headline),
    }
}

/// Slack's mrkdwn treats `&`, `<` and `>` as control characters: a monitor
/// named `<!channel>` would ping everyone. Every user- or remote-supplied
/// text in a mrkdwn field passes here (plain_text blocks are not parsed).
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
    }

    fn down() -> Alert {
        Alert {
            event: NotificationEvent::Down,
            monitor_name: "Homepage".into(),
            monitor_target: "https://example.com/?a=1&b=<2>".into(),
            status: "down".into(),
            previous_status: Some("up".into()),
            cause: Some("HTTP 503".into()),
            incident_number: Some(4),
            started_at: Some(at("2026-11-22T10:00:00Z")),
            resolved_at: None,
            link: "https://status.example.org/monitors/abc".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_down_alert_has_a_header_facts_a_button_and_a_fallback() {
        let message = payload(&down());
        assert_eq!(message["text"], "🔴 Homepage is down: HTTP 503");
        let blocks = message["blocks"].as_array().unwrap();
        let kinds: Vec<_> = blocks.iter().map(|b| b["type"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["header", "section", "actions", "context"]);
        assert_eq!(blocks[0]["text"]["text"], "🔴 Homepage is down");
        let fields: Vec<&str> = blocks[1]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["text"].as_str().unwrap())
            .collect();
        assert_eq!(fields[0], "*Monitor*\nHomepage");
        assert_eq!(fields[1], "*Target*\nhttps://example.com/?a=1&amp;b=&lt;2&gt;");
        assert_eq!(fields[2], "*Status*\ndown (was up)");
        assert!(fields[4].starts_with("*Started*\n<!date^1795341600^"), "{}", fields[4]);
        assert_eq!(fields[5], "*Incident #*\n4");
        assert_eq!(blocks[2]["elements"][0]["url"], "https://status.example.org/monitors/abc");
    }

    #[test]
    fn a_recovery_says_up_again_with_its_duration() {
        let up = Alert {
            event: NotificationEvent::Up,
            status: "up".into(),
            previous_status: Some("down".into()),
            cause: None,
            resolved_at: Some(at("2026-11-22T10:12:05Z")),
            ..down()
        };
        let message = payload(&up);
        assert_eq!(message["blocks"][0]["text"]["text"], "✅ Homepage is up again");
        let fields = message["blocks"][1]["fields"].to_string();
        assert!(fields.contains("*Duration*\\n12m 5s"), "{fields}");
    }

    #[test]
    fn a_runner_outage_has_repository_runner_status_and_outage_fields() {
        let alert = Alert {
            status: "offline".into(),
            repository: Some("acme/api".into()),
            runner: Some("ci-1".into()),
            incident_number: Some(2),
            ..down()
        };
        let message = payload(&alert);
        assert_eq!(message["blocks"][0]["text"]["text"], "🔴 Runner ci-1 is offline");
        let fields: Vec<&str> = message["blocks"][1]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["text"].as_str().unwrap())
            .collect();
        assert_eq!(
            fields[..4],
            ["*Repository*\nacme/api", "*Runner*\nci-1", "*Status*\noffline", "*Outage number*\n2"]
        );
        assert!(fields[4].starts_with("*Detected*\n<!date^"), "{}", fields[4]);
        let context = message["blocks"][3]["elements"][0]["text"].as_str().unwrap();
        assert!(context.contains("outage #2 of ci-1"), "{context}");
    }

    /// Every text Slack parses as mrkdwn: the fallback and mrkdwn objects.
    fn mrkdwn_texts(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if map.get("type").and_then(Value::as_str) == Some("mrkdwn") {
                    out.extend(map.get("text").and_then(Value::as_str).map(str::to_owned));
                }
                map.values().for_each(|v| mrkdwn_texts(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| mrkdwn_texts(v, out)),
            _ => {}
        }
    }

    #[test]
    fn names_with_slack_control_characters_ping_no_one() {
        let monitor = Alert {
            monitor_name: "<!channel> & <@U123>".into(),
            cause: Some("<!everyone>".into()),
            ..down()
        };
        let runner = Alert { runner: Some("<!here>".into()), ..monitor.clone() };
        for alert in [&monitor, &runner] {
            let message = payload(alert);
            let mut texts = vec![message["text"].as_str().unwrap().to_owned()];
            mrkdwn_texts(&message, &mut texts);
            assert!(texts.len() > 3, "{texts:?}");
            for text in &texts {
                for mention in ["<!channel>", "<!here>", "<!everyone>", "<@U123>"] {
                    assert!(!text.contains(mention), "`{mention}` reaches Slack in {text:?}");
                }
            }
        }
        assert_eq!(
            payload(&monitor)["text"],
            "🔴 &lt;!channel&gt; &amp; &lt;@U123&gt; is down: &lt;!everyone&gt;"
        );
    }

    #[test]
    fn long_names_are_cut_to_block_kit_limits() {
        let alert = Alert { monitor_name: "x".repeat(500), ..down() };
        let message = payload(&alert);
        let header = message["blocks"][0]["text"]["text"].as_str().unwrap();
        assert_eq!(header.chars().count(), HEADER_MAX);
    }
}
