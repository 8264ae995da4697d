//! Runner monitors on SQLite and Postgres: listings record runners and
//! their health, outages open, number and resolve per runner, moving
//! between two unhealthy states opens nothing, redelivered listings change
//! nothing, rate limits back off, a failing listing is the monitor's own
//! incident, and retention keeps the numbering.

#![allow(clippy::unwrap_used)]

use chrono::{Duration, Utc};
use domain::accounts::Role;
use domain::entities::{incidents, monitor_state, monitors};
use domain::monitors::{Status, GITHUB_API};
use domain::pipeline::incidents::apply_status_change;
use domain::pipeline::retention::{prune_batch, Retention};
use domain::runners::{
    forget_runner, list_runners, outages, record_listing, ListedRunner, ListingOutcome,
    ListingResult, PageTag, RunnerStatus,
};
use domain::testing::{self, MonitorBuilder};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

/// A runner monitor of `acme/api` with `confirmations`, made through the
/// monitor service (state `unknown`, as a new monitor has).
async fn runner_monitor(db: &DatabaseConnection, confirmations: i64) -> Uuid {
    let owner = testing::user(db, Role::User).await;
    MonitorBuilder::github_runners("acme", Some("api"), GITHUB_API)
        .interval(300)
        .confirmations(confirmations)
        .create(db, &owner)
        .await
        .id
}

fn runner(name: &str, status: RunnerStatus) -> ListedRunner {
    ListedRunner {
        github_id: i64::from(name.as_bytes()[name.len() - 1]),
        name: name.into(),
        status,
        busy: false,
        os: "Linux".into(),
        labels: vec!["self-hosted".into(), "linux".into()],
    }
}

fn listed(runners: Vec<ListedRunner>) -> ListingOutcome {
    let pages =
        vec![PageTag { url: "https://api.github.com/x".into(), etag: Some("\"1\"".into()) }];
    ListingOutcome::Listed { runners, pages }
}

fn result(monitor_id: Uuid, slot: i64, outcome: ListingOutcome) -> ListingResult {
    ListingResult {
        monitor_id,
        slot,
        checked_at: Utc::now() + Duration::milliseconds(slot),
        latency_ms: Some(20),
        http_status: Some(200),
        outcome,
        region: "test".into(),
    }
}

/// Records a listing and does its incident work, as the workers would.
async fn check(
    db: &DatabaseConnection,
    monitor: Uuid,
    slot: i64,
    outcome: ListingOutcome,
) -> usize {
    let recorded = record_listing(db, &result(monitor, slot, outcome)).await.unwrap();
    for change in &recorded.changes {
        apply_status_change(db, *change).await.unwrap();
    }
    recorded.changes.len()
}

async fn status(db: &DatabaseConnection, monitor: Uuid) -> (String, Option<String>) {
    let state = monitor_state::Entity::find_by_id(monitor).one(db).await.unwrap().unwrap();
    (state.status.to_string(), state.last_error)
}

#[tokio::test]
async fn outages_open_number_and_resolve_per_runner() {
    use RunnerStatus::{Offline, Online};
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let monitor = runner_monitor(db, 1).await;
        check(db, monitor, 1, listed(vec![runner("a", Online), runner("b", Online)])).await;
        assert_eq!(status(db, monitor).await.0, "up");
        let runners = list_runners(&testing::monitor_ref(db, monitor).await).await.unwrap();
        assert_eq!(runners.len(), 2);
        assert_eq!(runners[0].labels, ["self-hosted", "linux"]);

        // a goes offline: outage 1.
        assert_eq!(
            check(db, monitor, 2, listed(vec![runner("a", Offline), runner("b", Online)])).await,
            1
        );
        let (state, error) = status(db, monitor).await;
        assert_eq!(state, "down");
        assert!(error.unwrap().contains("a (offline)"));
        // Then missing from the listing: still one outage, no new change.
        assert_eq!(check(db, monitor, 3, listed(vec![runner("b", Online)])).await, 0);
        let a = outages(&testing::monitor_ref(db, monitor).await, "a", 10).await.unwrap();
        assert_eq!(a.len(), 1, "offline → missing opened no second outage");
        assert_eq!((a[0].number, a[0].status), (1, kinds::OutageStatus::Ongoing));
        assert_eq!(a[0].description, "Runner a is offline");
        let runners = list_runners(&testing::monitor_ref(db, monitor).await).await.unwrap();
        assert_eq!(runners[0].status, RunnerStatus::Unknown);

        // Back online: resolved, and the monitor is up again.
        assert_eq!(
            check(db, monitor, 4, listed(vec![runner("a", Online), runner("b", Online)])).await,
            1
        );
        assert_eq!(status(db, monitor).await.0, "up");
        let a = outages(&testing::monitor_ref(db, monitor).await, "a", 10).await.unwrap();
        assert_eq!(a[0].status, kinds::OutageStatus::Resolved);
        assert!(a[0].resolved_at.is_some());

        // Offline again: outage 2, newest first.
        check(db, monitor, 5, listed(vec![runner("a", Offline), runner("b", Online)])).await;
        let a = outages(&testing::monitor_ref(db, monitor).await, "a", 10).await.unwrap();
        assert_eq!(a.iter().map(|o| o.number).collect::<Vec<_>>(), [2, 1]);
        assert!(outages(&testing::monitor_ref(db, monitor).await, "b", 10)
            .await
            .unwrap()
            .is_empty());
        let monitor_incidents = incidents::Entity::find()
            .filter(incidents::Column::MonitorId.eq(monitor))
            .filter(incidents::Column::Subject.eq(""))
            .count(db)
            .await
            .unwrap();
        assert_eq!(monitor_incidents, 0, "runner outages are not the monitor's own incidents");
    }
}

#[tokio::test]
async fn a_redelivered_or_late_listing_changes_nothing() {
    use RunnerStatus::{Offline, Online};
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let monitor = runner_monitor(db, 1).await;
        check(db, monitor, 10, listed(vec![runner("a", Online)])).await;
        let offline = result(monitor, 20, listed(vec![runner("a", Offline)]));
        let first = record_listing(db, &offline).await.unwrap();
        assert_eq!(first.changes.len(), 1);
        // Redelivered before its incident work ran: the same pending change.
        let again = record_listing(db, &offline).await.unwrap();
        assert!(again.duplicate);
        assert_eq!(again.changes, first.changes);
        apply_status_change(db, first.changes[0]).await.unwrap();
        assert!(apply_status_change(db, first.changes[0]).await.unwrap().is_empty());
        assert!(record_listing(db, &offline).await.unwrap().changes.is_empty());
        // A late, older listing is history only.
        let late = record_listing(db, &result(monitor, 15, listed(vec![runner("a", Online)])))
            .await
            .unwrap();
        assert!(late.stale);
        assert_eq!(
            outages(&testing::monitor_ref(db, monitor).await, "a", 10).await.unwrap().len(),
            1
        );
        assert_eq!(
            list_runners(&testing::monitor_ref(db, monitor).await).await.unwrap()[0].status,
            RunnerStatus::Offline
        );
    }
}

/// The skeleton's stale guard holds for listings in a batch too: a late
/// listing recorded beside a fresh one of another monitor is history only
/// (its check row is kept; runners, state and incidents are untouched),
/// while the fresh one is applied.
#[tokio::test]
async fn a_stale_listing_in_a_batch_is_refused_and_its_neighbour_applied() {
    use domain::entities::checks;
    use domain::pipeline::{record_results, results::check_id};
    use RunnerStatus::{Offline, Online};
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let (late_one, fresh_one) = (runner_monitor(db, 1).await, runner_monitor(db, 1).await);
        check(db, late_one, 20, listed(vec![runner("a", Offline)])).await;
        let batch = [
            result(late_one, 15, listed(vec![runner("a", Online)])),
            result(fresh_one, 15, listed(vec![runner("b", Offline)])),
        ];
        let recorded = record_results(db, &batch).await.unwrap();
        assert!(recorded[0].stale && recorded[0].changes.is_empty(), "{:?}", recorded[0]);
        assert!(!recorded[1].stale && recorded[1].changes.len() == 1, "{:?}", recorded[1]);
        assert_eq!(
            list_runners(&testing::monitor_ref(db, late_one).await).await.unwrap()[0].status,
            Offline
        );
        assert_eq!(status(db, late_one).await.0, "down", "the late online listing moved nothing");
        assert_eq!(
            outages(&testing::monitor_ref(db, late_one).await, "a", 10).await.unwrap().len(),
            1
        );
        assert_eq!(
            monitor_state::Entity::find_by_id(late_one)
                .one(db)
                .await
                .unwrap()
                .unwrap()
                .last_check_seq,
            20
        );
        let history = checks::Entity::find_by_id(check_id(late_one, 15)).one(db).await.unwrap();
        assert_eq!(history.map(|c| c.status), Some(kinds::Status::Up), "kept as history");
        assert_eq!(
            list_runners(&testing::monitor_ref(db, fresh_one).await).await.unwrap()[0].status,
            Offline
        );
        // Redelivered, the batch changes nothing and hands back the pending change.
        let again = record_results(db, &batch).await.unwrap();
        assert!(again.iter().all(|r| r.duplicate));
        assert_eq!(again[1].changes, recorded[1].changes);
    }
}

#[tokio::test]
async fn confirmations_apply_per_runner() {
    use RunnerStatus::{Offline, Online};
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let monitor = runner_monitor(db, 2).await;
        check(db, monitor, 1, listed(vec![runner("a", Online)])).await;
        assert_eq!(check(db, monitor, 2, listed(vec![runner("a", Offline)])).await, 0);
        assert_eq!(status(db, monitor).await.0, "up", "one offline listing is not yet an outage");
        assert_eq!(
            check(db, monitor, 3, ListingOutcome::Unchanged).await,
            1,
            "304 repeats offline"
        );
        assert_eq!(
            outages(&testing::monitor_ref(db, monitor).await, "a", 10).await.unwrap().len(),
            1
        );
    }
}

#[tokio::test]
async fn a_rate_limit_backs_off_and_a_failing_listing_is_the_monitors_incident() {
    use RunnerStatus::Online;
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let monitor = runner_monitor(db, 1).await;
        check(db, monitor, 1, listed(vec![runner("a", Online)])).await;
        let until = Utc::now() + Duration::minutes(20);
        let limited =
            ListingOutcome::RateLimited { until, error: "rate limited until then".into() };
        assert_eq!(check(db, monitor, 2, limited).await, 0);
        let (state, error) = status(db, monitor).await;
        assert_eq!(state, "up", "a rate limit is not an outage");
        assert_eq!(error.as_deref(), Some("rate limited until then"));
        let row = monitors::Entity::find_by_id(monitor).one(db).await.unwrap().unwrap();
        assert!(row.next_check_at >= until - Duration::milliseconds(1), "the next check waits");
        let listing = domain::runners::listing_state(db, monitor).await.unwrap();
        assert!(listing.rate_limited_until.is_some());
        assert_eq!(listing.pages.len(), 1, "the ETags survive");

        let rejected =
            ListingOutcome::Failed { error: "GitHub rejected the token: Bad credentials".into() };
        assert_eq!(check(db, monitor, 3, rejected.clone()).await, 1);
        assert_eq!(status(db, monitor).await.0, "down");
        assert_eq!(
            list_runners(&testing::monitor_ref(db, monitor).await).await.unwrap()[0].status,
            Online,
            "runners untouched"
        );
        assert!(
            outages(&testing::monitor_ref(db, monitor).await, "a", 10).await.unwrap().is_empty(),
            "no runner outage"
        );
        let open = incidents::Entity::find()
            .filter(incidents::Column::MonitorId.eq(monitor))
            .filter(incidents::Column::Subject.eq(""))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert!(open.cause.contains("rejected the token"));
        assert_eq!(check(db, monitor, 4, rejected).await, 0);
        assert_eq!(check(db, monitor, 5, listed(vec![runner("a", Online)])).await, 1);
        assert_eq!(status(db, monitor).await.0, "up");
    }
}

#[tokio::test]
async fn retention_deletes_old_outages_but_keeps_each_runners_newest() {
    use RunnerStatus::{Offline, Online};
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let monitor = runner_monitor(db, 1).await;
        for slot in 1..=6 {
            let status = if slot % 2 == 0 { Offline } else { Online };
            check(db, monitor, slot, listed(vec![runner("a", status)])).await;
        }
        check(db, monitor, 7, listed(vec![runner("a", Online)])).await;
        assert_eq!(
            outages(&testing::monitor_ref(db, monitor).await, "a", 10).await.unwrap().len(),
            3
        );
        // Everything is past a retention of "now".
        let past = Utc::now() + Duration::days(1);
        let pruned =
            prune_batch(db, Retention::default(), past + Duration::days(30), 500).await.unwrap();
        assert_eq!(pruned.incidents, 2);
        assert_eq!(pruned.checks, 7);
        let left = outages(&testing::monitor_ref(db, monitor).await, "a", 10).await.unwrap();
        assert_eq!(left.iter().map(|o| o.number).collect::<Vec<_>>(), [3]);
        check(db, monitor, 8, listed(vec![runner("a", Offline)])).await;
        assert_eq!(
            outages(&testing::monitor_ref(db, monitor).await, "a", 1).await.unwrap()[0].number,
            4,
            "numbering continues"
        );
    }
}

#[tokio::test]
async fn the_monitor_is_unknown_until_a_listing_completes() {
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let monitor = runner_monitor(db, 1).await;
        let limited = ListingOutcome::RateLimited {
            until: Utc::now() + Duration::minutes(1),
            error: "rate limited".into(),
        };
        check(db, monitor, 1, limited).await;
        assert_eq!(status(db, monitor).await.0, Status::Unknown.as_str());
        check(db, monitor, 2, listed(vec![])).await;
        assert_eq!(status(db, monitor).await.0, "up", "no runners at all is not an outage");
    }
}

#[tokio::test]
async fn forgetting_a_runner_closes_its_outage_and_lists_in_full_next_time() {
    use RunnerStatus::Online;
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let monitor = runner_monitor(db, 1).await;
        check(db, monitor, 1, listed(vec![runner("a", Online), runner("b", Online)])).await;
        check(db, monitor, 2, listed(vec![runner("b", Online)])).await;
        assert_eq!(status(db, monitor).await.0, "down", "a is missing");
        assert!(forget_runner(&testing::monitor_ref(db, monitor).await, "a").await.unwrap());
        assert!(
            !forget_runner(&testing::monitor_ref(db, monitor).await, "a").await.unwrap(),
            "already forgotten"
        );
        let a = outages(&testing::monitor_ref(db, monitor).await, "a", 10).await.unwrap();
        assert_eq!(
            (a.len(), a[0].status),
            (1, kinds::OutageStatus::Resolved),
            "the history stays, closed"
        );
        let names: Vec<String> = list_runners(&testing::monitor_ref(db, monitor).await)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(names, ["b"]);
        assert!(domain::runners::listing_state(db, monitor).await.unwrap().pages.is_empty());
        check(db, monitor, 3, listed(vec![runner("b", Online)])).await;
        assert_eq!(status(db, monitor).await.0, "up");
    }
}
