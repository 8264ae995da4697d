//! Check rollups on SQLite and Postgres: the minute, hour and day rows hold
//! exactly the checks' counts, re-running or racing passes writes the same
//! rows, late results within the grace are included, statistics read from
//! rollups agree with the raw checks, outlive them, and old minutes go.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, Utc};
use domain::accounts::Role;
use domain::entities::{check_rollups, checks, rollup_watermarks};
use domain::history::stats::{self, StatsWindow as Window};
use domain::history::summary;
use domain::monitors::Status;
use domain::pipeline::retention::{prune_batch, Retention};
use domain::rollups::{roll_up_batch, Resolution, Watermarks};
use domain::testing::{self, MonitorBuilder};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

async fn monitor(db: &DatabaseConnection) -> Uuid {
    let owner = testing::user(db, Role::User).await;
    let target = MonitorBuilder::http("https://example.org/").name("target").paused();
    target.create(db, &owner).await.id
}

/// The k-th check of a generated history: every fifth minute, some down
/// (their latency is the timeout's), some degraded, latencies 40-1 000 ms.
fn sample(start: DateTime<Utc>, k: i64) -> (DateTime<Utc>, Status, i32) {
    let at = start + Duration::minutes(5 * k) + Duration::milliseconds(7_250);
    let status = match k % 10 {
        3 => Status::Down,
        7 => Status::Degraded,
        _ => Status::Up,
    };
    let latency =
        if status == Status::Down { 10_000 } else { 40 + i32::try_from(k * 37 % 960).unwrap() };
    (at, status, latency)
}

/// History rows by hand, in bulk: the rollups read days of checks, which
/// through the pipeline (a transaction each) would take minutes.
async fn insert(db: &DatabaseConnection, monitor: Uuid, rows: &[(DateTime<Utc>, Status, i32)]) {
    let models: Vec<checks::ActiveModel> = rows
        .iter()
        .map(|(at, status, ms)| checks::ActiveModel {
            id: Set(domain::pipeline::results::check_id(monitor, at.timestamp_millis())),
            monitor_id: Set(monitor),
            checked_at: Set(*at),
            status: Set(*status),
            latency_ms: Set(Some(*ms)),
            http_status: Set(Some(200)),
            error: Set(None),
            region: Set("default".into()),
            ..Default::default()
        })
        .collect();
    for chunk in models.chunks(400) {
        checks::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
    }
}

/// Passes until nothing is behind at `now`.
async fn roll_up(db: &DatabaseConnection, now: DateTime<Utc>) {
    for _ in 0..10_000 {
        if !roll_up_batch(db, now).await.unwrap().more {
            return;
        }
    }
    panic!("rollups never caught up");
}

async fn rows(db: &DatabaseConnection, resolution: Resolution) -> Vec<check_rollups::Model> {
    check_rollups::Entity::find()
        .filter(check_rollups::Column::Resolution.eq(resolution.seconds()))
        .order_by_asc(check_rollups::Column::MonitorId)
        .order_by_asc(check_rollups::Column::BucketStart)
        .all(db)
        .await
        .unwrap()
}

/// `(checks, healthy, latency_count, latency_sum, latency_max)` of samples.
fn expected(samples: &[(DateTime<Utc>, Status, i32)]) -> (i32, i32, i32, i64, Option<i32>) {
    let healthy: Vec<i32> =
        samples.iter().filter(|(_, s, _)| s.is_healthy()).map(|(_, _, ms)| *ms).collect();
    let n = |v: usize| i32::try_from(v).unwrap();
    (
        n(samples.len()),
        n(healthy.len()),
        n(healthy.len()),
        healthy.iter().map(|&ms| i64::from(ms)).sum(),
        healthy.iter().copied().max(),
    )
}

fn figures(row: &check_rollups::Model) -> (i32, i32, i32, i64, Option<i32>) {
    (row.checks, row.healthy, row.latency_count, row.latency_sum, row.latency_max)
}

#[tokio::test]
async fn minute_hour_and_day_rows_hold_the_checks_and_passes_are_idempotent() {
    for test in domain::testing::all_backends().await {
        let db = &test.db;
        let m = monitor(db).await;
        let day0 = Resolution::Day.floor(Utc::now()) - Duration::days(4);
        let samples: Vec<_> = (0..3 * 288).map(|k| sample(day0, k)).collect();
        insert(db, m, &samples).await;
        let now = Utc::now();
        roll_up(db, now).await;

        let minutes = rows(db, Resolution::Minute).await;
        assert_eq!(minutes.len(), samples.len(), "one minute row per check ({})", test.url);
        let down = &minutes[3];
        assert_eq!(down.bucket_start, Resolution::Minute.floor(samples[3].0));
        assert_eq!(figures(down), (1, 0, 0, 0, None), "a down check has no latency");
        let hours = rows(db, Resolution::Hour).await;
        assert_eq!(hours.len(), 72);
        let hour5: Vec<_> = samples[60..72].to_vec();
        assert_eq!(hours[5].bucket_start, day0 + Duration::hours(5));
        assert_eq!(figures(&hours[5]), expected(&hour5));
        let days = rows(db, Resolution::Day).await;
        assert_eq!(days.len(), 3);
        for (i, day) in days.iter().enumerate() {
            assert_eq!(day.bucket_start, day0 + Duration::days(i64::try_from(i).unwrap()));
            assert_eq!(figures(day), expected(&samples[i * 288..(i + 1) * 288]));
        }
        let marks = Watermarks::load(db).await.unwrap();
        assert_eq!(
            marks.get(Resolution::Minute),
            Some(Resolution::Minute.floor(now - Duration::minutes(2)))
        );
        let hour_done = Resolution::Hour.floor(now - Duration::minutes(2));
        assert_eq!(marks.get(Resolution::Day), Some(Resolution::Day.floor(hour_done)));

        // Again, and twice at once from scratch: the same rows.
        let before = [rows(db, Resolution::Minute).await, hours, days];
        roll_up(db, now).await;
        rollup_watermarks::Entity::delete_many().exec(db).await.unwrap();
        tokio::join!(roll_up(db, now), roll_up(db, now));
        let after = [
            rows(db, Resolution::Minute).await,
            rows(db, Resolution::Hour).await,
            rows(db, Resolution::Day).await,
        ];
        assert_eq!(before, after, "re-running and racing passes write the same rows");
    }
}

#[tokio::test]
async fn a_late_result_within_the_grace_is_rolled_up() {
    for test in domain::testing::all_backends().await {
        let db = &test.db;
        let m = monitor(db).await;
        let minute = Resolution::Minute.floor(Utc::now()) - Duration::hours(1);
        insert(db, m, &[(minute + Duration::seconds(5), Status::Up, 100)]).await;
        // 90 s after the minute's end it is still open for late results.
        roll_up(db, minute + Duration::seconds(150)).await;
        assert!(rows(db, Resolution::Minute).await.is_empty(), "{}", test.url);
        // A check that started in that minute and timed out 60 s later.
        insert(db, m, &[(minute + Duration::seconds(50), Status::Down, 60_000)]).await;
        roll_up(db, minute + Duration::seconds(180)).await;
        let rolled = rows(db, Resolution::Minute).await;
        assert_eq!(rolled.len(), 1);
        assert_eq!(figures(&rolled[0]), (2, 1, 1, 100, Some(100)));
    }
}

fn assert_close(rolled: Option<u32>, raw: Option<u32>, what: &str) {
    let (rolled, raw) = (f64::from(rolled.unwrap()), f64::from(raw.unwrap()));
    assert!((rolled - raw).abs() <= raw * 0.10 + 1.0, "{what}: {rolled} from rollups, {raw} raw");
}

#[tokio::test]
async fn statistics_from_rollups_match_the_raw_checks_and_outlive_them() {
    for test in domain::testing::all_backends().await {
        let db = &test.db;
        let m = monitor(db).await;
        let now = Utc::now();
        let start = now - Duration::days(8);
        let samples: Vec<_> =
            (0..8 * 288).map(|k| sample(start, k)).filter(|(at, _, _)| *at < now).collect();
        insert(db, m, &samples).await;
        let windows = [(Window::Day, "24h"), (Window::Week, "7d"), (Window::Month, "30d")];
        let mut raw = Vec::new();
        for (window, _) in windows {
            raw.push(
                stats::compute(&testing::monitor_ref(db, m).await, window, now).await.unwrap(),
            );
        }
        let week = summary::uptime(db, &[m], now - Duration::days(7)).await.unwrap();
        let month_uptime = summary::uptime(db, &[m], now - Duration::days(30)).await.unwrap();

        roll_up(db, now).await;
        for (expected, (window, label)) in raw.iter().zip(windows) {
            let rolled =
                stats::compute(&testing::monitor_ref(db, m).await, window, now).await.unwrap();
            assert_eq!(rolled.checks, expected.checks, "{label} ({})", test.url);
            assert_eq!(rolled.uptime_percent, expected.uptime_percent, "{label}");
            assert_eq!(rolled.max_latency_ms, expected.max_latency_ms, "{label}");
            assert_close(rolled.p95_latency_ms, expected.p95_latency_ms, label);
            assert_close(rolled.p50_latency_ms, expected.p50_latency_ms, label);
            let sum = |s: &stats::Stats| s.series.iter().map(|b| b.checks).sum::<u32>();
            assert_eq!(sum(&rolled), sum(expected), "{label}: the chart holds every check");
        }
        assert_eq!(summary::uptime(db, &[m], now - Duration::days(7)).await.unwrap(), week);

        // Retention of raw checks (none kept past their minute's rollup).
        let month =
            stats::compute(&testing::monitor_ref(db, m).await, Window::Month, now).await.unwrap();
        let retention = Retention { checks: Duration::zero(), outages: Duration::days(30) };
        while prune_batch(db, retention, now, 500).await.unwrap().more(500) {}
        let rolled = Watermarks::load(db).await.unwrap().get(Resolution::Minute).unwrap();
        let left = checks::Entity::find().filter(checks::Column::MonitorId.eq(m)).count(db).await;
        let newer = samples.iter().filter(|(at, _, _)| *at >= rolled).count();
        assert_eq!(usize::try_from(left.unwrap()).unwrap(), newer, "unrolled checks are kept");
        assert!(newer < 5, "the raw checks are gone");
        assert_eq!(
            stats::compute(&testing::monitor_ref(db, m).await, Window::Month, now).await.unwrap(),
            month
        );
        let uptime = summary::uptime(db, &[m], now - Duration::days(30)).await.unwrap();
        assert_eq!(uptime, month_uptime);
    }
}

#[tokio::test]
async fn retention_deletes_old_minutes_once_their_hours_are_built() {
    for test in domain::testing::all_backends().await {
        let db = &test.db;
        let m = monitor(db).await;
        // Rolled up 20 minutes into an hour: that hour's minutes are not
        // in an hour row yet.
        let now = Resolution::Hour.floor(Utc::now()) - Duration::minutes(40);
        let start = Resolution::Hour.floor(now) - Duration::days(3);
        let samples: Vec<_> = (0..3 * 288 + 12).map(|k| sample(start, k)).collect();
        insert(db, m, &samples).await;
        roll_up(db, now).await;
        let hours = rows(db, Resolution::Hour).await;
        let hour_done = Watermarks::load(db).await.unwrap().get(Resolution::Hour).unwrap();

        let retention = Retention::default();
        while prune_batch(db, retention, now, 100).await.unwrap().more(100) {}
        let minutes = rows(db, Resolution::Minute).await;
        let kept_since = now - Duration::days(2);
        assert!(minutes.iter().all(|r| r.bucket_start >= kept_since), "{}", test.url);
        let recent = samples
            .iter()
            .filter(|(at, _, _)| Resolution::Minute.floor(*at) >= kept_since && *at < now);
        assert_eq!(minutes.len(), recent.count());
        assert_eq!(rows(db, Resolution::Hour).await, hours, "hours are kept 92 days");

        // Even past their retention, minutes stay until their hour is built.
        let later = now + Duration::days(5);
        while prune_batch(db, retention, later, 100).await.unwrap().more(100) {}
        let minutes = rows(db, Resolution::Minute).await;
        assert!(!minutes.is_empty());
        assert!(minutes.iter().all(|r| r.bucket_start >= hour_done));
    }
}
