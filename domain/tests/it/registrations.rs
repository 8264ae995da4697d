//! `domain` monitors through the recording skeleton, on both backends, at
//! instants the test chooses: up, degraded within the highest threshold,
//! each threshold notifying once, down once expired or unknown to the
//! registry, and a registry's 429 moving nothing but the next check.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::accounts::Role;
use domain::entities::{monitors, notifications};
use domain::monitors::Status;
use domain::pipeline::record;
use domain::registrations::{DomainOutcome, DomainResult, Registration};
use domain::testing::{self, ChannelBuilder, MonitorBuilder};
use kinds::NotificationEvent;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()
}

fn found(monitor: Uuid, at: DateTime<Utc>, expires: DateTime<Utc>) -> DomainResult {
    let registration = Registration {
        name: "example.test".into(),
        expires_at: Some(expires),
        registered_at: None,
        registrar: Some("Test Registrar".into()),
        statuses: Vec::new(),
        nameservers: Vec::new(),
    };
    DomainResult {
        monitor_id: monitor,
        slot: at.timestamp_millis(),
        checked_at: at,
        latency_ms: Some(40),
        outcome: DomainOutcome::Found { registration, server: "http://127.0.0.2/rdap/".into() },
        region: "eu-west".into(),
    }
}

async fn warnings(db: &DatabaseConnection, monitor: Uuid) -> Vec<String> {
    notifications::Entity::find()
        .filter(notifications::Column::MonitorId.eq(monitor))
        .filter(notifications::Column::Event.eq(NotificationEvent::DomainExpiring))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.detail.unwrap_or_default())
        .collect()
}

async fn monitor(db: &DatabaseConnection) -> Uuid {
    let owner = testing::user(db, Role::User).await;
    let channel = ChannelBuilder::webhook("https://127.0.0.2/hook").create(db, &owner).await;
    MonitorBuilder::domain("example.test")
        .confirmations(1)
        .channels(&[channel.id])
        .create(db, &owner)
        .await
        .id
}

async fn status(db: &DatabaseConnection, id: Uuid) -> Status {
    testing::monitor_ref(db, id).await.view().status
}

#[tokio::test]
async fn thresholds_warn_once_and_an_expired_registration_goes_down() {
    for test_db in testing::all_backends().await {
        let db = &test_db.db;
        let id = monitor(db).await;
        let expires = start() + Duration::days(45) + Duration::hours(1);
        record(db, &found(id, start(), expires)).await.unwrap();
        assert_eq!(status(db, id).await, Status::Up);
        assert!(warnings(db, id).await.is_empty());

        for day in [20, 21] {
            record(db, &found(id, start() + Duration::days(day), expires)).await.unwrap();
        }
        let seen = warnings(db, id).await;
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(
            seen[0].contains("example.test expires in 25 days (warning at 30 days)"),
            "{}",
            seen[0]
        );
        assert!(seen[0].contains("registrar Test Registrar"), "{}", seen[0]);
        assert_eq!(status(db, id).await, Status::Degraded);

        let page = testing::monitor_ref(db, id).await;
        let kept = domain::registrations::registration(&page, start() + Duration::days(21))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(kept.days_left, Some(24));
        assert_eq!(kept.rdap_server, "http://127.0.0.2/rdap/");

        record(db, &found(id, start() + Duration::days(47), expires)).await.unwrap();
        assert_eq!(status(db, id).await, Status::Down, "expired");
        assert_eq!(warnings(db, id).await.len(), 2, "past 7 and 1 at once: one more warning");
        let error = testing::monitor_ref(db, id).await.view().last_error.clone().unwrap();
        assert!(error.starts_with("the registration expired 1 day ago on"), "{error}");
    }
}

#[tokio::test]
async fn an_unknown_name_is_down_and_a_throttled_lookup_moves_nothing_but_the_next_check() {
    for test_db in testing::all_backends().await {
        let db = &test_db.db;
        let id = monitor(db).await;
        record(db, &found(id, start(), start() + Duration::days(300))).await.unwrap();
        let until = start() + Duration::hours(3);
        let throttled = DomainResult {
            outcome: DomainOutcome::RateLimited { until, error: "asked to wait (HTTP 429)".into() },
            latency_ms: None,
            ..found(id, start() + Duration::minutes(1), start())
        };
        let recorded = record(db, &throttled).await.unwrap();
        assert!(recorded.changes.is_empty());
        assert_eq!(status(db, id).await, Status::Up, "a wait is not an answer");
        let row = monitors::Entity::find_by_id(id).one(db).await.unwrap().unwrap();
        assert!(row.next_check_at >= until, "the next check waits: {}", row.next_check_at);

        let missing = DomainResult {
            outcome: DomainOutcome::NotFound { server: "http://127.0.0.2/rdap/".into() },
            ..found(id, start() + Duration::minutes(2), start())
        };
        let recorded = record(db, &missing).await.unwrap();
        assert_eq!(recorded.changes.len(), 1, "down: its incident's change");
        let error = testing::monitor_ref(db, id).await.view().last_error.clone().unwrap();
        assert_eq!(error, "http://127.0.0.2/rdap/ has no registration for example.test (RDAP 404)");
    }
}
