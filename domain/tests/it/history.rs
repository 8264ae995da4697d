//! The read side for lists and admins on SQLite and Postgres: status counts,
//! uptime and sparklines of many monitors in one query each, incident
//! timelines in bulk, and the admin overview.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, Utc};
use domain::accounts::{Principal, Role};
use domain::entities::{checks, incident_events, incidents};
use domain::history::{incidents as history_incidents, overview, summary};
use domain::monitors::{HttpSpec, MonitorInput, MonitorService, Status};
use domain::testing;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use uuid::Uuid;

async fn monitor(db: &DatabaseConnection, owner: &Principal, name: &str, paused: bool) -> Uuid {
    let input = MonitorInput {
        name: Some(name.into()),
        paused: Some(paused),
        http: Some(HttpSpec::get("https://example.org/").unwrap().into()),
        ..Default::default()
    };
    let key = domain::channels::EncryptionKey::generate();
    MonitorService::new(db.clone(), &key).create(owner, input).await.unwrap().id
}

async fn check(db: &DatabaseConnection, monitor: Uuid, at: DateTime<Utc>, status: Status, ms: i32) {
    checks::ActiveModel {
        id: Set(domain::pipeline::results::check_id(monitor, at.timestamp_millis())),
        monitor_id: Set(monitor),
        checked_at: Set(at),
        status: Set(status.as_str().into()),
        latency_ms: Set(Some(ms)),
        http_status: Set(Some(if status == Status::Down { 500 } else { 200 })),
        error: Set((status == Status::Down).then(|| "HTTP 500".to_owned())),
        region: Set("eu-west".into()),
    }
    .insert(db)
    .await
    .unwrap();
}

#[tokio::test]
async fn status_counts_are_per_owner_or_for_everyone() {
    for test in domain::testing::all_backends().await {
        let db = &test.db;
        let (ann, bob) = (testing::user(db, Role::User).await, testing::user(db, Role::User).await);
        monitor(db, &ann, "a", false).await;
        monitor(db, &ann, "b", true).await;
        monitor(db, &bob, "c", false).await;
        let anns = summary::status_counts(db, Some(ann.user_id)).await.unwrap();
        assert_eq!((anns.total, anns.unknown, anns.paused), (2, 1, 1), "{}", test.url);
        let all = summary::status_counts(db, None).await.unwrap();
        assert_eq!((all.total, all.unknown, all.paused, all.up), (3, 2, 1, 0));
    }
}

#[tokio::test]
async fn uptime_and_sparklines_of_many_monitors_come_in_one_query_each() {
    for test in domain::testing::all_backends().await {
        let db = &test.db;
        let ann = testing::user(db, Role::User).await;
        let (a, b, idle) = (
            monitor(db, &ann, "a", false).await,
            monitor(db, &ann, "b", false).await,
            monitor(db, &ann, "idle", false).await,
        );
        let now = Utc::now();
        check(db, a, now - Duration::hours(30), Status::Down, 10).await; // outside 24 h
        for i in 0..5 {
            let status = if i == 3 { Status::Down } else { Status::Up };
            check(db, a, now - Duration::minutes(10 - i), status, 100 + i32::try_from(i).unwrap())
                .await;
        }
        check(db, b, now - Duration::minutes(1), Status::Degraded, 900).await;
        let since = now - Duration::hours(24);
        let uptime = summary::uptime(db, &[a, b, idle], since).await.unwrap();
        assert_eq!(uptime[&a].checks, 5, "{}", test.url);
        assert_eq!(uptime[&a].percent(), Some(80.0));
        assert_eq!(uptime[&b].percent(), Some(100.0), "degraded still answers");
        assert!(!uptime.contains_key(&idle));
        let series = summary::recent_latencies(db, &[a, b, idle], 3, since).await.unwrap();
        assert_eq!(series[&a], vec![Some(102), None, Some(104)], "the latest 3, oldest first");
        assert_eq!(series[&b], vec![Some(900)]);
        assert!(!series.contains_key(&idle));
    }
}

#[tokio::test]
async fn timelines_of_several_incidents_come_back_in_order() {
    for test in domain::testing::all_backends().await {
        let db = &test.db;
        let ann = testing::user(db, Role::User).await;
        let m = monitor(db, &ann, "a", false).await;
        let now = Utc::now();
        let mut ids = Vec::new();
        for number in 1..=2 {
            let id = Uuid::now_v7();
            incidents::ActiveModel {
                id: Set(id),
                monitor_id: Set(m),
                subject: Set(String::new()),
                number: Set(number),
                started_at: Set(now - Duration::minutes(10)),
                resolved_at: Set(Some(now)),
                cause: Set("HTTP 500".into()),
                acknowledged_at: Set(None),
                acknowledged_by: Set(None),
            }
            .insert(db)
            .await
            .unwrap();
            for (minutes, kind) in [(10, "opened"), (0, "resolved")] {
                incident_events::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    incident_id: Set(id),
                    at: Set(now - Duration::minutes(minutes)),
                    kind: Set(kind.into()),
                    message: Set(kind.into()),
                }
                .insert(db)
                .await
                .unwrap();
            }
            ids.push(id);
        }
        let timelines = history_incidents::timelines(db, &ids).await.unwrap();
        for id in &ids {
            let kinds: Vec<&str> = timelines[id].iter().map(|e| e.kind.as_str()).collect();
            assert_eq!(kinds, ["opened", "resolved"], "{}", test.url);
        }
    }
}

#[tokio::test]
async fn the_overview_counts_recent_checks_regions_and_failures() {
    for test in domain::testing::all_backends().await {
        let db = &test.db;
        let ann = testing::user(db, Role::User).await;
        let m = monitor(db, &ann, "Shop", false).await;
        let now = Utc::now();
        check(db, m, now - Duration::seconds(10), Status::Down, 50).await;
        check(db, m, now - Duration::seconds(40), Status::Up, 50).await;
        check(db, m, now - Duration::minutes(5), Status::Up, 50).await;
        check(db, m, now - Duration::minutes(30), Status::Down, 50).await;
        let o = overview::overview(db, now).await.unwrap();
        assert_eq!(o.checks_last_minute, 2, "{}", test.url);
        assert_eq!(o.regions.len(), 1);
        assert_eq!((o.regions[0].region.as_str(), o.regions[0].checks), ("eu-west", 3));
        assert_eq!(o.regions[0].last_seen.timestamp(), (now - Duration::seconds(10)).timestamp());
        assert_eq!(o.recent_failures.len(), 2);
        assert_eq!(o.recent_failures[0].monitor_name, "Shop");
        assert!(o.recent_failures[0].checked_at > o.recent_failures[1].checked_at, "newest first");
        assert_eq!((o.monitors.total, o.open_incidents), (1, 0));
    }
}
