//! The TCP check: can a connection be opened?

use std::time::{Duration, Instant};

use domain::monitors::{Status, TcpSpec};

use super::{millis, CheckOutcome};
use crate::outbound::Outbound;

/// Connects to the spec's host and port (through the guard) within `timeout`.
pub async fn check_tcp(out: &Outbound, spec: &TcpSpec, timeout: Duration) -> CheckOutcome {
    let started = Instant::now();
    match out.connect_tcp(&spec.host, spec.port, timeout).await {
        Ok(stream) => {
            let latency_ms = millis(started.elapsed());
            drop(stream);
            CheckOutcome {
                status: Status::Up,
                latency_ms: Some(latency_ms),
                http_status: None,
                error: None,
                http: None,
            }
        }
        Err(err) => CheckOutcome::failed(&err, timeout),
    }
}
