//! Retention of rollups: minutes after two days, hours after 92 days, days
//! after five years; a few rows at a time, like the raw checks. A row is
//! never deleted before the next coarser resolution has been built from it,
//! so a pass that fell behind loses nothing.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

use super::{Resolution, Watermarks};

/// Rollup rows deleted by one batch, per resolution.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RollupsPruned {
    pub minutes: u64,
    pub hours: u64,
    pub days: u64,
}

/// Deletes at most `batch` rows of each resolution past its retention at `now`.
pub async fn prune_batch(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    batch: u64,
) -> Result<RollupsPruned, DbErr> {
    let marks = Watermarks::load(db).await?;
    let mut pruned = RollupsPruned::default();
    for resolution in Resolution::ALL {
        let mut before = now - resolution.retention();
        // Kept until the coarser resolution is built past it.
        let coarser = Resolution::ALL.into_iter().find(|r| r.source() == Some(resolution));
        if let Some(coarser) = coarser {
            match marks.get(coarser) {
                Some(done) => before = before.min(done),
                None => continue,
            }
        }
        let deleted = delete_before(db, resolution, before, batch).await?;
        match resolution {
            Resolution::Minute => pruned.minutes = deleted,
            Resolution::Hour => pruned.hours = deleted,
            Resolution::Day => pruned.days = deleted,
        }
    }
    Ok(pruned)
}

/// The oldest `batch` rows of `resolution` that start before `before`.
async fn delete_before(
    db: &impl ConnectionTrait,
    resolution: Resolution,
    before: DateTime<Utc>,
    batch: u64,
) -> Result<u64, DbErr> {
    // Row values in `IN (SELECT …)` work on both SQLite and Postgres, and
    // many monitors share one bucket start, so the limit must be on rows.
    const SQL: &str = "DELETE FROM check_rollups \
        WHERE (monitor_id, resolution, bucket_start) IN ( \
            SELECT monitor_id, resolution, bucket_start FROM check_rollups \
            WHERE resolution = {1} AND bucket_start < {2} \
            ORDER BY bucket_start LIMIT {3})";
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => SQL.replace("{1}", "$1").replace("{2}", "$2").replace("{3}", "$3"),
        _ => SQL.replace("{1}", "?").replace("{2}", "?").replace("{3}", "?"),
    };
    let limit = i64::try_from(batch).unwrap_or(i64::MAX);
    let values = [resolution.seconds().into(), before.into(), limit.into()];
    let result = db.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    Ok(result.rows_affected())
}
