//! Every verdict, with explicit instants: no clock is read.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::schedule::HeartbeatInput;
use super::*;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("test instant").with_timezone(&Utc)
}

fn spec(input: HeartbeatInput) -> HeartbeatSpec {
    HeartbeatSpec::parse(input).expect("valid spec")
}

/// Hourly, five minutes' grace.
fn hourly() -> HeartbeatSpec {
    spec(HeartbeatInput { every: Some(3600), grace: Some(300), ..Default::default() })
}

const T0: &str = "2026-06-01T10:00:00Z";

fn t(secs: i64) -> DateTime<Utc> {
    utc(T0) + Duration::seconds(secs)
}

fn history(pings: &[Ping]) -> History {
    History::from_pings(utc("2026-01-01T00:00:00Z"), pings)
}

fn success(at: DateTime<Utc>) -> Ping {
    Ping::new(at, PingKind::Success)
}

#[test]
fn the_grace_boundary_is_exact() {
    // Last success at T0: due at T0+1h, grace ends at T0+1h5m.
    let h = history(&[success(t(0))]);
    let (due, grace_ends) = (t(3600), t(3900));
    let cases = [
        (t(3599), Verdict::Up),
        (t(3600), Verdict::Late { due, grace_ends }),
        (t(3899), Verdict::Late { due, grace_ends }),
        (t(3900), Verdict::Down(DownReason::Missed { slot: due })),
        (t(3901), Verdict::Down(DownReason::Missed { slot: due })),
        // Later slots pass too, but the missed one stays the one named.
        (t(3 * 3600), Verdict::Down(DownReason::Missed { slot: due })),
    ];
    for (now, want) in cases {
        assert_eq!(evaluate(&hourly(), &h, now), want, "at {now}");
    }
}

#[test]
fn a_monitor_never_pinged_counts_from_when_it_was_watched() {
    let h = History { watched_since: t(0), runs: vec![] };
    assert_eq!(evaluate(&hourly(), &h, t(3599)), Verdict::Up);
    assert_eq!(
        evaluate(&hourly(), &h, t(3900)),
        Verdict::Down(DownReason::Missed { slot: t(3600) })
    );
}

#[test]
fn a_success_after_the_miss_brings_it_back_up() {
    let h = history(&[success(t(0)), success(t(4000))]);
    assert_eq!(evaluate(&hourly(), &h, t(4001)), Verdict::Up);
}

#[test]
fn a_failure_is_down_with_its_exit_code_until_a_success() {
    let cases =
        [(PingKind::Fail, None), (PingKind::Exit(1), Some(1)), (PingKind::Exit(255), Some(255))];
    for (kind, exit_code) in cases {
        let h = history(&[success(t(0)), Ping::new(t(60), kind)]);
        assert_eq!(
            evaluate(&hourly(), &h, t(61)),
            Verdict::Down(DownReason::Failed { exit_code }),
            "{kind:?}"
        );
    }
    let h = history(&[Ping::new(t(0), PingKind::Exit(0))]);
    assert_eq!(evaluate(&hourly(), &h, t(1)), Verdict::Up, "exit status 0 is a success");
    let h = history(&[Ping::new(t(0), PingKind::Exit(3)), success(t(60))]);
    assert_eq!(evaluate(&hourly(), &h, t(61)), Verdict::Up);
}

#[test]
fn a_started_run_is_running_until_max_runtime_then_down() {
    let bounded =
        spec(HeartbeatInput { every: Some(3600), max_runtime: Some(600), ..Default::default() });
    let h = history(&[success(t(0)), Ping::new(t(3600), PingKind::Start)]);
    let since = t(3600);
    assert_eq!(evaluate(&bounded, &h, t(3600 + 599)), Verdict::Running { since });
    assert_eq!(
        evaluate(&bounded, &h, t(3600 + 600)),
        Verdict::Down(DownReason::RanTooLong { since })
    );
    // Without a bound the open run answers its slot; the next slot is due.
    assert_eq!(evaluate(&hourly(), &h, t(3600 + 3599)), Verdict::Running { since });
    assert_eq!(
        evaluate(&hourly(), &h, t(7200 + 300)),
        Verdict::Down(DownReason::Missed { slot: t(7200) })
    );
}

#[test]
fn a_finished_run_with_its_rid_is_no_longer_running() {
    let rid = Uuid::from_u128(7);
    let h = history(&[
        Ping::new(t(0), PingKind::Start).with_rid(rid),
        Ping::new(t(30), PingKind::Log),
        Ping::new(t(90), PingKind::Success).with_rid(rid),
    ]);
    assert_eq!(evaluate(&hourly(), &h, t(100)), Verdict::Up);
}

#[test]
fn a_run_faster_than_min_runtime_is_degraded() {
    let bounded =
        spec(HeartbeatInput { every: Some(3600), min_runtime: Some(60), ..Default::default() });
    let fast = history(&[Ping::new(t(0), PingKind::Start), success(t(59))]);
    assert_eq!(
        evaluate(&bounded, &fast, t(100)),
        Verdict::Degraded(DegradedReason::RanTooFast { took: 59 })
    );
    let enough = history(&[Ping::new(t(0), PingKind::Start), success(t(60))]);
    assert_eq!(evaluate(&bounded, &enough, t(100)), Verdict::Up);
    let unknown = history(&[success(t(0))]);
    assert_eq!(
        evaluate(&bounded, &unknown, t(100)),
        Verdict::Up,
        "a run of unknown length is not judged"
    );
}

#[test]
fn two_successes_for_one_slot_are_too_often() {
    // Hourly with 5 minutes' grace: the next success is expected from 10:55 on.
    let cases = [(3299, true), (3300, false), (3600, false)];
    for (gap, too_often) in cases {
        let h = history(&[success(t(0)), success(t(gap))]);
        let want = if too_often {
            Verdict::Degraded(DegradedReason::RanTooOften { previous: t(0), latest: t(gap) })
        } else {
            Verdict::Up
        };
        assert_eq!(evaluate(&hourly(), &h, t(gap + 1)), want, "gap {gap}s");
    }
}

/// 02:30 every day in Berlin, ten minutes' grace.
fn berlin_0230() -> HeartbeatSpec {
    spec(HeartbeatInput {
        schedule: Some("30 2 * * *".into()),
        tz: Some("Europe/Berlin".into()),
        grace: Some(600),
        ..Default::default()
    })
}

#[test]
fn the_day_clocks_skip_a_job_is_expected_once() {
    // Sunday 29 March 2026: 02:30 does not exist in Berlin; cron runs the job
    // straight after the gap, at 03:00 CEST (01:00 UTC).
    let saturday = success(utc("2026-03-28T01:30:20Z"));
    let h = history(std::slice::from_ref(&saturday));
    let slot = utc("2026-03-29T01:00:00Z");
    assert_eq!(evaluate(&berlin_0230(), &h, utc("2026-03-29T00:59:59Z")), Verdict::Up);
    assert_eq!(
        evaluate(&berlin_0230(), &h, utc("2026-03-29T01:10:00Z")),
        Verdict::Down(DownReason::Missed { slot })
    );
    // The job ran at 03:00:20 CEST: up until Monday 02:30 CEST, not missed again.
    let h = history(&[saturday, success(utc("2026-03-29T01:00:20Z"))]);
    for now in ["2026-03-29T01:30:00Z", "2026-03-29T23:59:00Z", "2026-03-30T00:30:00Z"] {
        assert!(evaluate(&berlin_0230(), &h, utc(now)).is_up(), "at {now}");
    }
    assert_eq!(
        next_due(
            &berlin_0230().schedule,
            Some(utc("2026-03-29T01:00:20Z")),
            utc("2026-03-29T02:00:00Z")
        ),
        Some(utc("2026-03-30T00:30:00Z"))
    );
}

#[test]
fn the_day_clocks_go_back_a_job_is_not_expected_twice() {
    // Sunday 1 November 2026, New York: 01:30 happens at 05:30 UTC and at 06:30 UTC.
    let ny = spec(HeartbeatInput {
        schedule: Some("30 1 * * *".into()),
        tz: Some("America/New_York".into()),
        grace: Some(600),
        ..Default::default()
    });
    let ran = utc("2026-11-01T05:30:20Z");
    let h = history(&[success(utc("2026-10-31T05:30:20Z")), success(ran)]);
    for now in ["2026-11-01T06:30:00Z", "2026-11-01T06:45:00Z", "2026-11-02T06:30:00Z"] {
        let verdict = evaluate(&ny, &h, utc(now));
        assert!(verdict.is_up(), "at {now}: {verdict:?}");
        assert_ne!(
            verdict,
            Verdict::Degraded(DegradedReason::RanTooOften { previous: ran, latest: ran })
        );
    }
    assert_eq!(next_due(&ny.schedule, Some(ran), ran), Some(utc("2026-11-02T06:30:00Z")));
    // Had the job pinged again on the repeated hour, that would be too often.
    let twice = history(&[success(ran), success(utc("2026-11-01T06:30:20Z"))]);
    assert!(matches!(
        evaluate(&ny, &twice, utc("2026-11-01T07:00:00Z")),
        Verdict::Degraded(DegradedReason::RanTooOften { .. })
    ));
}

#[test]
fn next_due_without_a_success_counts_from_now() {
    assert_eq!(next_due(&hourly().schedule, None, t(10)), Some(t(3610)));
}

#[test]
fn a_rerun_after_a_failure_stays_down_until_it_succeeds_and_is_not_too_often() {
    let failed =
        [success(t(0)), Ping::new(t(60), PingKind::Exit(4)), Ping::new(t(120), PingKind::Start)];
    let h = history(&failed);
    assert_eq!(
        evaluate(&hourly(), &h, t(180)),
        Verdict::Down(DownReason::Failed { exit_code: Some(4) })
    );
    let h = history(&[failed.as_slice(), &[success(t(240))]].concat());
    assert_eq!(evaluate(&hourly(), &h, t(241)), Verdict::Up);
}

#[test]
fn the_sweep_wakes_at_the_graces_end_or_when_a_run_overstays() {
    // Hourly, 5 min grace: after a success at T0 the verdict changes at T0+1h5m.
    let h = history(&[success(t(0))]);
    assert_eq!(wake_at(&hourly(), &h, t(10)), Some(t(3900)));
    // At that instant it is down and nothing changes by time alone.
    assert_eq!(
        evaluate(&hourly(), &h, t(3900)),
        Verdict::Down(DownReason::Missed { slot: t(3600) })
    );
    assert_eq!(wake_at(&hourly(), &h, t(3900)), None);
    // A run started at T0+10m with a 30 min bound wakes the sweep first.
    let bounded = spec(HeartbeatInput {
        every: Some(3600),
        grace: Some(300),
        max_runtime: Some(1800),
        ..Default::default()
    });
    let h = history(&[success(t(0)), Ping::new(t(600), PingKind::Start)]);
    assert_eq!(wake_at(&bounded, &h, t(700)), Some(t(2400)));
    assert_eq!(
        evaluate(&bounded, &h, t(2400)),
        Verdict::Down(DownReason::RanTooLong { since: t(600) })
    );
}

#[test]
fn a_patch_replaces_the_schedule_or_keeps_it() {
    let current = hourly();
    let patched = HeartbeatInput { grace: Some(60), ..Default::default() }
        .patched(&current)
        .expect("grace only");
    assert_eq!((patched.schedule.clone(), patched.grace), (current.schedule.clone(), 60));
    let cron = HeartbeatInput {
        schedule: Some("0 3 * * *".into()),
        tz: Some("Europe/Berlin".into()),
        ..Default::default()
    }
    .patched(&current)
    .expect("to cron");
    assert_eq!(cron.describe(), "0 3 * * * Europe/Berlin");
    assert_eq!(cron.grace, 300, "the grace stays");
    let both = HeartbeatInput {
        every: Some(60),
        schedule: Some("* * * * *".into()),
        ..Default::default()
    };
    assert_eq!(both.patched(&current).expect_err("both").field, "heartbeat.schedule");
    assert_eq!(hourly().describe(), "every 1h");
}
