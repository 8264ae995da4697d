//! The TLS check: a handshake with the monitor's `host:port` through the
//! guard, the chain the server sent, and whether it was accepted. What the
//! certificate means (degraded near expiry, thresholds, a replaced
//! certificate) is decided where it is recorded (`domain::tls::TlsResult`).

use std::time::Duration;

use domain::tls::{TlsOutcome, TlsSpec};

use super::{describe, millis};
use crate::outbound::{Outbound, TlsInspectError};

/// What one TLS check saw, and how long connecting and the handshake took.
#[derive(Debug, Clone)]
pub struct TlsChecked {
    pub outcome: TlsOutcome,
    pub latency_ms: Option<u32>,
}

/// Shakes hands with the spec's server within `timeout`; never fails.
pub async fn check_tls(out: &Outbound, spec: &TlsSpec, timeout: Duration) -> TlsChecked {
    match out.inspect_tls(&spec.host, spec.port, timeout).await {
        Ok(seen) => TlsChecked {
            latency_ms: Some(millis(seen.connect + seen.handshake)),
            outcome: TlsOutcome::Valid { chain: seen.chain, version: seen.version },
        },
        Err(TlsInspectError::Refused { failure, chain }) => TlsChecked {
            latency_ms: None,
            outcome: TlsOutcome::Refused { failure, chain: chain.map(|c| *c) },
        },
        Err(TlsInspectError::Connect(err)) => TlsChecked {
            latency_ms: None,
            outcome: TlsOutcome::Unreachable { error: describe(&err, timeout) },
        },
    }
}
