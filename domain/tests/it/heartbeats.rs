//! Heartbeat monitors' database side on every backend: a ping taken through
//! the service at the injected clock's time, the same answer for an unknown
//! token, the per-token limit at a window's edge, a paused monitor's ping
//! stored without a change, pings pruned to the newest kept per monitor,
//! and a verdict recorded by the sweep refused as stale behind a newer ping.

#![allow(clippy::unwrap_used)]

use chrono::{Duration, TimeZone, Utc};
use domain::accounts::Role;
use domain::channels::EncryptionKey;
use domain::clock::ManualClock;
use domain::heartbeats::record::Judgement;
use domain::heartbeats::service::{HeartbeatService, PingAnswer};
use domain::heartbeats::store::{self, Received};
use domain::heartbeats::PingKind;
use domain::monitors::{MonitorService, Read, Status, Write};
use domain::ratelimit::RetryAfter;
use domain::testing::MonitorBuilder;

fn received(kind: PingKind) -> Received {
    Received { kind, rid: None, body: String::new(), source_ip: None, user_agent: None }
}

#[tokio::test]
async fn pings_are_stored_at_the_clocks_time_limited_per_token_and_judged_at_once() {
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let key = EncryptionKey::generate();
        let owner = domain::testing::user(db, Role::User).await;
        let view = MonitorBuilder::heartbeat(3600, 300).key(&key).create(db, &owner).await;
        // At the start of a minute, well after the monitor was created.
        let clock = ManualClock::at(Utc.with_ymd_and_hms(2030, 1, 1, 12, 0, 0).unwrap());
        let service = HeartbeatService::new(db.clone(), &key)
            .with_clock(clock.clock())
            .with_pings_per_minute(3);
        let token =
            service.details(std::slice::from_ref(&view)).await.unwrap()[&view.id].token.clone();

        // A known token's success is judged at once; an unknown one gets the same answer.
        let known = service.ping(&token, received(PingKind::Success)).await.unwrap();
        assert_eq!(
            known,
            PingAnswer::Accepted { changes: Vec::new() },
            "unknown → up opens nothing"
        );
        let unknown = service.ping("no-such-token", received(PingKind::Success)).await.unwrap();
        assert_eq!(unknown, known);
        let monitors = MonitorService::new(db.clone(), &key);
        let seen = monitors.get(&owner, view.id).await.unwrap();
        assert_eq!(seen.status, Status::Up);
        let pings = store::recent_pings(db, view.id, clock.clock().now()).await.unwrap();
        assert_eq!(pings.len(), 1);
        assert_eq!(pings[0].at, clock.clock().now(), "the clock's time, not the system's");

        // A failure opens the incident's status change.
        clock.advance(Duration::seconds(1));
        let PingAnswer::Accepted { changes } =
            service.ping(&token, received(PingKind::Exit(4))).await.unwrap()
        else {
            panic!("limited too early")
        };
        assert_eq!(changes.len(), 1);
        assert_eq!(
            monitors.get(&owner, view.id).await.unwrap().last_error.as_deref(),
            Some("exit status 4")
        );

        // The fourth ping of a minute is refused until the window ends, for any token.
        clock.advance(Duration::seconds(1));
        service.ping(&token, received(PingKind::Log)).await.unwrap();
        let limited = service.ping(&token, received(PingKind::Success)).await.unwrap();
        assert!(matches!(limited, PingAnswer::Limited(RetryAfter(1..=60))), "{limited:?}");
        for _ in 0..3 {
            service.ping("guess", received(PingKind::Success)).await.unwrap();
        }
        assert!(matches!(
            service.ping("guess", received(PingKind::Success)).await.unwrap(),
            PingAnswer::Limited(_)
        ));
        clock.advance(Duration::seconds(60));
        assert!(matches!(
            service.ping(&token, received(PingKind::Success)).await.unwrap(),
            PingAnswer::Accepted { .. }
        ));
        assert_eq!(monitors.get(&owner, view.id).await.unwrap().status, Status::Up);

        // A paused monitor's ping is kept and changes nothing.
        let grant = monitors.authorize(&owner, view.id, Write).await.unwrap();
        monitors
            .update(grant, serde_json::from_value(serde_json::json!({"paused": true})).unwrap())
            .await
            .unwrap();
        clock.advance(Duration::seconds(1));
        let answer = service.ping(&token, received(PingKind::Fail)).await.unwrap();
        assert_eq!(answer, PingAnswer::Accepted { changes: Vec::new() });
        assert_eq!(monitors.get(&owner, view.id).await.unwrap().status, Status::Paused);
        let grant = monitors.authorize(&owner, view.id, Read).await.unwrap();
        let (page, _) = service.pings(&grant, None, 10).await.unwrap();
        assert_eq!(page[0].kind, "fail");
        assert_eq!(page.len(), 5, "success, exit, log, success, fail");
    }
}

#[tokio::test]
async fn a_sweep_older_than_the_newest_ping_is_history_only() {
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let key = EncryptionKey::generate();
        let owner = domain::testing::user(db, Role::User).await;
        let view = MonitorBuilder::heartbeat(60, 0).key(&key).create(db, &owner).await;
        let spec = view.heartbeat.clone().unwrap();
        let later = Utc::now() + Duration::hours(1);
        let service =
            HeartbeatService::new(db.clone(), &key).with_clock(ManualClock::at(later).clock());
        let token =
            service.details(std::slice::from_ref(&view)).await.unwrap()[&view.id].token.clone();
        service.ping(&token, received(PingKind::Success)).await.unwrap();
        // A sweep claimed before the ping, recorded after it: refused as stale.
        let before = later - Duration::minutes(1);
        let sweep = Judgement {
            monitor_id: view.id,
            slot: before.timestamp_millis(),
            at: before,
            spec,
            region: "test".into(),
        };
        let recorded = domain::pipeline::record(db, &sweep).await.unwrap();
        assert!(recorded.stale, "{recorded:?}");
        assert!(recorded.changes.is_empty());
        assert_eq!(
            MonitorService::new(db.clone(), &key).get(&owner, view.id).await.unwrap().status,
            Status::Up
        );
    }
}

#[tokio::test]
async fn pings_beyond_the_newest_kept_are_pruned_per_monitor() {
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let key = EncryptionKey::generate();
        let owner = domain::testing::user(db, Role::User).await;
        let start = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let clock = ManualClock::at(start);
        let service = HeartbeatService::new(db.clone(), &key)
            .with_clock(clock.clock())
            .with_pings_per_minute(1000);
        let mut tokens = Vec::new();
        for _ in 0..2 {
            let view = MonitorBuilder::heartbeat(3600, 300).key(&key).create(db, &owner).await;
            tokens.push((
                view.id,
                service.details(std::slice::from_ref(&view)).await.unwrap()[&view.id].token.clone(),
            ));
        }
        for _ in 0..6 {
            clock.advance(Duration::seconds(1));
            for (_, token) in &tokens {
                service.ping(token, received(PingKind::Log)).await.unwrap();
            }
        }
        // Keep 4 each: 2 × 2 go, in batches of 3.
        assert_eq!(store::prune(db, 4, 3).await.unwrap(), 3);
        assert_eq!(store::prune(db, 4, 3).await.unwrap(), 1);
        assert_eq!(store::prune(db, 4, 3).await.unwrap(), 0);
        for (id, _) in &tokens {
            let kept = store::recent_pings(db, *id, clock.clock().now()).await.unwrap();
            assert_eq!(kept.len(), 4);
            assert_eq!(kept[0].at, start + Duration::seconds(3), "the oldest went");
        }
    }
}
