//! The domain check: which RDAP server serves the name (the monitor's own,
//! or the IANA bootstrap file's, fetched once a day and shared by the
//! process), then `GET {server}domain/{name}` through the guard. A 404 is
//! "not registered", a 429 a wait (`Retry-After`), anything unreadable a
//! failure naming what was wrong.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use domain::registrations::{rdap, DomainOutcome, DomainSpec, Registration};
use reqwest::StatusCode;
use tokio::sync::Mutex;

use super::{describe, millis};
use crate::outbound::{read_capped, Outbound};

/// The IANA bootstrap file for domain names (RFC 9224).
pub const IANA_BOOTSTRAP: &str = "https://data.iana.org/rdap/dns.json";
/// How long a fetched bootstrap file is used before it is fetched again.
const BOOTSTRAP_TTL: Duration = Duration::from_secs(24 * 3600);
/// Largest RDAP answer read; real ones are a few KB, the bootstrap ~30 KB.
const BODY_LIMIT: usize = 1024 * 1024;
/// The wait when a registry says 429 without a usable `Retry-After`.
const DEFAULT_WAIT: Duration = Duration::from_secs(3600);

/// The bootstrap file's URL and the process's copy of it.
#[derive(Clone)]
pub struct RdapDirectory {
    url: String,
    cached: Arc<Mutex<Option<(Instant, bytes::Bytes)>>>,
}

impl RdapDirectory {
    /// A directory reading the bootstrap file at `url` (`--rdap-bootstrap-url`).
    pub fn new(url: impl Into<String>) -> Self {
        Self { url: url.into(), cached: Arc::default() }
    }

    /// The bootstrap file, fetched when missing or older than a day.
    async fn file(&self, out: &Outbound, timeout: Duration) -> Result<bytes::Bytes, String> {
        let mut cached = self.cached.lock().await;
        if let Some((at, file)) = cached.as_ref() {
            if at.elapsed() < BOOTSTRAP_TTL {
                return Ok(file.clone());
            }
        }
        let response = out
            .get(&self.url)
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| format!("the RDAP bootstrap file: {}", describe(&e, timeout)))?;
        if !response.status().is_success() {
            return Err(format!("the RDAP bootstrap file: HTTP {}", response.status().as_u16()));
        }
        let file = read_capped(response, BODY_LIMIT)
            .await
            .map_err(|e| format!("the RDAP bootstrap file: {e}"))?;
        *cached = Some((Instant::now(), file.clone()));
        Ok(file)
    }
}

impl Default for RdapDirectory {
    fn default() -> Self {
        Self::new(IANA_BOOTSTRAP)
    }
}

/// What one domain check saw, and how long the lookup took.
#[derive(Debug, Clone)]
pub struct DomainChecked {
    pub outcome: DomainOutcome,
    pub latency_ms: Option<u32>,
}

/// Looks the spec's name up within `timeout`; never fails.
pub async fn check_domain(
    out: &Outbound,
    directory: &RdapDirectory,
    spec: &DomainSpec,
    timeout: Duration,
) -> DomainChecked {
    let started = Instant::now();
    let outcome = match tokio::time::timeout(timeout, lookup(out, directory, spec, timeout)).await {
        Ok(outcome) => outcome,
        Err(_) => DomainOutcome::Failed { error: super::timed_out(timeout) },
    };
    let latency_ms =
        matches!(outcome, DomainOutcome::Found { .. } | DomainOutcome::NotFound { .. })
            .then(|| millis(started.elapsed()));
    DomainChecked { outcome, latency_ms }
}

async fn lookup(
    out: &Outbound,
    directory: &RdapDirectory,
    spec: &DomainSpec,
    timeout: Duration,
) -> DomainOutcome {
    let server = match &spec.rdap_url {
        Some(url) => url.clone(),
        None => {
            let file = match directory.file(out, timeout).await {
                Ok(file) => file,
                Err(error) => return DomainOutcome::Failed { error },
            };
            match rdap::servers_for(&file, &spec.name) {
                Ok(servers) => servers[0].clone(),
                Err(err) => return DomainOutcome::Failed { error: err.to_string() },
            }
        }
    };
    let Ok(url) = server.join(&format!("domain/{}", spec.name)) else {
        return DomainOutcome::Failed { error: format!("cannot make an RDAP URL from {server}") };
    };
    let server = server.to_string();
    let response = match out
        .get(url.as_str())
        .header(reqwest::header::ACCEPT, "application/rdap+json, application/json")
        .timeout(timeout)
        .send()
        .await
    {
        Ok(response) => response,
        Err(err) => {
            return DomainOutcome::Failed {
                error: format!("{server}: {}", describe(&err, timeout)),
            }
        }
    };
    match response.status() {
        StatusCode::NOT_FOUND => DomainOutcome::NotFound { server },
        StatusCode::TOO_MANY_REQUESTS => {
            let wait = retry_after(response.headers()).unwrap_or(DEFAULT_WAIT);
            let until = Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
            DomainOutcome::RateLimited {
                until,
                error: format!(
                    "{server} asked to wait until {} (HTTP 429)",
                    until.format("%Y-%m-%d %H:%M:%S UTC")
                ),
            }
        }
        status if !status.is_success() => {
            DomainOutcome::Failed { error: format!("{server} answered HTTP {}", status.as_u16()) }
        }
        _ => match read_capped(response, BODY_LIMIT).await {
            Err(err) => DomainOutcome::Failed { error: format!("{server}: {err}") },
            Ok(body) => match Registration::from_json(&body) {
                Ok(registration) => DomainOutcome::Found { registration, server },
                Err(err) => DomainOutcome::Failed { error: format!("{server}: {err}") },
            },
        },
    }
}

/// `Retry-After` in seconds (the HTTP-date form is rare for RDAP and taken
/// as absent), at most a day.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let seconds =
        headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim().parse::<u64>().ok()?;
    Some(Duration::from_secs(seconds.min(86_400)))
}
