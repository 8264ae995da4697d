//! `runstate backup` and `restore` through the binary: copies taken while
//! another connection keeps recording checks are each whole and consistent,
//! the keys travel only when asked, restore refuses a data directory that
//! has a database, and `migrate --status` lists what is applied.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::Utc;
use domain::accounts::Role;
use domain::monitors::Status;
use domain::pipeline::{record_result, CheckResult};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

const BIN: &str = env!("CARGO_BIN_EXE_runstate");

fn runstate(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUNSTATE_DATA_DIR", data)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `(checks, integrity_check)` of the SQLite file at `path`.
async fn inspect(path: &Path) -> (i64, String) {
    let db = Database::connect(format!("sqlite://{}?mode=ro", path.display())).await.unwrap();
    let one = |sql: &str| Statement::from_string(DbBackend::Sqlite, sql.to_owned());
    let checks = db.query_one_raw(one("SELECT COUNT(*) AS n FROM checks")).await.unwrap().unwrap();
    let integrity = db.query_one_raw(one("PRAGMA integrity_check")).await.unwrap().unwrap();
    let answer = (checks.try_get::<i64>("", "n").unwrap(), integrity.try_get_by_index(0).unwrap());
    db.close().await.unwrap();
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_taken_while_checks_are_written_restore_whole() {
    let live = tempfile::tempdir().unwrap();
    let status = ok(&runstate(live.path(), &["migrate", "--status"]));
    assert!(status.contains("pending m20261122_000001_initial"), "{status}");
    ok(&runstate(live.path(), &["migrate"]));
    let status = ok(&runstate(live.path(), &["migrate", "--status"]));
    assert!(status.contains("applied m20261122_000001_initial"), "{status}");
    assert!(status.contains(" 0 pending"), "{status}");
    std::fs::write(live.path().join("data.key"), "a2V5IGJ5dGVzIGZvciB0aGUgdGVzdCwgMzIgYnl0ZXM=")
        .unwrap();

    // Another connection records a check every few milliseconds meanwhile.
    let url = format!("sqlite://{}", live.path().join("runstate.db").display());
    let db = domain::db::connect(&url).await.unwrap();
    let owner = domain::testing::user(&db, Role::User).await;
    let monitor = domain::testing::http_monitor(&db, &owner, "site").await;
    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn({
        let (db, stop) = (db.clone(), stop.clone());
        async move {
            let mut written = 0_i64;
            while !stop.load(Ordering::Relaxed) {
                let at = Utc::now();
                let result = CheckResult {
                    monitor_id: monitor,
                    slot: at.timestamp_millis() + written,
                    checked_at: at,
                    status: Status::Up,
                    latency_ms: Some(12),
                    http_status: Some(200),
                    error: None,
                    region: "default".into(),
                    http: None,
                };
                record_result(&db, &result).await.unwrap();
                written += 1;
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
            written
        }
    });
    let copies = tempfile::tempdir().unwrap();
    let mut counts = Vec::new();
    for n in 0..3 {
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        let file = copies.path().join(format!("copy-{n}.db"));
        let path = file.to_str().unwrap();
        let args: &[&str] =
            if n == 2 { &["backup", path, "--with-keys"] } else { &["backup", path] };
        let said = ok(&tokio::task::block_in_place(|| runstate(live.path(), args)));
        assert!(said.contains("backup written"), "{said}");
        let (checks, integrity) = inspect(&file).await;
        assert_eq!(integrity, "ok", "copy {n}");
        counts.push(checks);
    }
    stop.store(true, Ordering::Relaxed);
    let written = writer.await.unwrap();
    assert!(counts.windows(2).all(|w| w[0] < w[1]), "copies taken while writing: {counts:?}");
    assert!(counts[2] < written, "the last copy was taken before the writer stopped");
    let again =
        runstate(live.path(), &["backup", copies.path().join("copy-0.db").to_str().unwrap()]);
    assert!(!again.status.success(), "a backup never overwrites a file");

    // Without keys: restored, with the warning that data.key must come back.
    let bare = tempfile::tempdir().unwrap();
    let said =
        ok(&runstate(bare.path(), &["restore", copies.path().join("copy-0.db").to_str().unwrap()]));
    assert!(said.contains("held no data.key"), "{said}");
    assert!(!bare.path().join("data.key").exists());
    assert_eq!(inspect(&bare.path().join("runstate.db")).await, (counts[0], "ok".to_owned()));
    let refused =
        runstate(bare.path(), &["restore", copies.path().join("copy-1.db").to_str().unwrap()]);
    assert!(!refused.status.success(), "restore into a data directory with a database");

    // With keys: the key file comes back as it was, the table does not stay.
    let keyed = tempfile::tempdir().unwrap();
    ok(&runstate(keyed.path(), &["restore", copies.path().join("copy-2.db").to_str().unwrap()]));
    let key = std::fs::read_to_string(keyed.path().join("data.key")).unwrap();
    assert_eq!(key, std::fs::read_to_string(live.path().join("data.key")).unwrap());
    let restored = keyed.path().join("runstate.db");
    assert_eq!(inspect(&restored).await, (counts[2], "ok".to_owned()));
    let db = Database::connect(format!("sqlite://{}?mode=ro", restored.display())).await.unwrap();
    let keys = db.execute_unprepared("SELECT 1 FROM runstate_backup_keys").await;
    assert!(keys.is_err(), "the keys' table is dropped on restore");
}

/// `runstate healthcheck` (the container's HEALTHCHECK) passes against a
/// running server on its --bind and fails when nothing answers there.
#[test]
fn healthcheck_asks_the_server_on_its_bind_address() {
    let data = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let bind = format!("0.0.0.0:{port}");
    let refused = runstate(data.path(), &["healthcheck", "--bind", &bind]);
    assert!(!refused.status.success(), "nothing listens yet");
    let mut server = Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUNSTATE_DATA_DIR", data.path())
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let healthy = loop {
        let out = runstate(data.path(), &["healthcheck", "--bind", &bind]);
        if out.status.success() || std::time::Instant::now() > deadline {
            break out;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(ok(&healthy).trim(), "healthy");
}
