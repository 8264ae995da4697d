//! The answers, whole: moving them here from `domain` changed no byte.

use chrono::{DateTime, Utc};
use domain::integrations::commands::{CommandAnswer, RunnerHistory, RunnerList, WatchedMonitor};
use domain::runners::{OutageStatus, OutageView, RunnerStatus, RunnerView};
use serde_json::json;
use uuid::Uuid;

use super::*;

const URL: &str = "https://rs.example.org";
const LINK: &str = "https://rs.example.org/monitors/00000000-0000-0000-0000-000000000000";
const DATE: &str = "<!date^1795341600^{date_short_pretty} {time}|2026-11-22 10:00 UTC>";

fn at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").map(|t| t.to_utc()).unwrap_or_default()
}

fn monitor() -> WatchedMonitor {
    WatchedMonitor { id: Uuid::nil(), repository: "acme/api".into() }
}

fn runner(name: &str, status: RunnerStatus, busy: bool) -> RunnerView {
    RunnerView {
        id: Uuid::nil(),
        github_id: 1,
        name: name.into(),
        status,
        busy,
        os: "Linux".into(),
        labels: Vec::new(),
        first_seen_at: at(),
        last_seen_at: at(),
    }
}

fn outage(number: i32, resolved: bool) -> OutageView {
    OutageView {
        number,
        status: if resolved { OutageStatus::Resolved } else { OutageStatus::Ongoing },
        started_at: at(),
        resolved_at: resolved.then(at),
        duration_seconds: 725,
        description: String::new(),
    }
}

fn section(text: &str) -> serde_json::Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": text}})
}

#[test]
fn help_lists_the_commands_escaped() {
    let text = "RunState answers these commands:\n\
        • `/runner-history &lt;runner&gt;`: the last 5 outages of a runner\n\
        • `/runner-status-all`: every runner's status, last seen and first seen";
    let expected = json!({"response_type": "ephemeral", "text": text, "blocks": [section(text)]});
    assert_eq!(render(&CommandAnswer::Help, URL), expected);
}

#[test]
fn a_runners_history_has_a_header_a_link_and_its_outages_newest_first() {
    let answer = CommandAnswer::History {
        runner: "ci-1".into(),
        found: vec![RunnerHistory {
            monitor: monitor(),
            runner: runner("ci-1", RunnerStatus::Offline, false),
            outages: vec![outage(2, false), outage(1, true)],
        }],
    };
    let text = "Runner ci-1 on acme/api is offline. Last 5 outages:\n\
        #2 started 2026-11-22 10:00 UTC: Ongoing\n\
        #1 started 2026-11-22 10:00 UTC: 12m 5s";
    let expected = json!({
        "response_type": "ephemeral",
        "text": text,
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Runner ci-1"}},
            section(&format!("*Repository* acme/api · *Status* offline · <{LINK}|Open in RunState>")),
            section(&format!("*#2* · started {DATE} · Ongoing\n*#1* · started {DATE} · 12m 5s")),
        ],
    });
    assert_eq!(render(&answer, URL), expected);
}

#[test]
fn an_unknown_runner_and_a_runner_without_outages_say_so() {
    let none = CommandAnswer::History { runner: "nobody".into(), found: Vec::new() };
    let text = "No runner named `nobody` on the monitors this Slack workspace may query.";
    let expected = json!({"response_type": "ephemeral", "text": text, "blocks": [section(text)]});
    assert_eq!(render(&none, URL), expected);
    let quiet = CommandAnswer::History {
        runner: "ci-2".into(),
        found: vec![RunnerHistory {
            monitor: monitor(),
            runner: runner("ci-2", RunnerStatus::Online, false),
            outages: Vec::new(),
        }],
    };
    let answer = render(&quiet, URL);
    assert_eq!(
        answer["text"],
        "Runner ci-2 on acme/api is online. Last 5 outages:\nNo outages recorded."
    );
    assert_eq!(answer["blocks"][2], section("No outages recorded."));
}

#[test]
fn status_all_lists_every_runner_under_its_repository() {
    let answer = CommandAnswer::StatusAll {
        monitors: vec![RunnerList {
            monitor: monitor(),
            runners: vec![
                runner("ci-1", RunnerStatus::Offline, true),
                runner("ci-2", RunnerStatus::Online, false),
            ],
        }],
    };
    let text = "acme/api: 1 of 2 online\n\
        ci-1: offline (busy), last seen 2026-11-22 10:00 UTC, first seen 2026-11-22 10:00 UTC\n\
        ci-2: online, last seen 2026-11-22 10:00 UTC, first seen 2026-11-22 10:00 UTC";
    let expected = json!({
        "response_type": "ephemeral",
        "text": text,
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Runners"}},
            section(&format!(
                "*<{LINK}|acme/api>* · 1 of 2 online\n\
                 🔴 *ci-1* offline (busy) · last seen {DATE} · first seen {DATE}\n\
                 🟢 *ci-2* online · last seen {DATE} · first seen {DATE}"
            )),
        ],
    });
    assert_eq!(render(&answer, URL), expected);
    let nothing = render(&CommandAnswer::StatusAll { monitors: Vec::new() }, URL);
    assert!(nothing["text"]
        .as_str()
        .unwrap_or_default()
        .starts_with("This Slack workspace may not"));
}

#[test]
fn runner_names_are_escaped_in_mrkdwn_and_in_the_fallback_text() {
    let runner = runner("<!channel> & <@U123>", RunnerStatus::Online, false);
    let (mrkdwn, plain) = runner_line(&runner);
    assert!(mrkdwn.contains("*&lt;!channel&gt; &amp; &lt;@U123&gt;*"), "{mrkdwn}");
    let answer = ephemeral(plain, vec![super::section(&mrkdwn)]);
    let text = answer["text"].as_str().unwrap_or_default();
    assert!(text.starts_with("&lt;!channel&gt; &amp; &lt;@U123&gt;:"), "{text}");
    assert!(!answer.to_string().contains("<!channel>") && !answer.to_string().contains("<@U"));
}
