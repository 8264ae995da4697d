use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::*;
use crate::heartbeats::PingKind;

fn at(minute: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-01T10:00:00Z").unwrap().with_timezone(&Utc)
        + Duration::minutes(minute)
}

fn ping(minute: i64, kind: PingKind) -> Ping {
    Ping::new(at(minute), kind)
}

#[test]
fn a_start_and_its_finish_make_one_run_with_a_duration() {
    let runs =
        pair(&[ping(0, PingKind::Start), ping(1, PingKind::Log), ping(7, PingKind::Exit(2))]);
    assert_eq!(runs.len(), 1, "a log is not a run");
    assert_eq!(runs[0].duration(), Some(Duration::minutes(7)));
    assert_eq!(runs[0].finished, Some((at(7), Outcome::Failure { exit_code: Some(2) })));
}

#[test]
fn a_finish_without_a_start_is_a_run_of_unknown_duration() {
    let runs = pair(&[ping(0, PingKind::Success)]);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].started, None);
    assert_eq!(runs[0].duration(), None);
    assert!(!runs[0].is_open());
}

#[test]
fn a_finish_without_rid_closes_the_latest_open_start() {
    let runs =
        pair(&[ping(0, PingKind::Start), ping(5, PingKind::Start), ping(8, PingKind::Success)]);
    assert_eq!(runs.len(), 2);
    assert!(runs[0].superseded, "a restart gives up the earlier start");
    assert_eq!(runs[0].finished, None);
    assert_eq!(runs[1].duration(), Some(Duration::minutes(3)));
}

#[test]
fn run_ids_pair_overlapping_runs() {
    let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
    let runs = pair(&[
        ping(0, PingKind::Start).with_rid(a),
        ping(2, PingKind::Start).with_rid(b),
        ping(5, PingKind::Success).with_rid(a),
        ping(9, PingKind::Fail).with_rid(b),
    ]);
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_eq!((runs[0].rid, runs[0].duration()), (Some(a), Some(Duration::minutes(5))));
    assert_eq!((runs[1].rid, runs[1].duration()), (Some(b), Some(Duration::minutes(7))));
    assert!(!runs[0].superseded && !runs[1].superseded, "different ids run side by side");
}

#[test]
fn a_finish_with_an_unknown_rid_does_not_close_another_run() {
    let runs = pair(&[
        ping(0, PingKind::Start).with_rid(Uuid::from_u128(1)),
        ping(3, PingKind::Success).with_rid(Uuid::from_u128(9)),
    ]);
    assert_eq!(runs.len(), 2);
    assert!(runs[0].is_open());
    assert_eq!(runs[1].started, None);
}
