//! How monitors are shown: settings, current state and the kind's block.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::github::{GithubRunnersSpec, GithubRunnersView};
use super::input::{MonitorSettings, Target};
use super::{HttpSpec, MonitorKind, SpecError, Status, TcpSpec};
use crate::dns::DnsSpec;
use crate::entities::{monitor_state, monitors};

/// A monitor with its current state, as the API and UI show it.
#[derive(Debug, Clone)]
pub struct MonitorView {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    pub kind: MonitorKind,
    /// The normalised URL, host:port, or host/owner/repo.
    pub target: String,
    pub interval_seconds: i32,
    pub timeout_ms: i32,
    pub confirmations: i32,
    pub recoveries: i32,
    pub channel_ids: Vec<Uuid>,
    pub paused: bool,
    pub status: Status,
    pub status_since: DateTime<Utc>,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub latest_response_time_ms: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The HTTP monitor's settings, header values and body masked.
    pub http: Option<HttpSpec>,
    pub tcp: Option<TcpSpec>,
    /// The runner monitor's settings, its token masked.
    pub github_runners: Option<GithubRunnersView>,
    /// The stored settings of a runner monitor (the token hint included).
    pub github_spec: Option<GithubRunnersSpec>,
    /// The DNS monitor's settings.
    pub dns: Option<DnsSpec>,
}

impl MonitorView {
    /// Joins a monitor row with its state row.
    pub fn build(
        m: monitors::Model,
        state: Option<&monitor_state::Model>,
        channel_ids: Vec<Uuid>,
    ) -> Result<Self, super::service::MonitorError> {
        let target = Target::from_config(m.kind, &m.config)?;
        let mut dns = None;
        let (http, tcp, github_spec) = match target {
            // Sealed rows store the masks; a row not yet upgraded is masked here.
            Target::Http(spec) if m.secret.is_none() => (Some(spec.masked()), None, None),
            Target::Http(spec) => (Some(spec), None, None),
            Target::Tcp(spec) => (None, Some(spec), None),
            Target::GithubRunners(spec) => (None, None, Some(spec)),
            Target::Dns(spec) => {
                dns = Some(spec);
                (None, None, None)
            }
        };
        Ok(Self {
            id: m.id,
            owner_id: m.owner_id,
            name: m.name,
            kind: m.kind,
            target: m.target,
            interval_seconds: m.interval_seconds,
            timeout_ms: m.timeout_ms,
            confirmations: m.confirmations,
            recoveries: m.recoveries,
            channel_ids,
            paused: m.paused,
            status: state.map_or(Status::Unknown, |s| s.status),
            status_since: state.map_or(m.created_at, |s| s.status_since),
            last_checked_at: state.and_then(|s| s.last_checked_at),
            latest_response_time_ms: state.and_then(|s| s.last_latency_ms),
            last_error: state.and_then(|s| s.last_error.clone()),
            created_at: m.created_at,
            http,
            tcp,
            github_runners: github_spec.as_ref().map(GithubRunnersSpec::view),
            github_spec,
            dns,
        })
    }

    /// The settings this view was built from, for patching.
    pub fn settings(&self) -> Result<MonitorSettings, SpecError> {
        let target = match (&self.http, &self.tcp, &self.github_spec) {
            (Some(spec), _, _) => Target::Http(spec.clone()),
            (_, Some(spec), _) => Target::Tcp(spec.clone()),
            (_, _, Some(spec)) => Target::GithubRunners(spec.clone()),
            _ if self.dns.is_some() => Target::Dns(
                self.dns
                    .clone()
                    .ok_or_else(|| SpecError::new("kind", "the monitor has no settings"))?,
            ),
            _ => return Err(SpecError::new("kind", "the monitor has no settings")),
        };
        Ok(MonitorSettings {
            name: self.name.clone(),
            target,
            interval_seconds: self.interval_seconds,
            timeout_ms: self.timeout_ms,
            confirmations: self.confirmations,
            recoveries: self.recoveries,
            channel_ids: self.channel_ids.clone(),
            paused: self.paused,
        })
    }
}

/// Which monitors a list shows.
#[derive(Debug, Clone, Default)]
pub struct MonitorFilter {
    pub status: Option<Status>,
    pub kind: Option<MonitorKind>,
    pub search: Option<String>,
    pub cursor: Option<String>,
    pub limit: u64,
    /// Admins only: every user's monitors.
    pub all_users: bool,
}

/// One page of monitors.
#[derive(Debug, Clone)]
pub struct MonitorPage {
    pub monitors: Vec<MonitorView>,
    pub next_cursor: Option<String>,
}
