//! Domain values as the DTOs pages show, with times formatted once, here.

use chrono::{DateTime, Utc};
use domain::assertions::{Assertion, AssertionInput};
use domain::history::{CheckRow, IncidentRow, NotificationRow, Stats, StatsWindow, TimelineEntry};
use domain::monitors::MonitorView;
use domain::probe::Phases;

use crate::dto::{
    AssertionRow, CertificateData, CertificateItem, CheckItem, IncidentItem, MonitorRow,
    NotificationItem, PhaseTimes, RegistrationData, StatsData, TagChip, TimelineItem, When,
};

/// A moment as text, and how long before `now` it was.
pub fn when(at: DateTime<Utc>, now: DateTime<Utc>) -> When {
    When {
        iso: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        text: at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        ago: domain::text::ago((now - at).num_seconds()),
    }
}

/// An HTTP monitor's assertions as the form's rows and the page's list.
pub fn assertion_rows(assertions: &[Assertion]) -> Vec<AssertionRow> {
    assertions
        .iter()
        .map(|a| AssertionRow {
            source: a.source.to_string(),
            path: a.path.clone().unwrap_or_default(),
            op: a.op.to_string(),
            target: a.target.clone(),
            severity: a.severity.to_string(),
        })
        .collect()
}

/// The form's rows as the API's input; an empty path or severity is absent.
pub fn assertion_inputs(rows: &[AssertionRow]) -> Vec<AssertionInput> {
    let given = |raw: &str| Some(raw.trim().to_owned()).filter(|v| !v.is_empty());
    rows.iter()
        .map(|row| AssertionInput {
            source: given(&row.source),
            path: given(&row.path),
            op: given(&row.op),
            target: Some(row.target.clone()),
            severity: given(&row.severity),
        })
        .collect()
}

/// A monitor as a dashboard row.
pub fn monitor_row(
    view: &MonitorView,
    uptime_24h: Option<f64>,
    sparkline: Vec<Option<u32>>,
    now: DateTime<Utc>,
) -> MonitorRow {
    MonitorRow {
        id: view.id.to_string(),
        name: view.name.clone(),
        kind: view.kind,
        target: view.target.clone(),
        status: view.status,
        status_since: when(view.status_since, now),
        latest_ms: view.latest_response_time_ms,
        last_checked: view.last_checked_at.map(|at| when(at, now)),
        uptime_24h,
        sparkline,
        owner: None,
        tags: view
            .tags
            .iter()
            .map(|t| TagChip { name: t.clone(), hue: domain::monitors::tags::hue(t) })
            .collect(),
    }
}

/// One check.
pub fn check(c: CheckRow, now: DateTime<Utc>) -> CheckItem {
    let http = c.http.clone().unwrap_or_default();
    let phases = (http.phases != Phases::default()).then(|| {
        let p = http.phases;
        let parts = [
            ("dns", p.dns_ms),
            ("connect", p.connect_ms),
            ("tls", p.tls_ms),
            ("ttfb", p.ttfb_ms),
            ("transfer", p.transfer_ms),
        ];
        let shown: Vec<String> =
            parts.iter().filter_map(|(name, ms)| ms.map(|ms| format!("{name} {ms}"))).collect();
        format!("{} ms", shown.join(" · "))
    });
    let via: Vec<String> = [
        http.resolved_ip.map(|ip| ip.to_string()),
        http.http_version.clone(),
        http.tls_version.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    CheckItem {
        phases,
        via: (!via.is_empty()).then(|| via.join(" · ")),
        excerpt: http.excerpt,
        id: c.id.to_string(),
        at: when(c.checked_at, now),
        status: c.status,
        latency_ms: c.latency_ms,
        http_status: c.http_status,
        error: c.error,
        region: c.region,
    }
}

/// An incident and its timeline.
pub fn incident(i: IncidentRow, timeline: Vec<TimelineEntry>, now: DateTime<Utc>) -> IncidentItem {
    IncidentItem {
        id: i.id.to_string(),
        number: i.number,
        started: when(i.started_at, now),
        resolved: i.resolved_at.map(|at| when(at, now)),
        is_active: i.is_active,
        cause: i.cause,
        duration: domain::text::duration(i.duration_seconds),
        timeline: timeline
            .into_iter()
            .map(|e| TimelineItem { at: when(e.at, now), kind: e.kind, message: e.message })
            .collect(),
    }
}

/// One notification.
pub fn notification(n: NotificationRow, now: DateTime<Utc>) -> NotificationItem {
    NotificationItem {
        id: n.id.to_string(),
        channel: n.channel,
        recipient: n.recipient,
        event: n.event,
        delivery_status: n.delivery_status,
        attempts: n.attempts,
        last_error: n.last_error,
        at: when(n.sent_at.unwrap_or(n.created_at), now),
    }
}

/// Statistics with the chart's axis labels: times of day for short windows,
/// dates too for long ones.
pub fn stats(s: Stats) -> StatsData {
    let format = match s.window {
        StatsWindow::Hour | StatsWindow::Day => "%H:%M",
        StatsWindow::Week | StatsWindow::Month | StatsWindow::Quarter => "%m-%d %H:%M",
    };
    StatsData {
        window: s.window,
        checks: s.checks,
        uptime_percent: s.uptime_percent,
        p50_ms: s.p50_latency_ms,
        p95_ms: s.p95_latency_ms,
        max_ms: s.max_latency_ms,
        labels: s.series.iter().map(|b| b.start.format(format).to_string()).collect(),
        latency_ms: s.series.iter().map(|b| b.avg_latency_ms).collect(),
        down: s.series.iter().map(|b| b.down).collect(),
        phases: s.series.iter().map(|b| b.phases.map(phase_times)).collect(),
    }
}

fn phase_times(p: Phases) -> PhaseTimes {
    let ms = |v: Option<u32>| v.unwrap_or(0);
    PhaseTimes {
        dns: ms(p.dns_ms),
        connect: ms(p.connect_ms),
        tls: ms(p.tls_ms),
        ttfb: ms(p.ttfb_ms),
        transfer: ms(p.transfer_ms),
    }
}

/// A monitor's last registration for its page.
pub fn registration(
    seen: domain::registrations::SeenRegistration,
    now: DateTime<Utc>,
) -> RegistrationData {
    let r = seen.registration;
    RegistrationData {
        name: r.name,
        expires_at: r.expires_at.map(|at| when(at, now)),
        days_left: seen.days_left,
        registrar: r.registrar,
        statuses: r.statuses.join(", "),
        nameservers: r.nameservers.join(", "),
        rdap_server: seen.rdap_server,
        checked: when(seen.checked_at, now),
    }
}

/// A monitor's last certificate for its page.
pub fn certificate(seen: domain::tls::SeenCertificate, now: DateTime<Utc>) -> CertificateData {
    let first = seen.chain.first_expiry.index;
    let chain = seen
        .chain
        .certificates()
        .enumerate()
        .map(|(i, c)| {
            let mut names: Vec<String> = c.dns_names.clone();
            names.extend(c.ip_addresses.iter().map(ToString::to_string));
            let mut names = names.join(", ");
            if c.names_left_out > 0 {
                names.push_str(&format!(" and {} more", c.names_left_out));
            }
            CertificateItem {
                subject: c.subject.clone(),
                issuer: c.issuer.clone(),
                names,
                not_after: when(c.not_after, now),
                expires_first: i == first,
            }
        })
        .collect();
    CertificateData {
        days_left: seen.days_left,
        expires_at: when(seen.chain.first_expiry.not_after, now),
        fingerprint: seen.chain.fingerprint().to_owned(),
        tls_version: seen.tls_version,
        first_seen: when(seen.first_seen_at, now),
        checked: when(seen.checked_at, now),
        chain,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    #[test]
    fn moments_are_utc_text_and_rfc3339() {
        let at = DateTime::parse_from_rfc3339("2026-11-22T10:03:04.5Z").map(|d| d.to_utc());
        let at = at.expect("valid time");
        let w = when(at, at + Duration::seconds(30));
        assert_eq!(w.iso, "2026-11-22T10:03:04Z");
        assert_eq!(w.text, "2026-11-22 10:03:04 UTC");
        assert_eq!(w.ago, "30s ago");
    }
}
