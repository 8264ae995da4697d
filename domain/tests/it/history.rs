//! The read side for lists and admins on SQLite and Postgres: status counts,
//! uptime and sparklines of many monitors in one query each, incident
//! timelines in bulk, the admin overview, and access to one monitor (a grant
//! for the owner or an admin that reaches that monitor only).

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, Utc};
use domain::accounts::{Principal, Role};
use domain::entities::{incidents, notifications};
use domain::history::{
    checks as history_checks, incidents as history_incidents, overview, summary, IncidentFilter,
};
use domain::monitors::{MonitorError, MonitorService, Read, Status, Write};
use domain::testing::{self, MonitorBuilder};
use kinds::MonitorKind;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use uuid::Uuid;

async fn monitor(db: &DatabaseConnection, owner: &Principal, name: &str, paused: bool) -> Uuid {
    let monitor = MonitorBuilder::http("https://example.org/").name(name);
    let monitor = if paused { monitor.paused() } else { monitor };
    monitor.create(db, owner).await.id
}

/// A check of `monitor` at `at`, recorded as a worker records it.
async fn check(db: &DatabaseConnection, monitor: Uuid, at: DateTime<Utc>, status: Status, ms: i32) {
    testing::record(db, &testing::result(monitor, at, status, ms)).await;
}

#[tokio::test]
async fn status_counts_are_per_owner_or_for_everyone() {
    for test in domain::testing::all_backends().await {
        let db = &test.db;
        let (ann, bob) = (testing::user(db, Role::User).await, testing::user(db, Role::User).await);
        monitor(db, &ann, "a", false).await;
        monitor(db, &ann, "b", true).await;
        monitor(db, &bob, "c", false).await;
        let anns = summary::status_counts(db, &ann, false).await.unwrap();
        assert_eq!((anns.total, anns.unknown, anns.paused), (2, 1, 1), "{}", test.url);
        let asked_for_all = summary::status_counts(db, &ann, true).await.unwrap();
        assert_eq!(asked_for_all, anns, "a user asking for everyone's still gets their own");
        let admin = testing::user(db, Role::Admin).await;
        let all = summary::status_counts(db, &admin, true).await.unwrap();
        assert_eq!((all.total, all.unknown, all.paused, all.up), (3, 2, 1, 0));
        assert_eq!(summary::status_counts(db, &admin, false).await.unwrap().total, 0);
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
        for (from, to) in [(30, 20), (10, 0)] {
            let (from, to) = (now - Duration::minutes(from), now - Duration::minutes(to));
            ids.push(testing::outage(db, m, from, to).await);
        }
        let monitor = testing::monitor_ref(db, m).await;
        let timelines = history_incidents::timelines(&monitor, &ids).await.unwrap();
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
        let admin = testing::user(db, Role::Admin).await.as_admin().expect("an admin");
        let o = overview::overview(db, &admin, now).await.unwrap();
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

#[tokio::test]
async fn access_is_the_owners_or_an_admins_and_a_grant_reaches_only_its_monitor() {
    for test in domain::testing::all_backends().await {
        let db = &test.db;
        let (ann, bob) = (testing::user(db, Role::User).await, testing::user(db, Role::User).await);
        let admin = testing::user(db, Role::Admin).await;
        let service = MonitorService::new(db.clone(), &domain::channels::EncryptionKey::generate());
        let (anns, bobs) =
            (monitor(db, &ann, "a", false).await, monitor(db, &bob, "b", false).await);

        let granted = service.authorize(&admin, anns, Write).await.unwrap();
        assert_eq!(
            (granted.id(), granted.owner_id(), granted.kind()),
            (anns, ann.user_id, MonitorKind::Http)
        );
        assert!(service.authorize(&ann, anns, Write).await.is_ok(), "{}", test.url);
        for refused in [
            service.authorize(&bob, anns, Read).await.map(|_| ()),
            service.authorize(&bob, anns, Write).await.map(|_| ()),
        ] {
            assert!(matches!(refused, Err(MonitorError::Forbidden)), "{refused:?}");
        }
        let unknown = service.authorize(&ann, Uuid::new_v4(), Read).await;
        assert!(matches!(unknown, Err(MonitorError::NotFound)), "{unknown:?}");

        let incident = testing::down(db, anns, Utc::now()).await;
        let by_incident = service.authorize_incident(&bob, incident, Read).await;
        assert!(matches!(by_incident, Err(MonitorError::Forbidden)), "{by_incident:?}");
        let unknown = service.authorize_incident(&ann, Uuid::new_v4(), Write).await;
        assert!(matches!(unknown, Err(MonitorError::NotFound)), "{unknown:?}");

        // Bob's grant over his own monitor does not reach Ann's incident.
        let bobs = service.authorize(&bob, bobs, Write).await.unwrap();
        assert!(history_incidents::find(&bobs, incident).await.unwrap().is_none());
        history_incidents::acknowledge(&bobs, incident).await.unwrap();
        let anns = service.authorize_incident(&ann, incident, Write).await.unwrap();
        let found = history_incidents::find(&anns, incident).await.unwrap().unwrap();
        assert_eq!(found.incident.acknowledged_at, None, "another monitor's grant changed nothing");
        history_incidents::acknowledge(&anns, incident).await.unwrap();
        let found = history_incidents::find(&anns, incident).await.unwrap().unwrap();
        assert!(found.incident.acknowledged_at.is_some());
        let last = found.timeline.last().unwrap();
        assert_eq!(last.message, format!("Acknowledged by {}", ann.email), "the grant's caller");

        let theirs = IncidentFilter {
            all_users: true,
            monitor: Some(anns.id()),
            limit: 10,
            ..Default::default()
        };
        let seen = history_incidents::list(db, &bob, &theirs).await.unwrap();
        assert!(seen.is_empty(), "a user naming another's monitor sees none of its incidents");
        let seen = history_incidents::list(db, &admin, &theirs).await.unwrap();
        assert_eq!(seen.len(), 1, "an admin asking for all users does");
    }
}

/// An incident row written by hand: the cursor tests need two incidents (and
/// two notifications) of one monitor at the same instant, a tie the pipeline
/// never produces.
async fn incident(db: &DatabaseConnection, monitor: Uuid, number: i32, at: DateTime<Utc>) -> Uuid {
    let id = Uuid::now_v7();
    incidents::ActiveModel {
        id: Set(id),
        monitor_id: Set(monitor),
        subject: Set(String::new()),
        number: Set(number),
        started_at: Set(at),
        resolved_at: Set(Some(at + Duration::minutes(1))),
        cause: Set("HTTP 500".into()),
        acknowledged_at: Set(None),
        acknowledged_by: Set(None),
    }
    .insert(db)
    .await
    .unwrap();
    id
}

async fn notification(db: &DatabaseConnection, monitor: Uuid, at: DateTime<Utc>) -> Uuid {
    let id = Uuid::now_v7();
    notifications::ActiveModel {
        id: Set(id),
        monitor_id: Set(monitor),
        incident_id: Set(None),
        channel_id: Set(None),
        event: Set(kinds::NotificationEvent::Down),
        prev_status: Set(Some("up".into())),
        current_status: Set(Some("down".into())),
        channel: Set(kinds::ChannelKind::Webhook),
        recipient: Set("https://127.0.0.2/hook".into()),
        delivery_status: Set(kinds::DeliveryStatus::Delivered),
        attempts: Set(1),
        last_error: Set(None),
        region: Set("eu-west".into()),
        created_at: Set(at),
        next_attempt_at: Set(None),
        sent_at: Set(Some(at)),
        detail: Set(None),
    }
    .insert(db)
    .await
    .unwrap();
    id
}

/// Five rows at four times (two share one), newest first by time, then id.
fn newest_first(rows: &[(DateTime<Utc>, Uuid)]) -> Vec<Uuid> {
    let mut rows = rows.to_vec();
    rows.sort_by(|a, b| b.cmp(a));
    rows.into_iter().map(|(_, id)| id).collect()
}

#[tokio::test]
async fn incident_pages_follow_the_cursor_to_the_end_without_gaps_or_repeats() {
    for test in domain::testing::all_backends().await {
        let db = &test.db;
        let ann = testing::user(db, Role::User).await;
        let (m, other) = (monitor(db, &ann, "a", false).await, monitor(db, &ann, "b", false).await);
        let now = Utc::now();
        let mut rows = Vec::new();
        for (number, minutes) in [(1, 50), (2, 40), (3, 30), (4, 30), (5, 10)] {
            let at = now - Duration::minutes(minutes);
            rows.push((at, incident(db, m, number, at).await));
        }
        let elsewhere = incident(db, other, 1, now).await;
        let mut seen = Vec::new();
        let mut filter = IncidentFilter { monitor: Some(m), limit: 2, ..Default::default() };
        loop {
            let page = history_incidents::page(db, &ann, &filter).await.unwrap();
            assert!(page.incidents.len() <= 2, "{}", test.url);
            seen.extend(page.incidents.iter().map(|i| i.id));
            match page.next_cursor {
                Some(cursor) => filter.after = Some(cursor.parse().unwrap()),
                None => break,
            }
        }
        assert_eq!(seen, newest_first(&rows), "{}", test.url);
        // Another monitor's incident is no cursor into this list.
        filter.after = Some(elsewhere);
        assert!(history_incidents::page(db, &ann, &filter).await.unwrap().incidents.is_empty());
    }
}

#[tokio::test]
async fn notification_pages_follow_the_cursor_to_the_end_without_gaps_or_repeats() {
    for test in domain::testing::all_backends().await {
        let db = &test.db;
        let ann = testing::user(db, Role::User).await;
        let (m, other) = (monitor(db, &ann, "a", false).await, monitor(db, &ann, "b", false).await);
        let grant = testing::monitor_ref(db, m).await;
        let now = Utc::now();
        let mut rows = Vec::new();
        for minutes in [50, 40, 30, 30, 10] {
            let at = now - Duration::minutes(minutes);
            rows.push((at, notification(db, m, at).await));
        }
        let elsewhere = notification(db, other, now).await;
        let (mut seen, mut cursor) = (Vec::new(), None);
        loop {
            let page = history_checks::notification_page(&grant, cursor, 2).await.unwrap();
            assert!(page.items.len() <= 2, "{}", test.url);
            seen.extend(page.items.iter().map(|n| n.id));
            match page.next_cursor {
                Some(next) => cursor = Some(next.parse().unwrap()),
                None => break,
            }
        }
        assert_eq!(seen, newest_first(&rows), "{}", test.url);
        let page = history_checks::notification_page(&grant, Some(elsewhere), 2).await.unwrap();
        assert!(page.items.is_empty() && page.next_cursor.is_none());
    }
}
