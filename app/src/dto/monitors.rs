//! Monitors as pages show them: dashboard rows, the detail page, the form.

use kinds::{
    ChannelKind, DeliveryStatus, IncidentEventKind, MonitorKind, NotificationEvent, StatsWindow,
    Status,
};
use serde::{Deserialize, Serialize};

use super::{RunnersData, When};

/// Counts of monitors by status: the one definition the domain counts into
/// and the pages, the admin overview and the REST API show.
pub use kinds::StatusCounts;

/// One monitor on the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitorRow {
    pub id: String,
    pub name: String,
    pub kind: MonitorKind,
    /// The URL, host:port or the runners' repository.
    pub target: String,
    pub status: Status,
    pub status_since: When,
    pub latest_ms: Option<i32>,
    pub last_checked: Option<When>,
    /// Share of healthy checks over 24 hours, 0-100.
    pub uptime_24h: Option<f64>,
    /// Latest response times, oldest first (`None`: the check failed).
    pub sparkline: Vec<Option<u32>>,
    /// The owner's email (admin overview only).
    pub owner: Option<String>,
    /// Its tags, sorted.
    pub tags: Vec<TagChip>,
}

/// A tag as a chip: its name and the hue it is drawn in (the same for the
/// same name everywhere).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagChip {
    pub name: String,
    pub hue: u16,
}

/// What the dashboard shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardData {
    pub monitors: Vec<MonitorRow>,
    pub counts: StatusCounts,
}

/// Uptime over one window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Uptime {
    /// `24 h`, `7 d`, `30 d`.
    pub label: String,
    pub percent: Option<f64>,
    pub checks: u64,
}

/// One step of an incident's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineItem {
    pub at: When,
    pub kind: IncidentEventKind,
    pub message: String,
}

/// An incident with its timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentItem {
    pub id: String,
    pub number: i32,
    pub started: When,
    pub resolved: Option<When>,
    pub is_active: bool,
    pub cause: String,
    /// E.g. `3m 5s`.
    pub duration: String,
    pub timeline: Vec<TimelineItem>,
}

/// One notification and how its delivery went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationItem {
    pub id: String,
    pub channel: ChannelKind,
    pub recipient: String,
    pub event: NotificationEvent,
    pub delivery_status: DeliveryStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub at: When,
}

/// A monitor's page: settings, state, uptime, incidents, notifications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitorDetail {
    pub row: MonitorRow,
    pub paused: bool,
    /// How often it is checked, e.g. `1m`.
    pub every: String,
    pub timeout_ms: i32,
    pub confirmations: i32,
    pub recoveries: i32,
    pub last_error: Option<String>,
    pub uptime: Vec<Uptime>,
    pub incidents: Vec<IncidentItem>,
    pub notifications: Vec<NotificationItem>,
    /// A GitHub runner monitor's runners; `None` for other kinds.
    pub runners: Option<RunnersData>,
    /// A `tls` monitor's last certificate; `None` before its first handshake
    /// and for other kinds.
    pub certificate: Option<super::CertificateData>,
    /// A `domain` monitor's last registration; `None` before its first answer
    /// and for other kinds.
    pub registration: Option<super::RegistrationData>,
    /// A heartbeat monitor's ping URL and runs; `None` for other kinds.
    #[serde(default)]
    pub heartbeat: Option<HeartbeatData>,
    /// A DNS monitor's last answer and baseline; `None` for other kinds.
    pub dns: Option<DnsAnswersData>,
    /// An HTTP monitor's assertions; empty for other kinds.
    #[serde(default)]
    pub assertions: Vec<AssertionRow>,
    /// Settings a user should keep in mind (an HTTP monitor that accepts
    /// invalid certificates), shown as warnings under the status.
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// One assertion of an HTTP monitor as text, as the form posts it
/// (`form[assertions][N][source]` …) and the monitor page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AssertionRow {
    /// `status`, `header`, `body`, `body_regex`, `json_path`, `time`, `cert_days` or `resolved_ip`.
    pub source: String,
    /// The header's name, the JSON path or the phase; empty for the other sources.
    pub path: String,
    pub op: String,
    pub target: String,
    /// `fail` or `degrade`.
    pub severity: String,
}

/// A heartbeat monitor's page: where to ping, when, and the recent runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct HeartbeatData {
    /// The secret URL the job pings.
    pub ping_url: String,
    /// `every 1h`, or the cron pattern and its zone.
    pub schedule: String,
    /// E.g. `5m`.
    pub grace: String,
    /// When the next ping is due; `None` while paused.
    pub next_expected: Option<When>,
    pub last_ping: Option<When>,
    /// Newest first.
    pub runs: Vec<RunItem>,
}

/// One run of a heartbeat monitor's job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RunItem {
    /// When it started; `None` when only its finish was pinged.
    pub started: Option<When>,
    /// When it finished; `None` while it runs (or was given up).
    pub finished: Option<When>,
    /// E.g. `2m 5s`, when both ends are known.
    pub duration: Option<String>,
    pub duration_secs: Option<i64>,
    /// `ok`, `failed`, `exit 2`, `running` or `given up`.
    pub outcome: String,
    /// Finished well.
    pub ok: bool,
    /// The start of the finishing ping's body.
    pub body: String,
}

/// A DNS monitor's answers, as the monitor page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsAnswersData {
    /// What is asked, e.g. `MX example.com.`.
    pub question: String,
    pub alert_on_change: bool,
    /// The last answer's records (or its response code); `None` before the first answer.
    pub last_answer: Option<Vec<String>>,
    pub last_answer_at: Option<When>,
    pub baseline: Option<Vec<String>>,
    pub baseline_at: Option<When>,
    /// Whether accepting the last answer would change the baseline.
    pub differs: bool,
}

/// One check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckItem {
    pub id: String,
    pub at: When,
    pub status: Status,
    pub latency_ms: Option<i32>,
    pub http_status: Option<i16>,
    pub error: Option<String>,
    pub region: String,
    /// HTTP checks: where the time went (`dns 2 · connect 1 · tls 6 · ttfb 48 · transfer 3 ms`).
    pub phases: Option<String>,
    /// HTTP checks: the address reached and the versions (`127.0.0.2 · HTTP/2 · TLSv1.3`).
    pub via: Option<String>,
    /// A failed HTTP check: the start of the answer's body, redacted.
    pub excerpt: Option<String>,
}

/// One page of checks, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckPage {
    pub checks: Vec<CheckItem>,
    /// The cursor of the next (older) page.
    pub next_cursor: Option<String>,
}

/// A window's statistics and its chart series (one entry per bucket).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StatsData {
    pub window: StatsWindow,
    pub checks: u32,
    pub uptime_percent: Option<f64>,
    pub p50_ms: Option<u32>,
    pub p95_ms: Option<u32>,
    pub max_ms: Option<u32>,
    /// Each bucket's start, as the axis shows it.
    pub labels: Vec<String>,
    /// Average response time per bucket.
    pub latency_ms: Vec<Option<u32>>,
    /// Whether a check in the bucket was down.
    pub down: Vec<bool>,
    /// HTTP monitors: each bucket's mean phase times, for the stacked chart.
    pub phases: Vec<Option<PhaseTimes>>,
}

/// Mean times of the phases of HTTP checks, in ms, in the order they happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PhaseTimes {
    pub dns: u32,
    pub connect: u32,
    pub tls: u32,
    pub ttfb: u32,
    pub transfer: u32,
}

impl PhaseTimes {
    /// The phases' names and times, for series and labels.
    pub fn named(&self) -> [(&'static str, u32); 5] {
        [
            ("DNS", self.dns),
            ("Connect", self.connect),
            ("TLS", self.tls),
            ("Waiting (TTFB)", self.ttfb),
            ("Transfer", self.transfer),
        ]
    }
}

/// The monitor form's fields, as the browser posts them (text, like the inputs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct MonitorForm {
    /// Empty for a new monitor.
    pub id: String,
    /// `http`, `tcp`, `github_runners`, `tls`, `domain`, `icmp`, `heartbeat` or `dns`.
    pub kind: String,
    pub name: String,
    pub url: String,
    pub method: String,
    /// Comma-separated codes or ranges, e.g. `200-299, 301`.
    pub expected_status: String,
    pub keyword: String,
    /// The stored request headers, values masked (`Authorization: …abcd`); shown, never posted.
    pub headers: Vec<String>,
    /// The stored request body, masked; empty when there is none.
    pub body_hint: String,
    pub host: String,
    pub port: String,
    /// A `tls` monitor's, or an HTTPS site's, certificate expiry thresholds
    /// in days, comma-separated (`14, 7, 1`).
    pub expiry_days: String,
    /// `true` or `false`: whether a replaced certificate notifies; empty on a
    /// new monitor (the kind's default: on for `tls`, off for `http`).
    pub notify_on_change: String,
    /// An HTTP monitor's certificate settings differ from the defaults (the
    /// form shows them unfolded).
    pub certificate_custom: bool,
    /// An `icmp` monitor's echo requests per check.
    pub icmp_count: String,
    /// A `domain` monitor's registered name.
    pub domain_name: String,
    /// A `domain` monitor's expiry thresholds (`30, 7, 1`).
    pub domain_expiry_days: String,
    /// A `domain` monitor's RDAP server; empty: the IANA bootstrap file's.
    pub rdap_url: String,
    /// A GitHub user or organisation.
    pub github_owner: String,
    /// Empty: the organisation's runners.
    pub github_repo: String,
    /// Write-only: empty keeps the stored token.
    pub github_token: String,
    /// Empty: api.github.com.
    pub github_api_url: String,
    /// The stored token's last characters (`…WXYZ`), shown as a hint.
    pub github_token_hint: String,
    /// A heartbeat's period in seconds; empty when it has a cron schedule.
    pub heartbeat_every: String,
    /// A cron pattern; empty when it has a period.
    pub heartbeat_schedule: String,
    /// The pattern's IANA zone; empty is UTC.
    pub heartbeat_tz: String,
    /// Seconds; empty is the default (5 minutes).
    pub heartbeat_grace: String,
    /// Seconds; empty is no bound.
    pub heartbeat_max_runtime: String,
    pub heartbeat_min_runtime: String,
    /// The name a DNS monitor looks up.
    pub dns_name: String,
    /// A, AAAA, MX …
    pub dns_record_type: String,
    /// `system`, `custom` or `authoritative`.
    pub dns_resolver: String,
    /// Comma-separated `ip` or `ip:port`, for `custom`.
    pub dns_resolvers: String,
    /// The first assertion's operation (`equals`, `contains`, `matches`); empty: none.
    pub dns_op: String,
    /// Its comma-separated values, or its pattern for `matches`.
    pub dns_expected: String,
    /// `true` when checked (a checkbox posts nothing when it is not).
    pub dns_alert_on_change: String,
    pub interval_seconds: String,
    pub timeout_ms: String,
    pub confirmations: String,
    pub recoveries: String,
    /// Ids of the channels to notify (checkboxes named `form[channel_ids][]`).
    pub channel_ids: Vec<String>,
    /// Comma-separated tags.
    pub tags: String,
    /// An HTTP monitor's assertions, in order (rows named `form[assertions][N][…]`).
    pub assertions: Vec<AssertionRow>,
    /// `auto`, `http1` or `http2`.
    pub http_version: String,
    /// `true` when checked; absent (empty) otherwise.
    pub accept_invalid_certs: String,
    /// An HTTP monitor's own DNS server; empty: the system's.
    pub resolver: String,
    /// An HTTP monitor's proxy; empty: none.
    pub proxy: String,
}

/// A channel a monitor may notify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelOption {
    pub id: String,
    pub name: String,
    pub kind: ChannelKind,
}

/// What the form starts with: current values (or defaults) and the channels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitorFormData {
    pub form: MonitorForm,
    pub channels: Vec<ChannelOption>,
    /// What an empty interval means per kind (the domain's defaults).
    pub interval_hint: String,
}
