//! A verdict in words, for the check row, the monitor page and the alert:
//! what was expected and what happened (`no ping since 09:00 UTC, expected
//! by 10:05 UTC (grace 5m)`, `exit status 2`, `ran for 1h 2m, max 1h`).

use chrono::{DateTime, Utc};

use super::{DegradedReason, DownReason, HeartbeatSpec, Verdict};
use crate::monitors::Status;
use crate::text::duration;

/// The status a verdict records: late and running are still up.
pub fn status(verdict: &Verdict) -> Status {
    match verdict {
        Verdict::Up | Verdict::Running { .. } | Verdict::Late { .. } => Status::Up,
        Verdict::Down(_) => Status::Down,
        Verdict::Degraded(_) => Status::Degraded,
    }
}

/// The verdict's reason, `None` when all is well. `last_ping` is the
/// latest ping of any kind, `now` the instant judged.
pub fn reason(
    spec: &HeartbeatSpec,
    verdict: &Verdict,
    last_ping: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<String> {
    let text = match verdict {
        Verdict::Up | Verdict::Running { .. } | Verdict::Late { .. } => return None,
        Verdict::Down(DownReason::Missed { slot }) => {
            let expected_by = *slot + spec.grace();
            let since = match last_ping {
                Some(at) => format!("no ping since {}", when(at, expected_by)),
                None => "no ping yet".to_owned(),
            };
            format!(
                "{since}, expected by {} (grace {})",
                when(expected_by, expected_by),
                duration(secs(spec.grace))
            )
        }
        Verdict::Down(DownReason::Failed { exit_code: Some(code) }) => {
            format!("exit status {code}")
        }
        Verdict::Down(DownReason::Failed { exit_code: None }) => {
            "the job reported a failure".to_owned()
        }
        Verdict::Down(DownReason::RanTooLong { since }) => format!(
            "ran for {}, max {} (started {})",
            duration((now - *since).num_seconds()),
            duration(secs(spec.max_runtime.unwrap_or_default())),
            when(*since, now)
        ),
        Verdict::Degraded(DegradedReason::RanTooFast { took }) => format!(
            "ran for {}, min {}",
            duration(*took),
            duration(secs(spec.min_runtime.unwrap_or_default()))
        ),
        Verdict::Degraded(DegradedReason::RanTooOften { previous, latest }) => format!(
            "ran twice for one slot: at {} and {}",
            when(*previous, *latest),
            when(*latest, *latest)
        ),
    };
    Some(text)
}

/// `09:00 UTC` on `reference`'s day, else `2026-12-06 09:00 UTC`.
fn when(at: DateTime<Utc>, reference: DateTime<Utc>) -> String {
    if at.date_naive() == reference.date_naive() {
        at.format("%H:%M UTC").to_string()
    } else {
        at.format("%Y-%m-%d %H:%M UTC").to_string()
    }
}

fn secs(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::heartbeats::schedule::HeartbeatInput;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, h, m, 0).single().expect("time")
    }

    fn spec() -> HeartbeatSpec {
        HeartbeatSpec::parse(HeartbeatInput {
            every: Some(3600),
            grace: Some(300),
            max_runtime: Some(3600),
            ..Default::default()
        })
        .expect("spec")
    }

    #[test]
    fn each_reason_names_what_was_expected() {
        let missed = Verdict::Down(DownReason::Missed { slot: at(10, 0) });
        assert_eq!(
            reason(&spec(), &missed, Some(at(9, 0)), at(10, 5)).as_deref(),
            Some("no ping since 09:00 UTC, expected by 10:05 UTC (grace 5m)")
        );
        assert_eq!(
            reason(&spec(), &missed, None, at(10, 5)).as_deref(),
            Some("no ping yet, expected by 10:05 UTC (grace 5m)")
        );
        let failed = Verdict::Down(DownReason::Failed { exit_code: Some(2) });
        assert_eq!(reason(&spec(), &failed, None, at(10, 5)).as_deref(), Some("exit status 2"));
        let long = Verdict::Down(DownReason::RanTooLong { since: at(9, 0) });
        assert_eq!(
            reason(&spec(), &long, None, at(10, 2)).as_deref(),
            Some("ran for 1h 2m, max 1h (started 09:00 UTC)")
        );
        assert_eq!(reason(&spec(), &Verdict::Up, None, at(10, 2)), None);
        assert_eq!(status(&Verdict::Late { due: at(10, 0), grace_ends: at(10, 5) }), Status::Up);
        assert_eq!(status(&long), Status::Down);
    }
}
