//! The pipeline's database invariants on SQLite and Postgres: each slot is
//! claimed once, results are idempotent and ordered, confirmations gate
//! incidents, and incident work happens once per status change.

#![allow(clippy::unwrap_used)]

use chrono::{Duration, Utc};
use domain::accounts::Principal;
use domain::entities::{incidents, monitor_channels, monitor_state, monitors, notifications};
use domain::monitors::Status;
use domain::pipeline::incidents::apply_status_change;
use domain::pipeline::notifications::{begin_attempt, finish_attempt, Outcome, ATTEMPT_LEASE};
use domain::pipeline::{claim_due, record_result, record_results, CheckResult};
use domain::testing::ChannelBuilder;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};
use uuid::Uuid;

/// A stored user.
async fn owner(db: &DatabaseConnection) -> Principal {
    domain::testing::user(db, domain::accounts::Role::User).await
}

/// A monitor due now with two channels, confirmations 2, recoveries 1.
/// Written by hand on purpose: these tests need it due at once and already
/// up, while the service spreads first checks over the first minute and
/// starts a monitor unknown.
async fn monitor(db: &DatabaseConnection, owner: &Principal, channels_n: usize) -> Uuid {
    let id = Uuid::now_v7();
    let now = domain::pipeline::scheduling::to_millis(Utc::now() - Duration::seconds(1));
    monitors::ActiveModel {
        id: Set(id),
        owner_id: Set(owner.user_id),
        name: Set("site".into()),
        kind: Set(kinds::MonitorKind::Http),
        target: Set("https://example.org/".into()),
        config: Set(r#"{"url":"https://example.org/"}"#.into()),
        interval_seconds: Set(60),
        timeout_ms: Set(1000),
        confirmations: Set(2),
        recoveries: Set(1),
        paused: Set(false),
        next_check_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        secret: Set(None),
    }
    .insert(db)
    .await
    .unwrap();
    monitor_state::ActiveModel {
        monitor_id: Set(id),
        status: Set(kinds::Status::Up),
        status_since: Set(now),
        last_checked_at: Set(None),
        last_latency_ms: Set(None),
        last_error: Set(None),
        consecutive_failures: Set(0),
        consecutive_successes: Set(0),
        last_check_seq: Set(0),
    }
    .insert(db)
    .await
    .unwrap();
    for n in 0..channels_n {
        let hook = ChannelBuilder::webhook(&format!("https://example.org/hook/{n}"));
        let channel = hook.create(db, owner).await.id;
        monitor_channels::ActiveModel { monitor_id: Set(id), channel_id: Set(channel) }
            .insert(db)
            .await
            .unwrap();
    }
    id
}

fn result(monitor_id: Uuid, slot: i64, status: Status) -> CheckResult {
    CheckResult {
        monitor_id,
        slot,
        checked_at: Utc::now(),
        status,
        latency_ms: Some(12),
        http_status: Some(if status == Status::Down { 503 } else { 200 }),
        error: (status == Status::Down).then(|| "HTTP 503".to_owned()),
        region: "default".into(),
        http: None,
    }
}

async fn status_of(db: &DatabaseConnection, id: Uuid) -> &'static str {
    monitor_state::Entity::find_by_id(id).one(db).await.unwrap().unwrap().status.as_str()
}

#[tokio::test]
async fn two_schedulers_claim_each_slot_once() {
    for test_db in domain::testing::all_backends().await {
        let db = test_db.db.clone();
        let user = owner(&db).await;
        for _ in 0..60 {
            monitor(&db, &user, 0).await;
        }
        let now = Utc::now();
        let (a, b) = tokio::join!(claim_due(&db, now, 1000), claim_due(&db, now, 1000));
        let mut all: Vec<_> =
            a.unwrap().into_iter().chain(b.unwrap()).map(|c| c.monitor_id).collect();
        let total = all.len();
        all.sort();
        all.dedup();
        assert_eq!(total, 60, "every due monitor claimed exactly once on {}", test_db.url);
        assert_eq!(all.len(), 60);
        assert!(claim_due(&db, now, 1000).await.unwrap().is_empty(), "nothing is due twice");
        let later = claim_due(&db, now + Duration::seconds(61), 1000).await.unwrap();
        assert_eq!(later.len(), 60, "the next slot comes one interval later");
    }
}

#[tokio::test]
async fn a_target_going_down_opens_one_incident_after_the_confirmations() {
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let id = monitor(db, &owner(db).await, 2).await;
        let first = record_result(db, &result(id, 1_000, Status::Down)).await.unwrap();
        assert_eq!(first.change(), None, "one failure is not yet down");
        assert_eq!(status_of(db, id).await, "up");
        let second = record_result(db, &result(id, 2_000, Status::Down)).await.unwrap();
        let change = second.change().expect("down after two failures");
        assert_eq!(status_of(db, id).await, "down");

        let sent = apply_status_change(db, change).await.unwrap();
        assert_eq!(sent.len(), 2, "one notification per channel");
        assert!(
            apply_status_change(db, change).await.unwrap().is_empty(),
            "a redelivered change does nothing"
        );
        let open = incidents::Entity::find()
            .filter(incidents::Column::MonitorId.eq(id))
            .all(db)
            .await
            .unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!((open[0].number, open[0].resolved_at), (1, None));

        // Recovery resolves it and notifies "up".
        let up = record_result(db, &result(id, 3_000, Status::Up)).await.unwrap();
        let sent = apply_status_change(db, up.change().expect("up again")).await.unwrap();
        assert_eq!(sent.len(), 2);
        let incident = incidents::Entity::find_by_id(open[0].id).one(db).await.unwrap().unwrap();
        assert!(incident.resolved_at.is_some());
        let events: Vec<String> = notifications::Entity::find()
            .filter(notifications::Column::MonitorId.eq(id))
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.event.to_string())
            .collect();
        assert_eq!(events.iter().filter(|e| *e == "down").count(), 2);
        assert_eq!(events.iter().filter(|e| *e == "up").count(), 2);

        // The next outage is number 2.
        record_result(db, &result(id, 4_000, Status::Down)).await.unwrap();
        let change =
            record_result(db, &result(id, 5_000, Status::Down)).await.unwrap().change().unwrap();
        apply_status_change(db, change).await.unwrap();
        let numbers: Vec<i32> = incidents::Entity::find()
            .filter(incidents::Column::MonitorId.eq(id))
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.number)
            .collect();
        assert_eq!(numbers.len(), 2);
        assert!(numbers.contains(&2));
    }
}

#[tokio::test]
async fn the_same_result_twice_records_once_and_old_results_never_overwrite_state() {
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let id = monitor(db, &owner(db).await, 1).await;
        record_result(db, &result(id, 1_000, Status::Down)).await.unwrap();
        let down = record_result(db, &result(id, 2_000, Status::Down)).await.unwrap();
        let again = record_result(db, &result(id, 2_000, Status::Down)).await.unwrap();
        assert!(again.duplicate);
        assert_eq!(
            again.change(),
            down.change(),
            "the pending change is handed back for re-enqueueing"
        );
        let checks = domain::entities::checks::Entity::find()
            .filter(domain::entities::checks::Column::MonitorId.eq(id))
            .count(db)
            .await
            .unwrap();
        assert_eq!(checks, 2);

        let late = record_result(db, &result(id, 1_500, Status::Up)).await.unwrap();
        assert!(late.stale, "an older slot arrives after a newer one");
        assert_eq!(late.change(), None);
        assert_eq!(status_of(db, id).await, "down", "the late success did not resolve anything");
    }
}

#[tokio::test]
async fn flapping_below_the_confirmation_count_opens_nothing() {
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let id = monitor(db, &owner(db).await, 1).await;
        for (n, status) in
            [Status::Down, Status::Up, Status::Down, Status::Up, Status::Down, Status::Up]
                .into_iter()
                .enumerate()
        {
            let recorded =
                record_result(db, &result(id, (n as i64 + 1) * 1_000, status)).await.unwrap();
            assert_eq!(recorded.change(), None);
        }
        assert_eq!(
            incidents::Entity::find()
                .filter(incidents::Column::MonitorId.eq(id))
                .count(db)
                .await
                .unwrap(),
            0
        );
    }
}

#[tokio::test]
async fn a_delivered_notification_is_never_attempted_again() {
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let id = monitor(db, &owner(db).await, 1).await;
        record_result(db, &result(id, 1_000, Status::Down)).await.unwrap();
        let change =
            record_result(db, &result(id, 2_000, Status::Down)).await.unwrap().change().unwrap();
        let notification = apply_status_change(db, change).await.unwrap()[0];

        let first =
            begin_attempt(db, notification, ATTEMPT_LEASE).await.unwrap().expect("first attempt");
        assert_eq!((first.attempts, first.delivery_status.as_str()), (1, "sending"));
        assert!(
            begin_attempt(db, notification, ATTEMPT_LEASE).await.unwrap().is_none(),
            "a second worker waits for the first one's lease"
        );
        let retry = Outcome::Retry { error: "HTTP 500".into(), after: Duration::seconds(5) };
        finish_attempt(db, notification, &retry).await.unwrap();
        assert!(
            begin_attempt(db, notification, ATTEMPT_LEASE).await.unwrap().is_none(),
            "not before its retry time"
        );
        let retry = Outcome::Retry { error: "HTTP 500".into(), after: Duration::zero() };
        finish_attempt(db, notification, &retry).await.unwrap();
        let second =
            begin_attempt(db, notification, ATTEMPT_LEASE).await.unwrap().expect("a due retry");
        assert_eq!(second.attempts, 2);
        finish_attempt(db, notification, &Outcome::Delivered).await.unwrap();
        assert!(
            begin_attempt(db, notification, ATTEMPT_LEASE).await.unwrap().is_none(),
            "delivered means done"
        );
        let row = notifications::Entity::find_by_id(notification).one(db).await.unwrap().unwrap();
        assert_eq!(row.delivery_status, kinds::DeliveryStatus::Delivered);
        assert!(row.sent_at.is_some());
    }
}

#[tokio::test]
async fn status_changes_applied_out_of_order_still_open_and_resolve_in_order() {
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let id = monitor(db, &owner(db).await, 1).await;
        record_result(db, &result(id, 1_000, Status::Down)).await.unwrap();
        let down =
            record_result(db, &result(id, 2_000, Status::Down)).await.unwrap().change().unwrap();
        let up = record_result(db, &result(id, 3_000, Status::Up)).await.unwrap().change().unwrap();

        // The "up" job is handled first: the "down" before it is applied too.
        let sent = apply_status_change(db, up).await.unwrap();
        assert_eq!(sent.len(), 2, "a down and an up notification");
        assert!(apply_status_change(db, down).await.unwrap().is_empty(), "already applied");
        let all = incidents::Entity::find()
            .filter(incidents::Column::MonitorId.eq(id))
            .all(db)
            .await
            .unwrap();
        assert_eq!(all.len(), 1);
        assert!(all[0].resolved_at.is_some(), "the incident was resolved, not left open");
    }
}

#[tokio::test]
async fn a_down_change_with_an_incident_already_open_is_consumed_without_a_second_one() {
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let id = monitor(db, &owner(db).await, 1).await;
        record_result(db, &result(id, 1_000, Status::Down)).await.unwrap();
        let change =
            record_result(db, &result(id, 2_000, Status::Down)).await.unwrap().change().unwrap();
        // An open incident no change of this monitor made, by hand on purpose:
        // the conflict is what is tested.
        incidents::ActiveModel {
            id: Set(Uuid::new_v4()),
            monitor_id: Set(id),
            subject: Set(String::new()),
            number: Set(7),
            started_at: Set(Utc::now()),
            resolved_at: Set(None),
            cause: Set("opened elsewhere".into()),
            acknowledged_at: Set(None),
            acknowledged_by: Set(None),
        }
        .insert(db)
        .await
        .unwrap();
        assert!(apply_status_change(db, change).await.unwrap().is_empty());
        let pending =
            domain::pipeline::notifications::stuck_changes(db, Utc::now() + Duration::hours(1), 10)
                .await
                .unwrap();
        assert!(pending.is_empty(), "the change was consumed on {}, not left to loop", test_db.url);
        assert_eq!(
            incidents::Entity::find()
                .filter(incidents::Column::MonitorId.eq(id))
                .count(db)
                .await
                .unwrap(),
            1
        );
    }
}

#[tokio::test]
async fn released_claims_are_claimed_again_with_the_same_slots() {
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        monitor(db, &owner(db).await, 0).await;
        let now = Utc::now();
        let first = claim_due(db, now, 10).await.unwrap();
        assert_eq!(first.len(), 1);
        domain::pipeline::scheduling::release(db, &first).await.unwrap();
        let again = claim_due(db, now, 10).await.unwrap();
        assert_eq!(again, first, "the same slot, not a skipped one");
    }
}

#[tokio::test]
async fn a_batch_of_results_records_exactly_what_one_at_a_time_would() {
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let user = owner(db).await;
        let (a, b, c) =
            (monitor(db, &user, 1).await, monitor(db, &user, 0).await, monitor(db, &user, 0).await);
        record_result(db, &result(c, 5_000, Status::Up)).await.unwrap();
        let gone = Uuid::now_v7();
        let batch = [
            result(a, 1_000, Status::Down),
            result(b, 1_000, Status::Up),
            result(a, 2_000, Status::Down), // a's second in the batch: confirms the outage
            result(c, 4_000, Status::Down), // older than c's state: history only
            result(gone, 1_000, Status::Up),
            result(b, 1_000, Status::Up), // the same job delivered twice
        ];
        let recorded = record_results(db, &batch).await.unwrap();
        assert_eq!(recorded.len(), batch.len(), "one answer per result on {}", test_db.url);
        assert_eq!(recorded[0].change(), None, "one failure is not yet a change");
        assert!(recorded[2].change().is_some(), "the second failure confirms: a status change");
        assert!(recorded[3].stale && recorded[3].change().is_none());
        assert!(recorded[4].gone);
        assert!(recorded[5].duplicate);
        assert_eq!(status_of(db, a).await, "down");
        assert_eq!(status_of(db, b).await, "up");
        assert_eq!(status_of(db, c).await, "up", "the stale failure changed nothing");
        let count = |id: Uuid| {
            domain::entities::checks::Entity::find()
                .filter(domain::entities::checks::Column::MonitorId.eq(id))
                .count(db)
        };
        assert_eq!(count(a).await.unwrap(), 2);
        assert_eq!(count(b).await.unwrap(), 1, "the redelivered result is stored once");
        assert_eq!(count(c).await.unwrap(), 2, "the stale result is kept as history");
        let changes = domain::entities::status_changes::Entity::find()
            .filter(domain::entities::status_changes::Column::MonitorId.eq(a))
            .all(db)
            .await
            .unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(Some(changes[0].id), recorded[2].change());

        // Recording the whole batch again changes nothing and hands back a's change.
        let again = record_results(db, &batch).await.unwrap();
        assert!(
            again.iter().enumerate().all(|(i, r)| r.duplicate || (i == 4 && r.gone)),
            "{again:?}"
        );
        assert_eq!(again[2].change(), recorded[2].change());
        assert_eq!(count(a).await.unwrap(), 2);
    }
}
