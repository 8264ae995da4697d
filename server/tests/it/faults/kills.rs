//! Processes and services killed under load: Redis, Postgres, workers at
//! random moments, a scheduler while another runs, and SIGTERM to all.

use std::time::Duration;

use chrono::Utc;
use domain::entities::notifications;
use rand::Rng;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::faults::harness::{Harness, Snapshot};
use crate::faults::invariants::verify;
use crate::faults::{report, rng, serial, FLAP};

/// Load before and after each fault, so that it lands on work in progress.
const LOAD: Duration = Duration::from_secs(3);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the fault suite: scripts/test.sh runs it in the phase `faults`"]
async fn redis_killed_and_restarted_under_load() {
    let _serial = serial().await;
    let Some(mut h) = Harness::start("redis-kill").await else { return };
    h.scheduler();
    h.worker("a");
    h.worker("b");
    h.warm_up().await;
    h.start_flapping(FLAP);
    tokio::time::sleep(LOAD).await;
    let acknowledged = h.snapshot().await;
    h.redis.kill();
    tokio::time::sleep(Duration::from_secs(3)).await;
    h.redis.start_again();
    let after = h.snapshot().await;
    let resumed = h.wait_for_new_checks(&after, 1).await;
    tokio::time::sleep(LOAD).await;
    let settled = h.settle().await;
    let figures = verify(&mut h, &acknowledged).await;
    report(&h, "Redis SIGKILLed, restarted 3 s later", Some(resumed), settled, &figures, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the fault suite: scripts/test.sh runs it in the phase `faults`"]
async fn postgres_restarted_under_load() {
    let _serial = serial().await;
    let Some(mut h) = Harness::start("postgres-restart").await else { return };
    h.scheduler();
    h.worker("a");
    h.worker("b");
    h.warm_up().await;
    h.start_flapping(FLAP);
    tokio::time::sleep(LOAD).await;
    let acknowledged = h.snapshot().await;
    let from = Utc::now();
    h.pg.stop_immediate();
    tokio::time::sleep(Duration::from_secs(3)).await;
    h.pg.start_again();
    // A delivery whose outcome could not be written is sent again.
    h.fault_since(from);
    let after = h.snapshot().await;
    let resumed = h.wait_for_new_checks(&after, 1).await;
    tokio::time::sleep(LOAD).await;
    let settled = h.settle().await;
    let figures = verify(&mut h, &acknowledged).await;
    let fault = "Postgres `pg_ctl stop -m immediate`, started 3 s later";
    report(&h, fault, Some(resumed), settled, &figures, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the fault suite: scripts/test.sh runs it in the phase `faults`"]
async fn workers_killed_mid_check_and_mid_notification_recover() {
    let _serial = serial().await;
    let Some(mut h) = Harness::start("worker-kills").await else { return };
    let mut rng = rng(h.name);
    // Slow answers, so that a kill often lands while work is in flight.
    h.target.set_delay(Duration::from_millis(300));
    h.hook.set_delay(Duration::from_millis(500));
    h.scheduler();
    let workers = [h.worker("a"), h.worker("b")];
    h.warm_up().await;
    h.start_flapping(FLAP);
    let mut acknowledged = h.snapshot().await;
    let (mut mid_check, mut mid_notification) = (0, 0);
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(rng.random_range(300..1500))).await;
        let victim = workers[rng.random_range(0..workers.len())];
        acknowledged.ids.extend(h.snapshot().await.ids);
        mid_check += usize::from(h.target.in_flight() > 0);
        mid_notification += usize::from(h.hook.in_flight() > 0);
        let at = Utc::now();
        h.fleet.kill(victim);
        h.fault_since(at);
        h.fleet.restart(victim);
    }
    let after = h.snapshot().await;
    let resumed = h.wait_for_new_checks(&after, 1).await;
    let settled = h.settle().await;
    let figures = verify(&mut h, &acknowledged).await;
    let extra = format!(
        "; of 20 kills, {mid_check} with a check and {mid_notification} with a delivery in flight"
    );
    report(&h, "a worker `kill -9`ed 20 times", Some(resumed), settled, &figures, &extra);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the fault suite: scripts/test.sh runs it in the phase `faults`"]
async fn a_scheduler_killed_while_another_runs_loses_no_slot() {
    let _serial = serial().await;
    let Some(mut h) = Harness::start("scheduler-kill").await else { return };
    let mut rng = rng(h.name);
    let victim = h.scheduler();
    h.scheduler();
    h.worker("a");
    h.worker("b");
    h.warm_up().await;
    h.start_flapping(FLAP);
    let mut acknowledged = Snapshot { ids: Default::default() };
    let mut slowest = Duration::ZERO;
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(rng.random_range(500..2000))).await;
        acknowledged.ids.extend(h.snapshot().await.ids);
        h.fleet.kill(victim);
        // The other scheduler alone keeps every monitor checked.
        let after = h.snapshot().await;
        slowest = slowest.max(h.wait_for_new_checks(&after, 2).await);
        h.fleet.restart(victim);
    }
    let settled = h.settle().await;
    let figures = verify(&mut h, &acknowledged).await;
    let fault = "one of two schedulers `kill -9`ed, 3 times";
    report(&h, fault, Some(slowest), settled, &figures, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the fault suite: scripts/test.sh runs it in the phase `faults`"]
async fn sigterm_to_every_process_finishes_the_jobs_in_flight() {
    let _serial = serial().await;
    let Some(mut h) = Harness::start("sigterm-all").await else { return };
    h.target.set_delay(Duration::from_millis(500));
    h.hook.set_delay(Duration::from_millis(500));
    h.scheduler();
    h.worker("a");
    h.worker("b");
    h.warm_up().await;
    h.start_flapping(FLAP);
    tokio::time::sleep(LOAD).await;
    // Stop while a delivery is in flight (checks always are, at this load).
    let started = std::time::Instant::now();
    while h.hook.in_flight() == 0 && started.elapsed() < crate::faults::harness::DEADLINE {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let in_flight = (h.target.in_flight(), h.hook.in_flight());
    let acknowledged = h.snapshot().await;
    let statuses = h.fleet.terminate_all().await;
    assert!(statuses.iter().all(|s| s.success()), "exits after SIGTERM: {statuses:?}");

    // A graceful stop finishes what it began: every check the target
    // answered is recorded, and no attempt is left `sending`.
    let rows = crate::faults::harness::check_ids(&h.db).await.unwrap();
    for (i, answered) in h.target.requests() {
        let stored = rows.iter().filter(|(_, m)| *m == h.monitors[i]).count() as u64;
        assert_eq!(stored, answered, "m{i}: checks answered but not recorded after SIGTERM");
    }
    let sending = notifications::Entity::find()
        .filter(notifications::Column::DeliveryStatus.eq("sending"))
        .all(&h.db)
        .await
        .unwrap();
    assert!(sending.is_empty(), "attempts left sending after SIGTERM: {sending:?}");

    h.fleet.restart_all();
    let after = h.snapshot().await;
    let resumed = h.wait_for_new_checks(&after, 1).await;
    let settled = h.settle().await;
    let figures = verify(&mut h, &acknowledged).await;
    let extra = format!(
        "; {} checks and {} deliveries in flight at the signal, all finished",
        in_flight.0, in_flight.1
    );
    let fault = "SIGTERM to every process, restarted";
    report(&h, fault, Some(resumed), settled, &figures, &extra);
}
