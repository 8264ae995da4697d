//! The ICMP check: `count` echo requests to the host through the guard,
//! judged by `IcmpSpec::judge` (none back: down; some lost or slow: degraded).

use std::time::Duration;

use domain::monitors::{IcmpSpec, Status};

use super::{describe, CheckOutcome};
use crate::outbound::{Outbound, PingError};

/// Pings the spec's host within `timeout`; never fails.
pub async fn check_icmp(out: &Outbound, spec: &IcmpSpec, timeout: Duration) -> CheckOutcome {
    match out.ping(&spec.host, spec.count, timeout).await {
        Ok(report) => {
            let judged = spec.judge(report.sent, &report.replies);
            CheckOutcome {
                status: judged.status,
                latency_ms: judged.latency_ms,
                http_status: None,
                error: judged.error,
                http: None,
            }
        }
        Err(PingError::Outbound(err)) => CheckOutcome::down(describe(&err, timeout), None, None),
        Err(err) => CheckOutcome {
            status: Status::Down,
            latency_ms: None,
            http_status: None,
            error: Some(err.to_string()),
            http: None,
        },
    }
}
