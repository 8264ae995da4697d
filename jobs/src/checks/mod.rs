//! Check executors: one function per monitor kind, each returning what the
//! check saw. They never fail: a failed check is a `Down` outcome with a short
//! reason, and every one ends within its timeout.

mod dns;
pub mod github;
mod http;
mod icmp;
mod rdap;
mod tcp;
mod tls;

use std::time::Duration;

use domain::monitors::Status;
use domain::probe::HttpFacts;

use crate::outbound::OutboundError;

pub use dns::{check_dns, DnsCheck};
pub use github::list_runners;
pub use http::{check_http, check_http_at, BODY_LIMIT};
pub use icmp::check_icmp;
pub use rdap::{check_domain, DomainChecked, RdapDirectory, IANA_BOOTSTRAP};
pub use tcp::check_tcp;
pub use tls::{check_tls, TlsChecked};

/// What one check saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOutcome {
    /// `Up`, `Degraded` (answered, but slowly) or `Down`.
    pub status: Status,
    /// Time to the response headers (HTTP) or to the connection (TCP).
    pub latency_ms: Option<u32>,
    /// The final response's status code, when there was one.
    pub http_status: Option<u16>,
    /// Why the check is `Down`, in a sentence a user can act on.
    pub error: Option<String>,
    /// What an HTTP check measured: phases, address, versions, excerpt.
    pub http: Option<HttpFacts>,
}

impl CheckOutcome {
    fn down(error: String, latency_ms: Option<u32>, http_status: Option<u16>) -> Self {
        Self { status: Status::Down, latency_ms, http_status, error: Some(error), http: None }
    }

    fn failed(err: &OutboundError, timeout: Duration) -> Self {
        Self::down(describe(err, timeout), None, None)
    }
}

/// The error text users see; a timeout names the limit it hit.
fn describe(err: &OutboundError, timeout: Duration) -> String {
    match err {
        OutboundError::Timeout => timed_out(timeout),
        other => other.to_string(),
    }
}

pub(crate) fn timed_out(timeout: Duration) -> String {
    format!("timed out after {} ms", timeout.as_millis())
}

fn millis(elapsed: Duration) -> u32 {
    u32::try_from(elapsed.as_millis()).unwrap_or(u32::MAX)
}
