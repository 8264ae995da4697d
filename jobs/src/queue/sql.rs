//! The embedded queues' tables: creating them, counting and pruning their rows.
//!
//! apalis-sqlite and apalis-postgres own the schema (their sqlx migrations);
//! the queries here only read it. Their own `queue_length`/`vacuum` queries
//! ignore the queue name, hence these.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use apalis_postgres::{PgPool, PostgresStorage};
use apalis_sqlite::{SqlitePool, SqliteStorage};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};

use super::QueueError;

/// Creates or upgrades apalis's SQLite tables (`Jobs`, `Workers`).
///
/// Runs only the migrations: `SqliteStorage::setup` would also switch the
/// shared pool's connection to `PRAGMA synchronous = OFF`, trading the
/// application data's durability for queue speed.
pub(crate) async fn setup_sqlite(pool: &SqlitePool) -> Result<(), QueueError> {
    SqliteStorage::migrations().run(pool).await.map_err(|e| QueueError::Setup(Box::new(e)))
}

/// Refreshes SQLite's statistics of the `Jobs` table, sampling a few rows.
///
/// apalis-sqlite acknowledges jobs with `UPDATE … FROM json_each(?) WHERE
/// id = … AND lock_by = ?`. Without statistics SQLite drives that by the
/// `lock_by` index, which matches every job the worker ever ran (finished
/// jobs are kept for a while): each acknowledgement then re-parses the JSON
/// per kept job, tens of milliseconds at 1,000 checks/s. With statistics it
/// looks the ids up by primary key: well under a millisecond.
pub(crate) async fn analyze_sqlite(db: &DatabaseConnection) -> Result<(), QueueError> {
    let txn = db.begin().await.map_err(QueueError::Database)?;
    // The limit applies per connection: set it on the transaction's one.
    txn.execute_unprepared("PRAGMA analysis_limit = 1000").await.map_err(QueueError::Database)?;
    txn.execute_unprepared("ANALYZE Jobs").await.map_err(QueueError::Database)?;
    txn.commit().await.map_err(QueueError::Database)
}

/// Creates or upgrades apalis's Postgres schema (`apalis.jobs`, `apalis.workers`).
pub(crate) async fn setup_postgres(pool: &PgPool) -> Result<(), QueueError> {
    PostgresStorage::setup(pool).await.map_err(|e| QueueError::Setup(Box::new(e)))
}

/// Jobs of `queue` waiting to run, including delayed retries.
pub(crate) async fn depth(db: &DatabaseConnection, queue: &str) -> Result<u64, QueueError> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT COUNT(*) AS n FROM apalis.jobs WHERE job_type = $1 \
             AND (status = 'Pending' OR (status = 'Failed' AND attempts < max_attempts))"
        }
        _ => {
            "SELECT COUNT(*) AS n FROM Jobs WHERE job_type = ?1 \
             AND (status = 'Pending' OR (status = 'Failed' AND attempts < max_attempts))"
        }
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [queue.into()]))
        .await
        .map_err(QueueError::Database)?;
    let count: i64 = match row {
        Some(row) => row.try_get("", "n").map_err(QueueError::Database)?,
        None => 0,
    };
    Ok(u64::try_from(count).unwrap_or(0))
}

/// Deletes finished jobs older than `keep_done` and dropped ones older than
/// `keep_dead`, then the rows of long-dead workers that no job points to.
pub(crate) async fn purge(
    db: &DatabaseConnection,
    queue: &str,
    keep_done: Duration,
    keep_dead: Duration,
) -> Result<u64, QueueError> {
    let backend = db.get_database_backend();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let done_before = now.saturating_sub(keep_done.as_secs());
    let dead_before = now.saturating_sub(keep_dead.as_secs());
    let workers_before = now.saturating_sub(24 * 3600);
    let (jobs, workers) = match backend {
        DbBackend::Postgres => (
            "DELETE FROM apalis.jobs WHERE job_type = $1 AND done_at IS NOT NULL AND ( \
               (status = 'Done' AND done_at <= to_timestamp($2)) \
               OR ((status = 'Killed' OR (status = 'Failed' AND attempts >= max_attempts)) \
                   AND done_at <= to_timestamp($3)))",
            "DELETE FROM apalis.workers w WHERE w.worker_type = $1 \
               AND w.last_seen <= to_timestamp($2) \
               AND NOT EXISTS (SELECT 1 FROM apalis.jobs j WHERE j.lock_by = w.id)",
        ),
        _ => (
            "DELETE FROM Jobs WHERE job_type = ?1 AND done_at IS NOT NULL AND ( \
               (status = 'Done' AND done_at <= ?2) \
               OR ((status = 'Killed' OR (status = 'Failed' AND attempts >= max_attempts)) \
                   AND done_at <= ?3))",
            "DELETE FROM Workers WHERE worker_type = ?1 AND last_seen <= ?2 \
               AND NOT EXISTS (SELECT 1 FROM Jobs WHERE Jobs.lock_by = Workers.id)",
        ),
    };
    let secs = |t: u64| sea_orm::Value::from(i64::try_from(t).unwrap_or(i64::MAX));
    let deleted = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            jobs,
            [queue.into(), secs(done_before), secs(dead_before)],
        ))
        .await
        .map_err(QueueError::Database)?
        .rows_affected();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        workers,
        [queue.into(), secs(workers_before)],
    ))
    .await
    .map_err(QueueError::Database)?;
    Ok(deleted)
}
