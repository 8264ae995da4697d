//! The `icmp` kind: echo requests to a host, judged by loss and round trip.
//! Sending them is `jobs::outbound`'s (through the guard); what they mean is
//! decided here, pure.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::spec::{host_name, SpecError};
use super::Status;

/// Echo requests per check, at most and by default.
pub const COUNT: (i64, i64, i64) = (1, 10, 3);

/// An `icmp` monitor's settings; valid by construction through [`IcmpInput`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IcmpSpec {
    pub host: String,
    /// Echo requests per check.
    pub count: u16,
    /// Above this average round trip the monitor is degraded.
    #[serde(default)]
    pub degraded_after_ms: Option<u32>,
}

/// What a client sends in a monitor's `icmp` block; absent fields take the
/// defaults on create and keep their values on a change (`null` clears
/// `degraded_after_ms`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IcmpInput {
    pub host: Option<String>,
    pub count: Option<i64>,
    #[serde(default, deserialize_with = "super::http::present")]
    pub degraded_after_ms: Option<Option<i64>>,
}

impl IcmpInput {
    /// A new monitor's settings.
    pub fn validated(self) -> Result<IcmpSpec, SpecError> {
        let host = self.host.clone().ok_or_else(|| SpecError::new("icmp.host", "is required"))?;
        let count = u16::try_from(COUNT.2).unwrap_or(3);
        let defaults = IcmpSpec { host, count, degraded_after_ms: None };
        Self { host: None, ..self }.patched(&defaults)
    }

    /// `current` with what this input names changed.
    pub fn patched(self, current: &IcmpSpec) -> Result<IcmpSpec, SpecError> {
        let host = host_name(self.host.as_deref().unwrap_or(&current.host), "icmp.host")?;
        let count = match self.count {
            None => current.count,
            Some(n) => u16::try_from(n)
                .ok()
                .filter(|n| (COUNT.0..=COUNT.1).contains(&i64::from(*n)))
                .ok_or_else(|| {
                    SpecError::new(
                        "icmp.count",
                        format!("must be between {} and {}", COUNT.0, COUNT.1),
                    )
                })?,
        };
        let degraded_after_ms = match self.degraded_after_ms {
            None => current.degraded_after_ms,
            Some(None) => None,
            Some(Some(ms)) => {
                Some(u32::try_from(ms).ok().filter(|ms| (1..=60_000).contains(ms)).ok_or_else(
                    || SpecError::new("icmp.degraded_after_ms", "must be between 1 and 60000"),
                )?)
            }
        };
        Ok(IcmpSpec { host, count, degraded_after_ms })
    }
}

/// What a check of an `icmp` monitor says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    pub status: Status,
    /// The average round trip, whole milliseconds rounded up (a reply is never 0 ms).
    pub latency_ms: Option<u32>,
    pub error: Option<String>,
}

impl IcmpSpec {
    /// Judges `sent` requests and the round trips of the replies received:
    /// none back is down, some lost is degraded, a slow average is degraded.
    pub fn judge(&self, sent: u16, replies: &[Duration]) -> Judged {
        let received = replies.len();
        if received == 0 {
            let error = format!("no reply to {sent} echo request{} (100% loss)", plural(sent));
            return Judged { status: Status::Down, latency_ms: None, error: Some(error) };
        }
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let avg = replies.iter().copied().map(ms).sum::<f64>() / received as f64;
        let min = replies.iter().copied().map(ms).fold(f64::INFINITY, f64::min);
        let max = replies.iter().copied().map(ms).fold(0.0, f64::max);
        let rtt = format!("rtt min/avg/max {min:.2}/{avg:.2}/{max:.2} ms");
        let latency_ms = Some(avg.ceil().max(1.0) as u32);
        let lost = usize::from(sent).saturating_sub(received);
        let (status, error) = if lost > 0 {
            let percent = lost * 100 / usize::from(sent);
            (
                Status::Degraded,
                Some(format!("{lost} of {sent} echo requests lost ({percent}% loss); {rtt}")),
            )
        } else {
            match self.degraded_after_ms {
                Some(limit) if avg > f64::from(limit) => {
                    (Status::Degraded, Some(format!("average round trip above {limit} ms; {rtt}")))
                }
                _ => (Status::Up, None),
            }
        };
        Judged { status, latency_ms, error }
    }
}

fn plural(n: u16) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> IcmpSpec {
        serde_json::from_value::<IcmpInput>(
            serde_json::json!({"host": "Gateway.Example.org", "degraded_after_ms": 50}),
        )
        .expect("shape")
        .validated()
        .expect("valid")
    }

    #[test]
    fn defaults_and_bad_values_by_field() {
        let s = spec();
        assert_eq!(
            (s.host.as_str(), s.count, s.degraded_after_ms),
            ("gateway.example.org", 3, Some(50))
        );
        let table = [
            (serde_json::json!({}), "icmp.host"),
            (serde_json::json!({"host": "a b"}), "icmp.host"),
            (serde_json::json!({"host": "a.org", "count": 0}), "icmp.count"),
            (serde_json::json!({"host": "a.org", "count": 11}), "icmp.count"),
            (
                serde_json::json!({"host": "a.org", "degraded_after_ms": 0}),
                "icmp.degraded_after_ms",
            ),
        ];
        for (json, field) in table {
            let err = serde_json::from_value::<IcmpInput>(json.clone()).expect("shape").validated();
            assert_eq!(err.expect_err("invalid").field, field, "{json}");
        }
    }

    #[test]
    fn loss_and_round_trips_decide_the_status() {
        let ms = Duration::from_millis;
        let all = spec().judge(3, &[ms(10), ms(20), ms(30)]);
        assert_eq!((all.status, all.latency_ms, all.error), (Status::Up, Some(20), None));
        let lossy = spec().judge(3, &[ms(10), ms(20)]);
        assert_eq!(lossy.status, Status::Degraded);
        assert_eq!(
            lossy.error.as_deref(),
            Some("1 of 3 echo requests lost (33% loss); rtt min/avg/max 10.00/15.00/20.00 ms")
        );
        let slow = spec().judge(2, &[ms(60), ms(80)]);
        assert_eq!(slow.status, Status::Degraded);
        assert!(slow.error.expect("why").starts_with("average round trip above 50 ms"));
        let none = spec().judge(1, &[]);
        assert_eq!(
            (none.status, none.error.as_deref()),
            (Status::Down, Some("no reply to 1 echo request (100% loss)"))
        );
        let fast = spec().judge(1, &[Duration::from_micros(40)]);
        assert_eq!(fast.latency_ms, Some(1), "a reply is never 0 ms");
    }
}
