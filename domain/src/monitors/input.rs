//! What a client may send to create or change a monitor, and its parsing
//! into settings that are always valid.

use kinds::MonitorKind;
use serde::Deserialize;
use uuid::Uuid;

use super::github::{GithubRunnersInput, GithubRunnersSpec};
use super::http::HttpInput;
use super::icmp::{IcmpInput, IcmpSpec};
use super::spec::{HttpSpec, SpecError, TcpSpec};
use crate::dns::{DnsInput, DnsSpec};
use crate::heartbeats::schedule::HeartbeatInput;
use crate::heartbeats::HeartbeatSpec;
use crate::registrations::{DomainInput, DomainSpec};
use crate::tls::{TlsInput, TlsSpec};

/// The kind of a monitor and its own settings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(
    clippy::large_enum_variant,
    reason = "one short-lived value per check or request; boxing the HTTP spec would add an allocation each time and save nothing that stays"
)]
pub enum Target {
    Http(HttpSpec),
    Tcp(TcpSpec),
    GithubRunners(GithubRunnersSpec),
    Dns(DnsSpec),
    Tls(TlsSpec),
    Domain(DomainSpec),
    Icmp(IcmpSpec),
    Heartbeat(HeartbeatSpec),
}

impl Target {
    /// Its kind, as stored.
    pub fn kind(&self) -> MonitorKind {
        match self {
            Self::Http(_) => MonitorKind::Http,
            Self::Tcp(_) => MonitorKind::Tcp,
            Self::GithubRunners(_) => MonitorKind::GithubRunners,
            Self::Dns(_) => MonitorKind::Dns,
            Self::Tls(_) => MonitorKind::Tls,
            Self::Domain(_) => MonitorKind::Domain,
            Self::Icmp(_) => MonitorKind::Icmp,
            Self::Heartbeat(_) => MonitorKind::Heartbeat,
        }
    }

    /// The normalised target, for search and duplicate checks.
    pub fn key(&self) -> String {
        match self {
            Self::Http(spec) => spec.url.to_string(),
            Self::Tcp(spec) => spec.target(),
            Self::GithubRunners(spec) => spec.target(),
            Self::Dns(spec) => spec.target(),
            Self::Tls(spec) => spec.target(),
            Self::Domain(spec) => spec.target(),
            Self::Icmp(spec) => spec.host.clone(),
            Self::Heartbeat(spec) => spec.describe(),
        }
    }

    /// The settings as stored in `monitors.config`: never a token, header
    /// values and the body only masked (they are sealed in `monitors.secret`).
    pub fn to_config(&self) -> String {
        let value = match self {
            Self::Http(spec) => serde_json::to_value(spec.masked()),
            Self::Tcp(spec) => serde_json::to_value(spec),
            Self::GithubRunners(spec) => serde_json::to_value(spec),
            Self::Dns(spec) => serde_json::to_value(spec),
            Self::Tls(spec) => serde_json::to_value(spec),
            Self::Domain(spec) => serde_json::to_value(spec),
            Self::Icmp(spec) => serde_json::to_value(spec),
            Self::Heartbeat(spec) => serde_json::to_value(spec),
        };
        value.map(|v| v.to_string()).unwrap_or_default()
    }

    /// Reads stored settings back.
    pub fn from_config(kind: MonitorKind, config: &str) -> Result<Self, SpecError> {
        let bad = |e: serde_json::Error| {
            SpecError::new("config", format!("stored settings are unreadable: {e}"))
        };
        match kind {
            MonitorKind::Http => Ok(Self::Http(serde_json::from_str(config).map_err(bad)?)),
            MonitorKind::Tcp => Ok(Self::Tcp(serde_json::from_str(config).map_err(bad)?)),
            MonitorKind::GithubRunners => {
                Ok(Self::GithubRunners(serde_json::from_str(config).map_err(bad)?))
            }
            MonitorKind::Dns => Ok(Self::Dns(serde_json::from_str(config).map_err(bad)?)),
            MonitorKind::Tls => Ok(Self::Tls(serde_json::from_str(config).map_err(bad)?)),
            MonitorKind::Domain => Ok(Self::Domain(serde_json::from_str(config).map_err(bad)?)),
            MonitorKind::Icmp => Ok(Self::Icmp(serde_json::from_str(config).map_err(bad)?)),
            MonitorKind::Heartbeat => {
                Ok(Self::Heartbeat(serde_json::from_str(config).map_err(bad)?))
            }
        }
    }

    /// The default interval of this kind: see [`default_interval`].
    fn default_interval(&self) -> i64 {
        default_interval(self.kind())
    }
}

/// The interval a new monitor of `kind` gets when none is given: a minute,
/// five for GitHub runners (its API has an hourly request budget), a day for
/// certificates and registrations (they change rarely; thresholds are in
/// days; registries rate-limit RDAP). A heartbeat monitor's interval is how
/// often its state is looked at besides the instants a ping is due
/// (decision 76).
pub fn default_interval(kind: MonitorKind) -> i64 {
    match kind {
        MonitorKind::GithubRunners => 300,
        MonitorKind::Tls | MonitorKind::Domain => 86_400,
        MonitorKind::Http
        | MonitorKind::Tcp
        | MonitorKind::Icmp
        | MonitorKind::Heartbeat
        | MonitorKind::Dns => INTERVAL_SECONDS.2,
    }
}

/// The confirmations a new monitor of `kind` gets when none is given: two,
/// one for heartbeats (a missed ping is already confirmed by its grace).
pub fn default_confirmations(kind: MonitorKind) -> i64 {
    match kind {
        MonitorKind::Heartbeat => 1,
        _ => CONFIRMATIONS.2,
    }
}

/// A new monitor as the API receives it; the kind's block must match `kind`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitorInput {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub interval_seconds: Option<i64>,
    pub timeout_ms: Option<i64>,
    pub confirmations: Option<i64>,
    pub recoveries: Option<i64>,
    pub channel_ids: Option<Vec<Uuid>>,
    /// Labels; see [`super::tags`].
    pub tags: Option<Vec<String>>,
    pub paused: Option<bool>,
    pub http: Option<HttpInput>,
    pub tcp: Option<TcpSpec>,
    pub github_runners: Option<GithubRunnersInput>,
    pub dns: Option<DnsInput>,
    pub tls: Option<TlsInput>,
    pub domain: Option<DomainInput>,
    pub icmp: Option<IcmpInput>,
    pub heartbeat: Option<HeartbeatInput>,
    /// Accepted and ignored on input: server-owned fields a client may echo back.
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    #[serde(default)]
    pub status: Option<serde_json::Value>,
    #[serde(default)]
    pub status_since: Option<serde_json::Value>,
    #[serde(default)]
    pub last_checked_at: Option<serde_json::Value>,
}

/// Validated settings of a monitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitorSettings {
    pub name: String,
    pub target: Target,
    pub interval_seconds: i32,
    pub timeout_ms: i32,
    pub confirmations: i32,
    pub recoveries: i32,
    pub channel_ids: Vec<Uuid>,
    /// Normalised tags, sorted.
    pub tags: Vec<String>,
    pub paused: bool,
}

/// Bounds of the numeric settings, and their defaults.
pub const INTERVAL_SECONDS: (i64, i64, i64) = (1, 86_400, 60);
pub const TIMEOUT_MS: (i64, i64, i64) = (100, 60_000, 10_000);
pub const CONFIRMATIONS: (i64, i64, i64) = (1, 20, 2);
pub const RECOVERIES: (i64, i64, i64) = (1, 20, 1);

fn bounded(
    field: &str,
    value: Option<i64>,
    (min, max, default): (i64, i64, i64),
) -> Result<i32, SpecError> {
    let value = value.unwrap_or(default);
    if !(min..=max).contains(&value) {
        return Err(SpecError::new(field, format!("must be between {min} and {max}")));
    }
    i32::try_from(value).map_err(|_| SpecError::new(field, "is out of range"))
}

impl MonitorInput {
    /// Validates a create request.
    pub fn into_settings(mut self) -> Result<MonitorSettings, SpecError> {
        let target = self.take_target()?;
        self.settings_for(target)
    }

    /// The kind's block, validated; exactly one block, matching `kind`.
    fn take_target(&mut self) -> Result<Target, SpecError> {
        let given: Vec<MonitorKind> = [
            (MonitorKind::Http, self.http.is_some()),
            (MonitorKind::Tcp, self.tcp.is_some()),
            (MonitorKind::GithubRunners, self.github_runners.is_some()),
            (MonitorKind::Dns, self.dns.is_some()),
            (MonitorKind::Tls, self.tls.is_some()),
            (MonitorKind::Domain, self.domain.is_some()),
            (MonitorKind::Icmp, self.icmp.is_some()),
            (MonitorKind::Heartbeat, self.heartbeat.is_some()),
        ]
        .into_iter()
        .filter_map(|(kind, present)| present.then_some(kind))
        .collect();
        let kind = match (self.kind.as_deref().map(str::trim), given.as_slice()) {
            (Some(kind), _) => kind.parse::<MonitorKind>().map_err(|_| {
                SpecError::new("kind", format!("must be {}", MonitorKind::EXPECTED))
            })?,
            (None, [one]) => *one,
            (None, []) => {
                return Err(SpecError::new(
                    "kind",
                    format!("is required ({})", MonitorKind::EXPECTED),
                ))
            }
            (None, _) => {
                return Err(SpecError::new("kind", "give exactly the block that matches the kind"))
            }
        };
        if !given.contains(&kind) {
            return Err(SpecError::new(kind.as_str(), format!("is required for kind {kind}")));
        }
        if given.len() > 1 {
            return Err(SpecError::new("kind", "give exactly the block that matches the kind"));
        }
        if let Some(dns) = self.dns.take() {
            return Ok(Target::Dns(dns.validated()?));
        }
        if let Some(http) = self.http.take() {
            return Ok(Target::Http(http.validated()?));
        }
        if let Some(heartbeat) = self.heartbeat.take() {
            return Ok(Target::Heartbeat(HeartbeatSpec::parse(heartbeat)?));
        }
        if let Some(tcp) = self.tcp.take() {
            return Ok(Target::Tcp(tcp.validated()?));
        }
        if let Some(github) = self.github_runners.take() {
            return Ok(Target::GithubRunners(github.validated()?));
        }
        if let Some(tls) = self.tls.take() {
            return Ok(Target::Tls(tls.validated()?));
        }
        if let Some(domain) = self.domain.take() {
            return Ok(Target::Domain(domain.validated()?));
        }
        if let Some(icmp) = self.icmp.take() {
            return Ok(Target::Icmp(icmp.validated()?));
        }
        Err(SpecError::new("kind", "give exactly the block that matches the kind"))
    }

    /// The settings around a validated target; defaults fill in what is absent.
    fn settings_for(self, target: Target) -> Result<MonitorSettings, SpecError> {
        let confirmations = bounded(
            "confirmations",
            self.confirmations.or(Some(default_confirmations(target.kind()))),
            CONFIRMATIONS,
        )?;
        let interval = self.interval_seconds.or(Some(target.default_interval()));
        let interval_seconds = bounded("interval_seconds", interval, INTERVAL_SECONDS)?;
        let default_timeout = TIMEOUT_MS.2.min(i64::from(interval_seconds) * 1000);
        let timeout_ms =
            bounded("timeout_ms", Some(self.timeout_ms.unwrap_or(default_timeout)), TIMEOUT_MS)?;
        let name = match self.name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()) {
            Some(name) if name.chars().count() > 200 => {
                return Err(SpecError::new("name", "must be at most 200 characters"));
            }
            Some(name) => name,
            None => default_name(&target),
        };
        Ok(MonitorSettings {
            name,
            target,
            interval_seconds,
            timeout_ms,
            confirmations,
            recoveries: bounded("recoveries", self.recoveries, RECOVERIES)?,
            channel_ids: dedup(self.channel_ids.unwrap_or_default()),
            tags: super::tags::normalize(&self.tags.unwrap_or_default(), "tags")?,
            paused: self.paused.unwrap_or(false),
        })
    }

    /// Applies a patch on top of `current` (clear settings); absent fields
    /// stay as they are. A runner monitor's token, an HTTP monitor's header
    /// values and body stay stored unless new ones are given.
    pub fn patch(self, current: &MonitorSettings) -> Result<MonitorSettings, SpecError> {
        if let Some(kind) = self.kind.as_deref() {
            if kind != current.target.kind().as_str() {
                return Err(SpecError::new("kind", "cannot be changed; create a new monitor"));
            }
        }
        let given = [
            self.http.is_some(),
            self.tcp.is_some(),
            self.github_runners.is_some(),
            self.tls.is_some(),
            self.domain.is_some(),
            self.icmp.is_some(),
            self.heartbeat.is_some(),
            self.dns.is_some(),
        ]
        .into_iter()
        .filter(|&present| present)
        .count();
        let mismatch =
            || SpecError::new("kind", "give only the block that matches the monitor's kind");
        let target = match (&current.target, given) {
            (target, 0) => target.clone(),
            (_, 2..) => return Err(mismatch()),
            (Target::Http(spec), _) => Target::Http(self.http.ok_or_else(mismatch)?.patched(spec)?),
            (Target::Tcp(_), _) => Target::Tcp(self.tcp.ok_or_else(mismatch)?.validated()?),
            (Target::GithubRunners(spec), _) => {
                Target::GithubRunners(self.github_runners.ok_or_else(mismatch)?.patched(spec)?)
            }
            (Target::Heartbeat(spec), _) => {
                Target::Heartbeat(self.heartbeat.ok_or_else(mismatch)?.patched(spec)?)
            }
            (Target::Tls(spec), _) => Target::Tls(self.tls.ok_or_else(mismatch)?.patched(spec)?),
            (Target::Domain(spec), _) => {
                Target::Domain(self.domain.ok_or_else(mismatch)?.patched(spec)?)
            }
            (Target::Icmp(spec), _) => Target::Icmp(self.icmp.ok_or_else(mismatch)?.patched(spec)?),
            // A DNS block replaces the stored one as a whole: nothing in it is secret.
            (Target::Dns(_), _) => Target::Dns(self.dns.ok_or_else(mismatch)?.validated()?),
        };
        let merged = MonitorInput {
            name: Some(self.name.unwrap_or_else(|| current.name.clone())),
            interval_seconds: Some(
                self.interval_seconds.unwrap_or(current.interval_seconds.into()),
            ),
            timeout_ms: Some(self.timeout_ms.unwrap_or(current.timeout_ms.into())),
            confirmations: Some(self.confirmations.unwrap_or(current.confirmations.into())),
            recoveries: Some(self.recoveries.unwrap_or(current.recoveries.into())),
            channel_ids: Some(self.channel_ids.unwrap_or_else(|| current.channel_ids.clone())),
            tags: Some(self.tags.unwrap_or_else(|| current.tags.clone())),
            paused: Some(self.paused.unwrap_or(current.paused)),
            ..Default::default()
        };
        merged.settings_for(target)
    }
}

fn default_name(target: &Target) -> String {
    match target {
        Target::Http(spec) => {
            spec.url.host_str().map_or_else(|| spec.url.to_string(), str::to_owned)
        }
        Target::Tcp(spec) => spec.target(),
        Target::GithubRunners(spec) => format!("{} runners", spec.repository()),
        Target::Dns(spec) => format!("{} {}", spec.name.trim_end_matches('.'), spec.record_type),
        Target::Tls(spec) => format!("{} certificate", spec.target()),
        Target::Domain(spec) => format!("{} registration", spec.name),
        Target::Icmp(spec) => format!("ping {}", spec.host),
        Target::Heartbeat(spec) => spec.describe(),
    }
}

fn dedup(mut ids: Vec<Uuid>) -> Vec<Uuid> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(url: &str) -> MonitorInput {
        MonitorInput {
            kind: Some("http".into()),
            http: Some(HttpInput { url: Some(url.into()), ..Default::default() }),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_fill_in_and_the_name_comes_from_the_host() {
        let settings = http("https://Status.Example.org/health").into_settings().expect("valid");
        assert_eq!(settings.name, "status.example.org");
        assert_eq!((settings.interval_seconds, settings.timeout_ms), (60, 10_000));
        assert_eq!((settings.confirmations, settings.recoveries), (2, 1));
    }

    #[test]
    fn the_timeout_defaults_to_at_most_the_interval() {
        let mut input = http("https://example.org");
        input.interval_seconds = Some(1);
        assert_eq!(input.into_settings().expect("valid").timeout_ms, 1000);
    }

    #[test]
    fn bad_numbers_and_blocks_name_the_field() {
        let mut input = http("https://example.org");
        input.interval_seconds = Some(0);
        assert_eq!(input.into_settings().expect_err("interval").field, "interval_seconds");
        let mut input = http("https://example.org");
        input.interval_seconds = Some(86_401);
        assert_eq!(input.into_settings().expect_err("interval").field, "interval_seconds");
        let input = MonitorInput { kind: Some("tcp".into()), ..Default::default() };
        assert_eq!(input.into_settings().expect_err("block").field, "tcp");
        let input = MonitorInput { kind: Some("smoke-signal".into()), ..Default::default() };
        assert_eq!(input.into_settings().expect_err("kind").field, "kind");
        assert_eq!(http("gopher://x").into_settings().expect_err("url").field, "url");
        let mut both = http("https://example.org");
        both.tcp = Some(TcpSpec { host: "db".into(), port: 1 });
        assert_eq!(both.into_settings().expect_err("two blocks").field, "kind");
    }

    #[test]
    fn runner_monitors_check_every_five_minutes_by_default() {
        let input: MonitorInput = serde_json::from_value(serde_json::json!({
            "kind": "github_runners",
            "github_runners": {"owner": "acme", "repo": "api", "token": "ghp_secret"}
        }))
        .expect("input");
        let settings = input.into_settings().expect("valid");
        assert_eq!(settings.interval_seconds, 300);
        assert_eq!(settings.name, "acme/api runners");
        assert_eq!(settings.target.key(), "github.com/acme/api");
        assert!(!settings.target.to_config().contains("ghp_secret"));
    }

    #[test]
    fn dns_monitors_are_named_after_the_query_and_patched_as_a_whole() {
        let input: MonitorInput = serde_json::from_value(serde_json::json!({
            "kind": "dns",
            "dns": {"name": "example.com", "record_type": "MX", "alert_on_change": true}
        }))
        .expect("input");
        let settings = input.into_settings().expect("valid");
        assert_eq!((settings.name.as_str(), settings.interval_seconds), ("example.com MX", 60));
        assert_eq!(settings.target.key(), "MX example.com. @system");
        let stored = settings.target.to_config();
        assert_eq!(Target::from_config(MonitorKind::Dns, &stored).expect("read"), settings.target);

        let patch: MonitorInput = serde_json::from_value(serde_json::json!({
            "dns": {"name": "example.org", "resolver": "custom", "resolvers": ["9.9.9.9"]}
        }))
        .expect("patch");
        let patched = patch.patch(&settings).expect("patched");
        let Target::Dns(spec) = &patched.target else { panic!("still dns") };
        assert_eq!((spec.name.as_str(), spec.alert_on_change), ("example.org.", false));
        assert_eq!(patched.name, settings.name, "the name is kept");
        let wrong: MonitorInput =
            serde_json::from_value(serde_json::json!({"tcp": {"host": "db", "port": 5432}}))
                .expect("patch");
        assert_eq!(wrong.patch(&settings).expect_err("kind").field, "kind");
        let stray: MonitorInput =
            serde_json::from_value(serde_json::json!({"dns": {"name": "x.example"}}))
                .expect("patch");
        let http_monitor = http("https://example.org").into_settings().expect("valid");
        assert_eq!(stray.patch(&http_monitor).expect_err("kind").field, "kind");
    }

    #[test]
    fn a_patch_keeps_what_it_does_not_name() {
        let current = http("https://example.org").into_settings().expect("valid");
        let patched = MonitorInput { paused: Some(true), ..Default::default() }
            .patch(&current)
            .expect("patched");
        assert!(patched.paused);
        assert_eq!(patched.target, current.target);
        let wrong_kind = MonitorInput { kind: Some("tcp".into()), ..Default::default() };
        assert_eq!(wrong_kind.patch(&current).expect_err("kind").field, "kind");
    }
}
