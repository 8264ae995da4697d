//! Wording shared by every provider, so Slack, email and webhooks say the
//! same thing: the title, its emoji, and the labelled facts of an alert.

use chrono::{DateTime, Utc};
use domain::monitors::Status;

use super::{Alert, NotificationEvent};

/// A colour cue for the title.
pub(crate) fn emoji(alert: &Alert) -> &'static str {
    match alert.event {
        NotificationEvent::Down if alert.status.parse() == Ok(Status::Degraded) => "🟠",
        NotificationEvent::Down => "🔴",
        NotificationEvent::Up => "✅",
        NotificationEvent::Test => "🧪",
        NotificationEvent::CertificateExpiring => "⏳",
        NotificationEvent::CertificateChanged => "🔁",
        NotificationEvent::DomainExpiring => "⏳",
    }
}

/// "Homepage is down", "Homepage is up again", "Test notification for Ops";
/// for a runner, "Runner ci-1 is offline", "Runner ci-1 is online again".
pub(crate) fn title(alert: &Alert) -> String {
    if let Some(runner) = &alert.runner {
        return match alert.event {
            NotificationEvent::Up => format!("Runner {runner} is {} again", alert.status),
            _ => format!("Runner {runner} is {}", alert.status),
        };
    }
    match alert.event {
        NotificationEvent::Down => format!("{} is {}", alert.monitor_name, alert.status),
        NotificationEvent::Up => format!("{} is up again", alert.monitor_name),
        NotificationEvent::Test => format!("Test notification for {}", alert.monitor_name),
        NotificationEvent::CertificateExpiring => {
            format!("The certificate of {} expires soon", alert.monitor_name)
        }
        NotificationEvent::CertificateChanged => {
            format!("The certificate of {} changed", alert.monitor_name)
        }
        NotificationEvent::DomainExpiring => {
            format!("The registration of {} expires soon", alert.monitor_name)
        }
    }
}

/// The title with its emoji.
pub(crate) fn headline(alert: &Alert) -> String {
    format!("{} {}", emoji(alert), title(alert))
}

/// What a test message says instead of facts.
pub(crate) const TEST_BODY: &str =
    "RunState can deliver to this channel. Alerts will arrive here when monitors change status.";

/// One labelled fact; `at` marks times so providers can render them natively.
pub(crate) struct Fact {
    pub label: &'static str,
    pub value: String,
    pub at: Option<DateTime<Utc>>,
}

/// The facts of an alert, in display order; absent ones are left out.
pub(crate) fn facts(alert: &Alert) -> Vec<Fact> {
    if alert.event == NotificationEvent::Test {
        return Vec::new();
    }
    if let Some(runner) = &alert.runner {
        return runner_facts(alert, runner);
    }
    let fact = |label, value: String| Fact { label, value, at: None };
    let mut facts = vec![fact("Monitor", alert.monitor_name.clone())];
    if !alert.monitor_target.is_empty() {
        facts.push(fact("Target", alert.monitor_target.clone()));
    }
    if let Some(detail) = &alert.detail {
        // An event of its own (a certificate, a registration): no status, no incident.
        let label = match alert.event {
            NotificationEvent::DomainExpiring => "Registration",
            _ => "Certificate",
        };
        facts.push(fact(label, detail.clone()));
        if let Some(at) = alert.noticed_at {
            facts.push(Fact { label: "Noticed", value: timestamp(at), at: Some(at) });
        }
        return facts;
    }
    let status = match &alert.previous_status {
        Some(previous) => format!("{} (was {previous})", alert.status),
        None => alert.status.clone(),
    };
    facts.push(fact("Status", status));
    if let Some(cause) = alert.cause.as_ref().filter(|c| !c.is_empty()) {
        facts.push(fact("Cause", cause.clone()));
    }
    if let Some(started) = alert.started_at {
        facts.push(Fact { label: "Started", value: timestamp(started), at: Some(started) });
    }
    if alert.event == NotificationEvent::Up {
        if let Some(duration) = alert.duration() {
            facts.push(fact("Duration", domain::text::duration(duration.num_seconds())));
        }
    }
    if let Some(number) = alert.incident_number {
        facts.push(fact("Incident #", number.to_string()));
    }
    facts
}

/// A runner's outage: where, which, what, which outage, when, how long.
fn runner_facts(alert: &Alert, runner: &str) -> Vec<Fact> {
    let fact = |label, value: String| Fact { label, value, at: None };
    let mut facts = Vec::new();
    if let Some(repository) = &alert.repository {
        facts.push(fact("Repository", repository.clone()));
    }
    facts.push(fact("Runner", runner.to_owned()));
    facts.push(fact("Status", alert.status.clone()));
    if let Some(number) = alert.incident_number {
        facts.push(fact("Outage number", number.to_string()));
    }
    if let Some(started) = alert.started_at {
        facts.push(Fact { label: "Detected", value: timestamp(started), at: Some(started) });
    }
    if alert.event == NotificationEvent::Up {
        if let Some(resolved) = alert.resolved_at {
            facts.push(Fact { label: "Resolved", value: timestamp(resolved), at: Some(resolved) });
        }
        if let Some(duration) = alert.duration() {
            facts.push(fact("Duration", domain::text::duration(duration.num_seconds())));
        }
    }
    facts
}

/// `2026-11-22 10:00:00 UTC`.
pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

pub(crate) use domain::text::truncate;

#[cfg(test)]
mod tests {
    use super::*;

    fn down() -> Alert {
        Alert {
            event: NotificationEvent::Down,
            monitor_name: "Homepage".into(),
            monitor_target: "https://example.com".into(),
            status: "down".into(),
            previous_status: Some("up".into()),
            cause: Some("connection refused".into()),
            incident_number: Some(3),
            started_at: Some(Utc::now()),
            resolved_at: None,
            link: "http://runstate.local/monitors/1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn headlines_say_what_happened() {
        assert_eq!(headline(&down()), "🔴 Homepage is down");
        let up = Alert { event: NotificationEvent::Up, status: "up".into(), ..down() };
        assert_eq!(headline(&up), "✅ Homepage is up again");
        let degraded = Alert { status: "degraded".into(), ..down() };
        assert_eq!(headline(&degraded), "🟠 Homepage is degraded");
    }

    #[test]
    fn facts_follow_the_alert_and_skip_what_is_unknown() {
        let labels: Vec<_> = facts(&down()).iter().map(|f| f.label).collect();
        assert_eq!(labels, ["Monitor", "Target", "Status", "Cause", "Started", "Incident #"]);
        let bare = Alert { cause: None, incident_number: None, started_at: None, ..down() };
        let labels: Vec<_> = facts(&bare).iter().map(|f| f.label).collect();
        assert_eq!(labels, ["Monitor", "Target", "Status"]);
        assert_eq!(facts(&down())[2].value, "down (was up)");
    }

    #[test]
    fn a_runner_outage_names_repository_runner_status_and_outage() {
        let alert = Alert {
            runner: Some("ci-1".into()),
            repository: Some("acme/api".into()),
            status: "offline".into(),
            ..down()
        };
        assert_eq!(headline(&alert), "🔴 Runner ci-1 is offline");
        let labels: Vec<_> = facts(&alert).iter().map(|f| f.label).collect();
        assert_eq!(labels, ["Repository", "Runner", "Status", "Outage number", "Detected"]);
        let up = Alert {
            event: NotificationEvent::Up,
            status: "online".into(),
            resolved_at: alert.started_at.map(|s| s + chrono::Duration::minutes(3)),
            ..alert
        };
        assert_eq!(headline(&up), "✅ Runner ci-1 is online again");
        let labels: Vec<_> = facts(&up).iter().map(|f| f.label).collect();
        assert_eq!(labels[5..], ["Resolved", "Duration"]);
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
