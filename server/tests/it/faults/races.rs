//! Races rather than deaths: one check job run by two workers, and a
//! worker whose clock is 90 s ahead.

use std::time::{Duration, Instant};

use chrono::Utc;
use domain::entities::{checks, incidents, monitor_state};
use domain::pipeline::results::check_id;
use jobs::payloads::CheckJob;
use jobs::{QueueConfig, Queues};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::faults::fleet::libfaketime;
use crate::faults::harness::{check_ids, Harness, DEADLINE};
use crate::faults::invariants::verify;
use crate::faults::{report, serial, FLAP};

/// Checks the target answered beyond the rows stored, over all monitors.
async fn repeated(h: &Harness) -> i64 {
    let rows = check_ids(&h.db).await.unwrap().len() as i64;
    h.target.requests().values().sum::<u64>() as i64 - rows
}

/// A Redis command's answer, one line per element (how the suite reads
/// apalis's keys: `<queue>:workers`, `<queue>:inflight:<worker>`, `<queue>:active`).
fn redis(h: &Harness, args: &[&str]) -> Vec<String> {
    let port = h.redis.port.to_string();
    let out = std::process::Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &port])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Waits until `done` holds (polling), failing after the deadline.
async fn until<F: std::future::Future<Output = bool>>(what: &str, done: impl Fn() -> F) {
    let started = Instant::now();
    while !done().await {
        assert!(started.elapsed() < DEADLINE, "waited {DEADLINE:?} for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until nothing is queued or in flight and the rows stopped changing.
async fn quiesce(h: &Harness, queues: &Queues) {
    let started = Instant::now();
    let mut last = None;
    loop {
        let rows = check_ids(&h.db).await.unwrap().len();
        let idle = queues.depth("checks").await.is_ok_and(|d| d == 0) && h.target.in_flight() == 0;
        if idle && last == Some(rows) {
            return;
        }
        last = idle.then_some(rows);
        assert!(started.elapsed() < DEADLINE, "waited {DEADLINE:?} for the checks to stop");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the fault suite: scripts/test.sh runs it in the phase `faults`"]
async fn one_check_job_delivered_to_two_workers_records_one_row() {
    let _serial = serial().await;
    let Some(mut h) = Harness::start("double-delivery").await else { return };
    let scheduler = h.scheduler();
    let worker_a = h.worker("a");
    let worker_b = h.worker("b");
    h.warm_up().await;

    // 1. Each monitor's newest job queued again, twice, with the scheduler
    // stopped: every copy runs a real check, and its slot keeps one row.
    h.fleet.signal(scheduler, "STOP");
    let config = QueueConfig { namespace: h.namespace.clone(), ..QueueConfig::default() };
    let queues = Queues::connect_with(Some(&h.redis.url()), &h.db, config).await.unwrap();
    quiesce(&h, &queues).await;
    let acknowledged = h.snapshot().await;
    let rows = check_ids(&h.db).await.unwrap();
    let newest: Vec<CheckJob> = h
        .monitors
        .iter()
        .map(|m| {
            let ids = rows.iter().filter(|(_, of)| of == m).map(|(id, _)| *id);
            let id = ids.max().expect("a checked monitor");
            CheckJob { monitor_id: *m, slot: crate::faults::invariants::slot_of(id) }
        })
        .collect();
    let answered: u64 = h.target.requests().values().sum();
    let copies: Vec<CheckJob> = newest.iter().flat_map(|job| [*job, *job]).collect();
    queues.push_many(copies.clone()).await.unwrap();
    let wanted = answered + copies.len() as u64;
    until("every copy to run its check", || async {
        h.target.requests().values().sum::<u64>() >= wanted
    })
    .await;
    quiesce(&h, &queues).await;
    // Final while nothing runs: the 24 copies, and nothing else.
    let repeated_before = repeated(&h).await;
    let added = check_ids(&h.db).await.unwrap().len() - rows.len();
    let states = monitor_state::Entity::find().all(&h.db).await.unwrap();
    for job in &newest {
        let one = checks::Entity::find()
            .filter(checks::Column::MonitorId.eq(job.monitor_id))
            .filter(checks::Column::Id.eq(check_id(job.monitor_id, job.slot)))
            .all(&h.db)
            .await
            .unwrap();
        assert_eq!(one.len(), 1, "the slot of {job:?} has {} rows", one.len());
        let state = states.iter().find(|s| s.monitor_id == job.monitor_id).unwrap();
        assert!(state.last_check_seq >= job.slot, "a repeated job moved {job:?}'s state back");
    }
    h.fleet.signal(scheduler, "CONT");

    // 2. The only worker frozen mid-check past --queue-orphan-after: its jobs
    // go to a new worker, then it wakes up and finishes them as well.
    assert!(h.fleet.terminate(worker_b).await.success());
    h.start_flapping(FLAP);
    h.target.set_delay(Duration::from_secs(3));
    // The stopped worker stays listed until a live one reaps it.
    let queue = format!("{}:checks", h.namespace);
    let workers = format!("{queue}:workers");
    let members = |h: &Harness| redis(h, &["zrange", &workers, "0", "-1"]);
    until("one live check worker", || async { members(&h).len() == 1 }).await;
    until("a check in flight", || async { h.target.in_flight() > 0 }).await;
    let frozen = members(&h);
    h.fleet.signal(worker_a, "STOP");
    let in_flight = h.target.in_flight();
    let held = redis(&h, &["smembers", &format!("{queue}:inflight:{}", frozen[0])]);
    assert!(!held.is_empty(), "the frozen worker holds no job");
    // Quick answers from now on (those in flight keep theirs), so that the
    // new worker soon reaches the handed-over jobs.
    h.target.set_delay(Duration::ZERO);
    h.fleet.restart(worker_b);
    // Its jobs go back to the queue once it has been silent 5 s, and the new
    // worker takes them; only then may the frozen one wake up.
    until("the frozen worker's jobs to be taken by the other", || async {
        let active = redis(&h, &["lrange", &format!("{queue}:active"), "0", "-1"]);
        !members(&h).contains(&frozen[0]) && held.iter().all(|id| !active.contains(id))
    })
    .await;
    h.fleet.signal(worker_a, "CONT");
    let after = h.snapshot().await;
    let resumed = h.wait_for_new_checks(&after, 1).await;
    let settled = h.settle().await;
    let figures = verify(&mut h, &acknowledged).await;
    let twice = figures.repeated_checks as i64 - repeated_before;
    assert!(
        twice >= 1,
        "no job ran on both workers ({in_flight} in flight at the freeze; repeated {} then {})\n{}",
        repeated_before,
        figures.repeated_checks,
        h.fleet.logs()
    );
    let extra = format!(
        "; {} jobs queued twice ran {} checks and added {added} rows; the only worker frozen \
         with {in_flight} checks in flight: {twice} checks run by both workers",
        newest.len(),
        copies.len()
    );
    let fault =
        "one check job run by two workers (queued twice; a worker frozen past the orphan timeout)";
    report(&h, fault, Some(resumed), settled, &figures, &extra);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the fault suite: scripts/test.sh runs it in the phase `faults`"]
async fn a_worker_whose_clock_is_90_s_ahead_breaks_no_invariant() {
    let _serial = serial().await;
    let Some(lib) = libfaketime() else {
        assert!(
            std::env::var("RUNSTATE_REQUIRE_SERVICES").is_err(),
            "libfaketime is missing (apt package faketime; scripts/install.sh test)"
        );
        eprintln!("clock-ahead: skipped: libfaketime is not installed");
        return;
    };
    let Some(mut h) = Harness::start("clock-ahead").await else { return };
    h.scheduler();
    h.worker("on-time");
    // libfaketime moves this process's wall clock (and only it: the
    // monotonic clock its timers use stays true).
    let ahead = [
        ("LD_PRELOAD", lib.display().to_string()),
        ("FAKETIME", "+90s".to_owned()),
        ("FAKETIME_DONT_FAKE_MONOTONIC", "1".to_owned()),
    ];
    h.fleet.spawn(&["worker", "--region", "ahead", "--concurrency", "4"], &ahead);
    h.warm_up().await;
    // A slow receiver keeps deliveries in flight while the worker ahead
    // judges leases and heartbeats.
    h.hook.set_delay(Duration::from_secs(2));
    let acknowledged = h.snapshot().await;
    h.start_flapping(FLAP);
    tokio::time::sleep(Duration::from_secs(12)).await;
    let settled = h.settle().await;
    let figures = verify(&mut h, &acknowledged).await;

    let rows = checks::Entity::find().all(&h.db).await.unwrap();
    let now = Utc::now();
    let ahead: Vec<_> = rows.iter().filter(|c| c.region == "ahead").collect();
    assert!(!ahead.is_empty(), "the worker ahead recorded no check:\n{}", h.fleet.logs());
    let furthest = ahead.iter().map(|c| c.checked_at - now).max().unwrap();
    assert!(furthest.num_seconds() > 60, "the clock was not ahead: {furthest}");
    let incidents = incidents::Entity::find()
        .order_by_asc(incidents::Column::StartedAt)
        .filter(incidents::Column::ResolvedAt.is_not_null())
        .all(&h.db)
        .await
        .unwrap();
    let backwards = incidents.iter().filter(|i| i.resolved_at < Some(i.started_at)).count();
    let extra = format!(
        "; {} of {} checks stamped up to {} s ahead; {backwards} of {} incidents resolved before they started",
        ahead.len(),
        rows.len(),
        furthest.num_seconds(),
        incidents.len()
    );
    report(&h, "a worker's wall clock 90 s ahead (libfaketime)", None, settled, &figures, &extra);
}
