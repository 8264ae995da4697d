//! Statuses, roles and kinds: each set of words defined once, for the
//! database rows, the domain, the REST API's schema and the browser.

use crate::macros::words;
// Named by the `db_type` the `db` feature's derive expands.
#[cfg(feature = "db")]
use sea_orm::sea_query::StringLen;

words! {
    /// What a monitor (or one check) says about its target.
    #[cfg_attr(feature = "schema", schema(as = MonitorStatus))]
    Status, "up, down, degraded, paused or unknown" {
        /// Not checked yet, or not enough results to say.
        Unknown = "unknown",
        Up = "up",
        /// Answering, but slower than the monitor's threshold.
        Degraded = "degraded",
        Down = "down",
        Paused = "paused",
    }
}

impl Status {
    /// Whether the target answered acceptably (degraded still answers).
    pub fn is_healthy(self) -> bool {
        matches!(self, Self::Up | Self::Degraded)
    }
}

words! {
    /// A user's role; upper case, as in the RunState contract.
    Role, "USER or ADMIN" {
        User = "USER",
        Admin = "ADMIN",
    }
}

words! {
    /// Where a channel delivers.
    ChannelKind, "slack, webhook or email" {
        Slack = "slack",
        Webhook = "webhook",
        Email = "email",
    }
}

words! {
    /// What a monitor checks.
    MonitorKind, "http, tcp, github_runners, tls, domain, icmp, heartbeat or dns" {
        Http = "http",
        Tcp = "tcp",
        /// The self-hosted GitHub Actions runners of a repository or organisation.
        GithubRunners = "github_runners",
        /// The certificate a TLS server (any `host:port`) presents.
        Tls = "tls",
        /// A domain name's registration, asked of its registry over RDAP.
        Domain = "domain",
        /// Echo requests (ping) to a host.
        Icmp = "icmp",
        /// A job that pings RunState; its check is the absence of a ping.
        Heartbeat = "heartbeat",
        /// A DNS query and assertions on its answer.
        Dns = "dns",
    }
}

words! {
    /// Where one notification's delivery stands.
    DeliveryStatus, "pending, sending, retrying, delivered, failed, held or suppressed" {
        /// Waiting for its first attempt.
        Pending = "pending",
        /// An attempt is under way (or its worker died: the lease runs out).
        Sending = "sending",
        /// Failed, another attempt is scheduled.
        Retrying = "retrying",
        /// The channel accepted it.
        Delivered = "delivered",
        /// Every attempt failed, or the failure cannot be retried.
        Failed = "failed",
        /// A maintenance window covers its monitor: kept until the window
        /// ends (`next_attempt_at`), then sent or suppressed.
        Held = "held",
        /// Held through a maintenance window and cancelled by a later change
        /// in it (a down and its recovery): never sent.
        Suppressed = "suppressed",
    }
}

words! {
    /// What an API token may do.
    TokenScope, "read, write or admin" {
        /// Reads only: GET and HEAD.
        Read = "read",
        /// Reads and changes what its owner may change.
        Write = "write",
        /// Everything its owner may do, the admin routes included (an admin's token).
        Admin = "admin",
    }
}

impl TokenScope {
    /// Whether a token of this scope may make a change (not only read).
    pub fn may_write(self) -> bool {
        matches!(self, Self::Write | Self::Admin)
    }
}

impl DeliveryStatus {
    /// Whether nothing more will happen to it.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Delivered | Self::Failed | Self::Suppressed)
    }
}

words! {
    /// Why a notification is sent.
    NotificationEvent, "down, up, test, certificate_expiring, certificate_changed or domain_expiring" {
        /// The monitor went down: an incident opened.
        Down = "down",
        /// The monitor recovered: its incident resolved.
        Up = "up",
        /// A test message a user asked for; never about a monitor.
        Test = "test",
        /// A certificate's days left fell past one of the monitor's thresholds.
        CertificateExpiring = "certificate_expiring",
        /// The server presents another certificate than at the previous check.
        CertificateChanged = "certificate_changed",
        /// A domain's registration days left fell past one of the monitor's thresholds.
        DomainExpiring = "domain_expiring",
    }
}

/// An alert built without an event is a test: never about a monitor.
impl Default for NotificationEvent {
    fn default() -> Self {
        Self::Test
    }
}

words! {
    /// How a maintenance window recurs.
    MaintenanceKind, "one_off, rrule or cron" {
        /// Once, from `starts_at` to `ends_at`.
        OneOff = "one_off",
        /// An iCalendar RRULE (a subset: daily, weekly, monthly) with a duration.
        Rrule = "rrule",
        /// A cron pattern with a duration.
        Cron = "cron",
    }
}

words! {
    /// What happened to an incident, one entry of its timeline.
    IncidentEventKind, "opened, acknowledged, resolved or closed" {
        Opened = "opened",
        /// A user said they are on it.
        Acknowledged = "acknowledged",
        /// The monitor (or runner) recovered.
        Resolved = "resolved",
        /// Ended without a recovery: its runner was forgotten.
        Closed = "closed",
    }
}

words! {
    /// What GitHub (or a runner's absence from a listing) says about a runner.
    RunnerStatus, "online, offline or unknown" {
        Online = "online",
        Offline = "offline",
        /// Missing from the last complete listing.
        Unknown = "unknown",
    }
}

impl RunnerStatus {
    /// GitHub's status field: `online` in any case, else `offline`.
    pub fn from_github(raw: &str) -> Self {
        if raw.eq_ignore_ascii_case("online") {
            Self::Online
        } else {
            Self::Offline
        }
    }

    /// Only an online runner is healthy.
    pub fn is_healthy(self) -> bool {
        self == Self::Online
    }
}

words! {
    /// Whether a runner's outage is still open.
    OutageStatus, "ongoing or resolved" {
        Ongoing = "ongoing",
        Resolved = "resolved",
    }
}

words! {
    /// A statistics window of the monitor page and `/stats`.
    StatsWindow, "1h, 24h, 7d, 30d or 90d" {
        Hour = "1h",
        Day = "24h",
        Week = "7d",
        Month = "30d",
        Quarter = "90d",
    }
}

/// The window a monitor's page opens with.
impl Default for StatsWindow {
    fn default() -> Self {
        Self::Day
    }
}

impl StatsWindow {
    /// Parses a window as clients write it; `1d` is another name for `24h`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "1d" => Some(Self::Day),
            other => other.parse().ok(),
        }
    }

    /// The window's length in seconds.
    pub const fn seconds(self) -> i64 {
        const HOUR: i64 = 3600;
        match self {
            Self::Hour => HOUR,
            Self::Day => 24 * HOUR,
            Self::Week => 7 * 24 * HOUR,
            Self::Month => 30 * 24 * HOUR,
            Self::Quarter => 90 * 24 * HOUR,
        }
    }
}

words! {
    /// The request method of an HTTP check, as the API accepts it.
    HttpMethod, "GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS" {
        Get = "GET",
        Head = "HEAD",
        Post = "POST",
        Put = "PUT",
        Patch = "PATCH",
        Delete = "DELETE",
        Options = "OPTIONS",
    }
}

/// A check without a method sends a GET.
impl Default for HttpMethod {
    fn default() -> Self {
        Self::Get
    }
}

impl HttpMethod {
    /// Parses a method in any case, with surrounding space, as a form sends it.
    pub fn parse_loose(raw: &str) -> Option<Self> {
        raw.trim().to_uppercase().parse().ok()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Every word round-trips through its spelling, serde agrees with
    /// `as_str`, and no two words of a set share a spelling.
    fn round_trips<T>(all: &[T])
    where
        T: Copy + PartialEq + std::fmt::Debug + std::fmt::Display + std::str::FromStr,
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        let mut seen = std::collections::HashSet::new();
        for &word in all {
            let text = word.to_string();
            assert!(seen.insert(text.clone()), "{text} spelled twice");
            assert_eq!(text.parse::<T>().ok(), Some(word));
            let json = serde_json::to_string(&word).unwrap();
            assert_eq!(json, format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), word);
        }
    }

    #[test]
    fn every_set_round_trips() {
        round_trips(Status::ALL);
        round_trips(Role::ALL);
        round_trips(ChannelKind::ALL);
        round_trips(MonitorKind::ALL);
        round_trips(DeliveryStatus::ALL);
        round_trips(NotificationEvent::ALL);
        round_trips(IncidentEventKind::ALL);
        round_trips(MaintenanceKind::ALL);
        round_trips(RunnerStatus::ALL);
        round_trips(OutageStatus::ALL);
        round_trips(StatsWindow::ALL);
        round_trips(HttpMethod::ALL);
        round_trips(TokenScope::ALL);
    }

    #[test]
    fn words_read_strictly() {
        assert_eq!("degraded".parse(), Ok(Status::Degraded));
        assert!("sideways".parse::<Status>().is_err());
        assert!("admin".parse::<Role>().is_err(), "case matters");
        assert!("pager".parse::<ChannelKind>().is_err());
        assert!("ftp".parse::<MonitorKind>().is_err());
    }

    #[test]
    fn loose_readers_accept_what_clients_send() {
        assert_eq!(StatsWindow::parse("1d"), Some(StatsWindow::Day));
        assert_eq!(StatsWindow::parse("90d"), Some(StatsWindow::Quarter));
        assert_eq!(StatsWindow::parse("2d"), None);
        assert_eq!(StatsWindow::Week.seconds(), 7 * 86_400);
        assert_eq!(HttpMethod::parse_loose(" post "), Some(HttpMethod::Post));
        assert_eq!(HttpMethod::parse_loose("BREW"), None);
        assert_eq!(RunnerStatus::from_github("Online"), RunnerStatus::Online);
        assert_eq!(RunnerStatus::from_github("idle"), RunnerStatus::Offline);
        assert!(DeliveryStatus::Failed.is_final() && !DeliveryStatus::Retrying.is_final());
    }

    #[test]
    fn an_unknown_word_names_the_accepted_ones() {
        let err = "sideways".parse::<Status>().unwrap_err();
        assert_eq!(err.got, "sideways");
        assert_eq!(err.to_string(), "must be up, down, degraded, paused or unknown");
        assert!(serde_json::from_str::<Status>("\"UP\"").is_err());
    }
}
