use chrono::{DateTime, TimeZone, Utc};

use super::*;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("test instant").with_timezone(&Utc)
}

fn cron(expr: &str, tz: &str) -> HeartbeatSpec {
    let input = HeartbeatInput {
        schedule: Some(expr.into()),
        tz: Some(tz.into()),
        ..HeartbeatInput::default()
    };
    HeartbeatSpec::parse(input).expect("valid cron spec")
}

#[test]
fn cron_patterns_of_five_and_six_fields_with_l_w_and_hash_fire_when_they_say() {
    // (pattern, after, the next firing), all in UTC.
    let cases = [
        ("30 2 * * *", "2026-06-01T00:00:00Z", "2026-06-01T02:30:00Z"),
        ("15 30 2 * * *", "2026-06-01T02:30:00Z", "2026-06-01T02:30:15Z"),
        ("*/10 * * * * *", "2026-06-01T00:00:01Z", "2026-06-01T00:00:10Z"),
        // L: the last day of the month (February 2026 has 28).
        ("0 9 L * *", "2026-02-02T00:00:00Z", "2026-02-28T09:00:00Z"),
        // W: the weekday nearest the 15th (Sunday 15 March 2026 → Monday 16th).
        ("0 9 15W * *", "2026-03-01T00:00:00Z", "2026-03-16T09:00:00Z"),
        // #: the second Tuesday (June 2026 starts on a Monday → the 9th).
        ("0 9 * * 2#2", "2026-06-01T00:00:00Z", "2026-06-09T09:00:00Z"),
        // 5L: the last Friday of June 2026.
        ("0 9 * * 5L", "2026-06-01T00:00:00Z", "2026-06-26T09:00:00Z"),
        ("@daily", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z"),
    ];
    for (pattern, after, next) in cases {
        let spec = cron(pattern, "UTC");
        assert_eq!(
            spec.schedule.next_after(utc(after)),
            Some(utc(next)),
            "{pattern} after {after}"
        );
    }
}

#[test]
fn a_period_counts_from_the_instant_given() {
    let spec =
        HeartbeatSpec::parse(HeartbeatInput { every: Some(3600), ..Default::default() }).unwrap();
    assert_eq!(
        spec.schedule.next_after(utc("2026-06-01T10:00:07Z")),
        Some(utc("2026-06-01T11:00:07Z"))
    );
    assert_eq!(spec.grace, DEFAULT_GRACE_SECS);
}

#[test]
fn cron_times_are_read_on_the_zones_wall_clock() {
    // 09:00 in Berlin is 07:00 UTC in summer and 08:00 UTC in winter.
    let spec = cron("0 9 * * *", "Europe/Berlin");
    assert_eq!(
        spec.schedule.next_after(utc("2026-07-01T00:00:00Z")),
        Some(utc("2026-07-01T07:00:00Z"))
    );
    assert_eq!(
        spec.schedule.next_after(utc("2026-12-01T00:00:00Z")),
        Some(utc("2026-12-01T08:00:00Z"))
    );
}

#[test]
fn the_spring_gap_moves_a_skipped_time_to_the_first_valid_one_once() {
    // Berlin, Sunday 29 March 2026: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
    let spec = cron("30 2 * * *", "Europe/Berlin");
    let saturday = utc("2026-03-28T01:30:00Z"); // 02:30 CET
    let sunday = spec.schedule.next_after(saturday).unwrap();
    assert_eq!(sunday, utc("2026-03-29T01:00:00Z"), "03:00 CEST, straight after the gap");
    let monday = spec.schedule.next_after(sunday).unwrap();
    assert_eq!(monday, utc("2026-03-30T00:30:00Z"), "02:30 CEST, not a second Sunday slot");
}

#[test]
fn the_autumn_repeat_fires_a_fixed_time_once() {
    // New York, Sunday 1 November 2026: 01:30 happens at 05:30 UTC (EDT)
    // and again at 06:30 UTC (EST).
    let spec = cron("30 1 * * *", "America/New_York");
    let first = spec.schedule.next_after(utc("2026-11-01T00:00:00Z")).unwrap();
    assert_eq!(first, utc("2026-11-01T05:30:00Z"));
    let next = spec.schedule.next_after(first).unwrap();
    assert_eq!(next, utc("2026-11-02T06:30:00Z"), "the repeated 01:30 is not a second slot");
}

#[test]
fn invalid_settings_are_refused_naming_the_field() {
    let base = HeartbeatInput { every: Some(3600), ..HeartbeatInput::default() };
    let cron_base =
        HeartbeatInput { schedule: Some("0 * * * *".into()), ..HeartbeatInput::default() };
    let cases: Vec<(HeartbeatInput, &str)> = vec![
        (HeartbeatInput::default(), "heartbeat.schedule"),
        (
            HeartbeatInput { schedule: Some("0 * * * *".into()), ..base.clone() },
            "heartbeat.schedule",
        ),
        (
            HeartbeatInput { schedule: Some("0 * * *".into()), ..Default::default() },
            "heartbeat.schedule",
        ),
        (
            HeartbeatInput { schedule: Some("0 0 0 * * * 2030".into()), ..Default::default() },
            "heartbeat.schedule",
        ),
        (
            HeartbeatInput { schedule: Some("61 * * * *".into()), ..Default::default() },
            "heartbeat.schedule",
        ),
        (
            HeartbeatInput { schedule: Some("0 0 30 2 *".into()), ..Default::default() },
            "heartbeat.schedule",
        ),
        (HeartbeatInput { tz: Some("Mars/Olympus".into()), ..cron_base.clone() }, "heartbeat.tz"),
        (HeartbeatInput { tz: Some("UTC".into()), ..base.clone() }, "heartbeat.tz"),
        (HeartbeatInput { every: Some(59), ..Default::default() }, "heartbeat.every"),
        (HeartbeatInput { every: Some(MAX_SECS + 1), ..Default::default() }, "heartbeat.every"),
        (HeartbeatInput { grace: Some(MAX_SECS + 1), ..base.clone() }, "heartbeat.grace"),
        (HeartbeatInput { max_runtime: Some(0), ..base.clone() }, "heartbeat.max_runtime"),
        (HeartbeatInput { min_runtime: Some(0), ..base.clone() }, "heartbeat.min_runtime"),
        (
            HeartbeatInput { min_runtime: Some(60), max_runtime: Some(60), ..base.clone() },
            "heartbeat.min_runtime",
        ),
    ];
    for (input, field) in cases {
        let err =
            HeartbeatSpec::parse(input.clone()).expect_err(&format!("{input:?} must be refused"));
        assert_eq!(err.field, field, "{input:?}: {err}");
        assert!(!err.message.is_empty());
    }
}

#[test]
fn the_stored_json_reads_back_to_the_same_settings_and_is_validated() {
    let spec = cron("0 9 * * 1-5", "Europe/Berlin");
    let json = serde_json::to_value(&spec).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"schedule": "0 9 * * 1-5", "tz": "Europe/Berlin", "grace": DEFAULT_GRACE_SECS})
    );
    assert_eq!(serde_json::from_value::<HeartbeatSpec>(json).unwrap(), spec);
    let period: HeartbeatSpec = serde_json::from_str(
        r#"{"every": 600, "grace": 60, "max_runtime": 300, "min_runtime": 5}"#,
    )
    .unwrap();
    assert_eq!(period.schedule, Schedule::Period { every: 600 });
    assert_eq!((period.max_runtime, period.min_runtime), (Some(300), Some(5)));
    let bad = serde_json::from_str::<HeartbeatSpec>(r#"{"every": 600, "tz": "UTC"}"#).unwrap_err();
    assert!(bad.to_string().contains("heartbeat.tz"), "{bad}");
}

#[test]
fn the_default_zone_is_utc() {
    let spec = HeartbeatSpec::parse(HeartbeatInput {
        schedule: Some("0 3 * * *".into()),
        ..Default::default()
    })
    .unwrap();
    let after = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    assert_eq!(spec.schedule.next_after(after), Some(utc("2026-06-01T03:00:00Z")));
}
