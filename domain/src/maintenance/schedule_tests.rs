use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use chrono_tz::Tz;
use kinds::MaintenanceKind;

use super::*;
use crate::maintenance::{MaintenanceError, MaintenanceInput};

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn berlin(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    local(Berlin, y, m, d, h, min).unwrap()
}

fn recurring(
    kind: MaintenanceKind,
    rule: &str,
    tz: Tz,
    first: DateTime<Utc>,
    secs: i64,
) -> Schedule {
    MaintenanceInput {
        title: Some("work".into()),
        time_zone: Some(tz.name().into()),
        kind: Some(kind),
        starts_at: Some(first),
        rule: Some(rule.into()),
        duration_secs: Some(secs),
        ..Default::default()
    }
    .create(first)
    .unwrap()
    .schedule
}

fn rrule(rule: &str, first: DateTime<Utc>, secs: i64) -> Schedule {
    recurring(MaintenanceKind::Rrule, rule, Berlin, first, secs)
}

fn starts(schedule: &Schedule, from: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
    let mut out = Vec::new();
    let mut at = from;
    while out.len() < n {
        let Some(w) = schedule.next_after(at) else { break };
        out.push(w.start);
        at = w.start;
    }
    out
}

#[test]
fn a_weekly_window_keeps_its_local_time_across_the_march_change() {
    // Sundays 09:00 in Berlin; the clocks go forward on Sunday 29 March 2026.
    let s = rrule("FREQ=WEEKLY;BYDAY=SU", berlin(2026, 3, 22, 9, 0), 3600);
    assert_eq!(berlin(2026, 3, 22, 9, 0), utc(2026, 3, 22, 8, 0), "CET is UTC+1");
    assert_eq!(
        starts(&s, utc(2026, 3, 22, 9, 0), 2),
        vec![utc(2026, 3, 29, 7, 0), utc(2026, 4, 5, 7, 0)],
        "09:00 CEST is 07:00 UTC"
    );
    let clock = crate::clock::ManualClock::at(utc(2026, 3, 29, 6, 59));
    assert_eq!(s.occurrence_at(clock.clock().now()), None);
    clock.advance(Duration::minutes(1));
    let on = s.occurrence_at(clock.clock().now()).unwrap();
    assert_eq!((on.start, on.end), (utc(2026, 3, 29, 7, 0), utc(2026, 3, 29, 8, 0)));
    clock.advance(Duration::minutes(60));
    assert_eq!(s.occurrence_at(clock.clock().now()), None, "a UTC-fixed window would still be on");
}

#[test]
fn a_weekly_window_keeps_its_local_time_across_the_october_change() {
    // The clocks go back on Sunday 25 October 2026.
    let s = rrule("FREQ=WEEKLY;BYDAY=SU", berlin(2026, 10, 18, 9, 0), 3600);
    assert_eq!(berlin(2026, 10, 18, 9, 0), utc(2026, 10, 18, 7, 0));
    assert_eq!(starts(&s, utc(2026, 10, 18, 7, 0), 1), vec![utc(2026, 10, 25, 8, 0)]);
    assert!(s.occurrence_at(utc(2026, 10, 25, 7, 30)).is_none());
    assert!(s.occurrence_at(utc(2026, 10, 25, 8, 30)).is_some());
}

#[test]
fn a_skipped_wall_clock_time_starts_after_the_gap_and_a_repeated_one_on_its_first_pass() {
    let s = rrule("FREQ=DAILY", berlin(2026, 3, 27, 2, 30), 3600);
    let march = starts(&s, utc(2026, 3, 28, 12, 0), 2);
    // 02:30 does not exist on 29 March: read as 02:30 CET, that is 03:30 CEST.
    assert_eq!(march[0], utc(2026, 3, 29, 1, 30));
    assert_eq!(march[1], utc(2026, 3, 30, 0, 30), "02:30 CEST again the next day");
    let s = rrule("FREQ=DAILY", berlin(2026, 10, 24, 2, 30), 3600);
    // 02:30 happens twice on 25 October: the first pass, still CEST.
    assert_eq!(starts(&s, utc(2026, 10, 24, 12, 0), 1), vec![utc(2026, 10, 25, 0, 30)]);
}

#[test]
fn monthly_on_the_second_tuesday() {
    let s = rrule("FREQ=MONTHLY;BYDAY=2TU", berlin(2026, 1, 1, 22, 0), 7200);
    let days: Vec<_> = starts(&s, utc(2026, 1, 1, 0, 0), 4)
        .into_iter()
        .map(|t| t.with_timezone(&Berlin).format("%F %R").to_string())
        .collect();
    assert_eq!(
        days,
        ["2026-01-13 22:00", "2026-02-10 22:00", "2026-03-10 22:00", "2026-04-14 22:00"]
    );
}

#[test]
fn monthly_on_the_last_friday_and_the_last_day() {
    let s = rrule("FREQ=MONTHLY;BYDAY=-1FR", berlin(2026, 1, 1, 18, 0), 3600);
    let days: Vec<_> = starts(&s, utc(2026, 1, 1, 0, 0), 3)
        .into_iter()
        .map(|t| t.with_timezone(&Berlin).date_naive().to_string())
        .collect();
    assert_eq!(days, ["2026-01-30", "2026-02-27", "2026-03-27"]);
    let s = rrule("FREQ=MONTHLY;BYMONTHDAY=-1", berlin(2026, 1, 1, 18, 0), 3600);
    let days: Vec<_> = starts(&s, utc(2026, 1, 1, 0, 0), 3)
        .into_iter()
        .map(|t| t.with_timezone(&Berlin).date_naive().to_string())
        .collect();
    assert_eq!(days, ["2026-01-31", "2026-02-28", "2026-03-31"]);
}

#[test]
fn interval_count_and_until_bound_a_rule() {
    let s = rrule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=3", berlin(2026, 6, 1, 9, 0), 600);
    let days: Vec<_> = starts(&s, utc(2026, 5, 1, 0, 0), 5)
        .into_iter()
        .map(|t| t.with_timezone(&Berlin).date_naive().to_string())
        .collect();
    assert_eq!(days, ["2026-06-01", "2026-06-04", "2026-06-15"], "every other week, three times");
    let s = rrule("FREQ=DAILY;UNTIL=20260603", berlin(2026, 6, 1, 9, 0), 600);
    assert_eq!(starts(&s, utc(2026, 5, 1, 0, 0), 5).len(), 3);
}

#[test]
fn a_cron_window_lasts_its_duration_in_its_zone() {
    // Saturdays 22:00 Berlin for two hours.
    let s = recurring(MaintenanceKind::Cron, "0 22 * * SAT", Berlin, utc(2026, 1, 1, 0, 0), 7200);
    let on = s.occurrence_at(berlin(2026, 7, 4, 23, 30)).unwrap();
    assert_eq!((on.start, on.end), (berlin(2026, 7, 4, 22, 0), berlin(2026, 7, 5, 0, 0)));
    assert_eq!(s.occurrence_at(berlin(2026, 7, 5, 0, 0)), None, "the end is not in the window");
    assert_eq!(s.next_after(berlin(2026, 7, 4, 22, 0)).unwrap().start, berlin(2026, 7, 11, 22, 0));
}

#[test]
fn a_one_off_window_and_the_upcoming_list() {
    let w = Window { start: utc(2026, 5, 1, 10, 0), end: utc(2026, 5, 1, 12, 0) };
    let s = Schedule::OneOff(w);
    assert_eq!(s.occurrence_at(utc(2026, 5, 1, 9, 59)), None);
    assert_eq!(s.occurrence_at(utc(2026, 5, 1, 10, 0)), Some(w));
    assert_eq!(s.next_after(utc(2026, 5, 1, 10, 0)), None);
    assert_eq!(s.upcoming(utc(2026, 5, 1, 11, 0), 3), vec![w]);
    let daily = rrule("FREQ=DAILY", berlin(2026, 5, 1, 10, 0), 3600);
    let up = daily.upcoming(berlin(2026, 5, 2, 10, 30), 3);
    assert_eq!(up.len(), 3);
    assert_eq!(up[0].start, berlin(2026, 5, 2, 10, 0), "the current occurrence first");
}

fn field_of(input: MaintenanceInput) -> String {
    match input.create(utc(2026, 1, 1, 0, 0)) {
        Err(MaintenanceError::Invalid { field, .. }) => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

fn base(kind: MaintenanceKind, rule: Option<&str>) -> MaintenanceInput {
    MaintenanceInput {
        title: Some("Upgrade".into()),
        kind: Some(kind),
        starts_at: Some(utc(2026, 1, 1, 0, 0)),
        rule: rule.map(Into::into),
        duration_secs: rule.map(|_| 3600),
        ..Default::default()
    }
}

#[test]
fn invalid_windows_name_their_field() {
    let rr = |rule: &str| field_of(base(MaintenanceKind::Rrule, Some(rule)));
    assert_eq!(rr("FREQ=YEARLY"), "rule");
    assert_eq!(rr("FREQ=WEEKLY;BYDAY=XX"), "rule");
    assert_eq!(rr("FREQ=WEEKLY;BYDAY=2TU"), "rule", "an ordinal needs a monthly rule");
    assert_eq!(rr("FREQ=MONTHLY;BYMONTHDAY=32"), "rule");
    assert_eq!(rr("FREQ=DAILY;COUNT=2;UNTIL=20270101"), "rule");
    assert_eq!(rr("BYDAY=MO"), "rule", "FREQ is required");
    assert_eq!(rr("FREQ=DAILY;BYSETPOS=1"), "rule");
    assert_eq!(field_of(base(MaintenanceKind::Cron, Some("61 * * * *"))), "rule");
    assert_eq!(
        field_of(MaintenanceInput {
            duration_secs: None,
            ..base(MaintenanceKind::Rrule, Some("FREQ=DAILY"))
        }),
        "duration_secs"
    );
    assert_eq!(
        field_of(MaintenanceInput {
            duration_secs: Some(10),
            ..base(MaintenanceKind::Cron, Some("@daily"))
        }),
        "duration_secs"
    );
    assert_eq!(
        field_of(MaintenanceInput {
            time_zone: Some("Mars/Olympus".into()),
            ..base(MaintenanceKind::Rrule, Some("FREQ=DAILY"))
        }),
        "time_zone"
    );
    assert_eq!(field_of(base(MaintenanceKind::OneOff, None)), "ends_at");
    assert_eq!(
        field_of(MaintenanceInput {
            ends_at: Some(utc(2025, 1, 1, 0, 0)),
            ..base(MaintenanceKind::OneOff, None)
        }),
        "ends_at"
    );
    assert_eq!(
        field_of(MaintenanceInput {
            ends_at: Some(utc(2026, 1, 2, 0, 0)),
            ..base(MaintenanceKind::OneOff, Some("FREQ=DAILY"))
        }),
        "rule"
    );
    assert_eq!(
        field_of(MaintenanceInput {
            title: Some(" ".into()),
            ..base(MaintenanceKind::OneOff, None)
        }),
        "title"
    );
    assert_eq!(
        field_of(MaintenanceInput { kind: None, ..base(MaintenanceKind::OneOff, None) }),
        "kind"
    );
}
