//! How monitors are shown: settings, current state and the kind's block.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::github::{GithubRunnersSpec, GithubRunnersView};
use super::input::{MonitorSettings, Target};
use super::{HttpSpec, MonitorKind, SpecError, Status, TcpSpec};
use crate::dns::DnsSpec;
use crate::entities::{monitor_state, monitors};
use crate::registrations::DomainSpec;
use crate::tls::TlsSpec;

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
    /// Its tags, sorted.
    pub tags: Vec<String>,
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
    pub tls: Option<TlsSpec>,
    pub domain: Option<DomainSpec>,
    pub icmp: Option<super::IcmpSpec>,
    /// The heartbeat monitor's schedule, grace and run bounds.
    pub heartbeat: Option<crate::heartbeats::HeartbeatSpec>,
}

impl MonitorView {
    /// Joins a monitor row with its state row.
    pub fn build(
        m: monitors::Model,
        state: Option<&monitor_state::Model>,
        channel_ids: Vec<Uuid>,
        tags: Vec<String>,
    ) -> Result<Self, super::service::MonitorError> {
        let target = Target::from_config(m.kind, &m.config)?;
        let (mut http, mut tcp, mut github_spec) = (None, None, None);
        let (mut tls, mut domain, mut icmp) = (None, None, None);
        let (mut heartbeat, mut dns) = (None, None);
        match target {
            // Sealed rows store the masks; a row not yet upgraded is masked here.
            Target::Http(spec) if m.secret.is_none() => http = Some(spec.masked()),
            Target::Http(spec) => http = Some(spec),
            Target::Tcp(spec) => tcp = Some(spec),
            Target::GithubRunners(spec) => github_spec = Some(spec),
            Target::Tls(spec) => tls = Some(spec),
            Target::Domain(spec) => domain = Some(spec),
            Target::Icmp(spec) => icmp = Some(spec),
            Target::Heartbeat(spec) => heartbeat = Some(spec),
            Target::Dns(spec) => dns = Some(spec),
        }
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
            tags,
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
            tls,
            domain,
            icmp,
            heartbeat,
        })
    }

    /// The settings this view was built from, for patching.
    pub fn settings(&self) -> Result<MonitorSettings, SpecError> {
        let target = if let Some(spec) = &self.http {
            Target::Http(spec.clone())
        } else if let Some(spec) = &self.tcp {
            Target::Tcp(spec.clone())
        } else if let Some(spec) = &self.github_spec {
            Target::GithubRunners(spec.clone())
        } else if let Some(spec) = &self.tls {
            Target::Tls(spec.clone())
        } else if let Some(spec) = &self.domain {
            Target::Domain(spec.clone())
        } else if let Some(spec) = &self.icmp {
            Target::Icmp(spec.clone())
        } else if let Some(spec) = &self.heartbeat {
            Target::Heartbeat(spec.clone())
        } else if let Some(spec) = &self.dns {
            Target::Dns(spec.clone())
        } else {
            return Err(SpecError::new("kind", "the monitor has no settings"));
        };
        Ok(MonitorSettings {
            name: self.name.clone(),
            target,
            interval_seconds: self.interval_seconds,
            timeout_ms: self.timeout_ms,
            confirmations: self.confirmations,
            recoveries: self.recoveries,
            channel_ids: self.channel_ids.clone(),
            tags: self.tags.clone(),
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
    /// Only monitors carrying this tag (normalised like a stored one).
    pub tag: Option<String>,
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
