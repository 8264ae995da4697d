//! Many machines, simulated with processes: two `runstate scheduler`s and two
//! `runstate worker`s on one Postgres and one Redis. Each slot is checked
//! once, the work is shared, and when a worker is killed the rest carry on.

#![allow(clippy::unwrap_used)]

use crate::support;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::Utc;
use domain::accounts::Role;
use domain::entities::checks;
use domain::testing::MonitorBuilder;
use jobs::testing::Recorder;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// The encryption key every process of the run shares.
const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const BIN: &str = env!("CARGO_BIN_EXE_runstate");

/// Child processes, killed when the test ends, however it ends.
struct Fleet(Vec<Child>);

impl Drop for Fleet {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn runstate(
    db_url: &str,
    redis: &str,
    namespace: &str,
    data: &std::path::Path,
    args: &[&str],
) -> Child {
    Command::new(BIN)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", db_url)
        .env("REDIS_URL", redis)
        .env("RUNSTATE_QUEUE_NAMESPACE", namespace)
        .env("RUNSTATE_QUEUE_ORPHAN_AFTER", "5")
        .env("RUNSTATE_ALLOW_TARGETS", jobs::testing::STAND_IN_ALLOW)
        .env("RUNSTATE_DATA_DIR", data)
        .env("RUNSTATE_ENCRYPTION_KEY", KEY)
        .env("RUNSTATE_JWT_SECRET", "processes-test-secret-processes-test-secret")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file(data, args))
        .spawn()
        .unwrap()
}

/// Each process logs to a file in the data dir, for a failing test to show.
fn log_file(data: &std::path::Path, args: &[&str]) -> Stdio {
    let name = format!("{}-{}.log", args.join("-").replace(' ', "_"), Uuid::new_v4().simple());
    std::fs::File::create(data.join(name)).map(Stdio::from).unwrap_or_else(|_| Stdio::null())
}

fn logs(data: &std::path::Path) -> String {
    let mut out = String::new();
    for entry in std::fs::read_dir(data).into_iter().flatten().flatten() {
        if entry.path().extension().is_some_and(|e| e == "log") {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(15).collect();
            out.push_str(&format!(
                "== {}\n{}\n",
                entry.path().display(),
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            ));
        }
    }
    out
}

/// Waits ([`support::TRIES`] looks at most) until every monitor has `count` checks after
/// `since` and `also` holds for all of them.
async fn wait_for_checks(
    db: &sea_orm::DatabaseConnection,
    ids: &[Uuid],
    since: Option<chrono::DateTime<Utc>>,
    count: usize,
    also: impl Fn(&[checks::Model]) -> bool,
    data: &std::path::Path,
) {
    for _ in 0..support::TRIES {
        let mut query =
            checks::Entity::find().filter(checks::Column::MonitorId.is_in(ids.to_vec()));
        if let Some(since) = since {
            query = query.filter(checks::Column::CheckedAt.gt(since));
        }
        let rows = query.all(db).await.unwrap();
        let done =
            ids.iter().all(|id| rows.iter().filter(|c| c.monitor_id == *id).count() >= count);
        if done && also(&rows) {
            return;
        }
        tokio::time::sleep(support::POLL).await;
    }
    panic!("not every monitor got {count} checks since {since:?}\n{}", logs(data));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schedulers_and_workers_in_separate_processes_check_each_slot_once() {
    let Some(test_db) = domain::testing::postgres().await else { return };
    let Ok(redis) = std::env::var("TEST_REDIS_URL") else {
        assert!(std::env::var("RUNSTATE_REQUIRE_SERVICES").is_err(), "TEST_REDIS_URL is required");
        return;
    };
    let db = test_db.db.clone();
    let principal = domain::testing::user(&db, Role::User).await;
    let target = Recorder::start("/").await;
    // Slow answers: 12 checks a second need more than one worker's two slots.
    target.set_delay(Duration::from_millis(300));
    let key = domain::channels::EncryptionKey::from_base64(KEY).unwrap();
    let mut paths = HashMap::new();
    for i in 0..12 {
        let monitor = MonitorBuilder::http(&format!("{}m{i}", target.url)).interval(1).key(&key);
        paths.insert(monitor.create(&db, &principal).await.id, format!("/m{i}"));
    }

    let data = tempfile::tempdir().unwrap();
    let namespace = format!("fleet-{}", Uuid::new_v4().simple());
    let run = |args: &[&str]| runstate(&test_db.url, &redis, &namespace, data.path(), args);
    let metrics_port =
        std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let metrics_bind = format!("127.0.0.1:{metrics_port}");
    let mut fleet = Fleet(vec![
        run(&["scheduler"]),
        run(&["scheduler"]),
        run(&["worker", "--region", "east", "--concurrency", "2"]),
        run(&["worker", "--region", "west", "--concurrency", "2", "--metrics-bind", &metrics_bind]),
    ]);
    // Conditions, polled with a generous deadline, instead of fixed sleeps
    // that a slow start-up on a loaded machine could outlast.
    let ids: Vec<Uuid> = paths.keys().copied().collect();
    let both_regions = |rows: &[checks::Model]| {
        ["east", "west"].iter().all(|r| rows.iter().any(|c| c.region == *r))
    };
    wait_for_checks(&db, &ids, None, 4, both_regions, data.path()).await;

    // Kill the east worker the hard way; the west worker carries on.
    let east = &mut fleet.0[2];
    east.kill().unwrap();
    east.wait().unwrap();
    let killed_at = Utc::now();
    wait_for_checks(&db, &ids, Some(killed_at), 4, |_| true, data.path()).await;
    #[allow(
        clippy::disallowed_methods,
        reason = "a client of RunState itself, not an outbound path"
    )]
    let metrics =
        reqwest::get(format!("http://{metrics_bind}/metrics")).await.unwrap().text().await.unwrap();
    assert!(
        metrics.contains("runstate_checks_total"),
        "the worker exports its metrics:\n{metrics}"
    );
    // A graceful stop lets running checks finish and be recorded.
    for child in &fleet.0 {
        let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    }
    for child in &mut fleet.0 {
        let _ = child.wait();
    }
    drop(fleet);

    let rows = checks::Entity::find()
        .filter(checks::Column::MonitorId.is_in(paths.keys().copied().collect::<Vec<_>>()))
        .all(&db)
        .await
        .unwrap();
    let seen = target.seen();
    let mut regions = std::collections::HashSet::new();
    for (id, path) in &paths {
        let stored: Vec<_> = rows.iter().filter(|c| c.monitor_id == *id).collect();
        let requests = seen.iter().filter(|s| &s.path == path).count();
        assert!(
            stored.len() >= 8,
            "monitor {path} was checked only {} times\n{}",
            stored.len(),
            logs(data.path())
        );
        // Rows are unique per slot, so a slot scheduled twice would reach the
        // target twice for one row. The only extra request allowed is a check
        // the killed worker had in flight, which the other worker redoes.
        assert!(
            requests >= stored.len() && requests <= stored.len() + 1,
            "{path}: {requests} requests for {} stored checks",
            stored.len()
        );
        assert!(
            stored.iter().any(|c| c.checked_at > killed_at),
            "{path} was not checked after the kill"
        );
        regions.extend(stored.iter().map(|c| c.region.clone()));
    }
    assert!(
        regions.contains("east") && regions.contains("west"),
        "work was not shared: {regions:?}\n{}",
        logs(data.path())
    );
}
