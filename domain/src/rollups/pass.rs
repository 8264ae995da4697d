//! The rollup pass: minutes from raw checks once they can no longer change,
//! hours from minutes, days from hours, each behind its own watermark.
//!
//! A batch recomputes whole buckets and upserts them, then moves the
//! watermark forward (never back). Re-running a batch, or two schedulers
//! running it at once, therefore writes the same rows: the sources below a
//! watermark are final. Each batch covers a bounded span and writes at most
//! `WRITE_ROWS` rows per transaction, so the SQLite writer is never held long.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};
use uuid::Uuid;

use super::{Aggregate, CheckPoint, Resolution, Watermarks};
use crate::entities::{check_rollups, checks};

/// A check result is written at most its timeout (at most 60 s) after
/// `checked_at`; a minute is rolled up once this much has passed after its
/// end, so late results are in.
pub const GRACE: Duration = Duration::minutes(2);
/// Rows upserted per write transaction.
const WRITE_ROWS: usize = 500;

/// What one batch wrote, per resolution, and whether any is still behind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub minutes: u64,
    pub hours: u64,
    pub days: u64,
    pub more: bool,
}

/// Rolls up one bounded span of each resolution that is behind at `now`.
pub async fn roll_up_batch(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Progress, DbErr> {
    let mut progress = Progress::default();
    for resolution in Resolution::ALL {
        let marks = Watermarks::load(db).await?;
        let (rows, more) = step(db, resolution, &marks, now).await?;
        match resolution {
            Resolution::Minute => progress.minutes = rows,
            Resolution::Hour => progress.hours = rows,
            Resolution::Day => progress.days = rows,
        }
        progress.more |= more;
    }
    Ok(progress)
}

/// Source time one batch covers.
fn span(resolution: Resolution) -> Duration {
    match resolution {
        Resolution::Minute => Duration::minutes(5),
        Resolution::Hour => Duration::hours(1),
        Resolution::Day => Duration::days(1),
    }
}

async fn step(
    db: &DatabaseConnection,
    resolution: Resolution,
    marks: &Watermarks,
    now: DateTime<Utc>,
) -> Result<(u64, bool), DbErr> {
    // Complete buckets only: minutes after the grace, coarser ones once
    // their finer source is complete.
    let target = match resolution.source() {
        None => resolution.floor(now - GRACE),
        Some(source) => match marks.get(source) {
            Some(done) => resolution.floor(done),
            None => return Ok((0, false)),
        },
    };
    let start = marks.get(resolution).unwrap_or(DateTime::UNIX_EPOCH);
    if start >= target {
        return Ok((0, false));
    }
    // Skip time without data (and, on the first pass, start at the oldest).
    let Some(first) = first_source(db, resolution, start, target).await? else {
        advance(db, resolution, target).await?;
        return Ok((0, false));
    };
    let begin = resolution.floor(first).max(start);
    let end = (begin + span(resolution)).min(target);
    let buckets = match resolution.source() {
        None => from_checks(db, begin, end).await?,
        Some(source) => from_rollups(db, source, resolution, begin, end).await?,
    };
    let rows = write(db, resolution, &buckets).await?;
    advance(db, resolution, end).await?;
    Ok((rows, end < target))
}

/// The oldest source time in `[from, before)`.
async fn first_source(
    db: &DatabaseConnection,
    resolution: Resolution,
    from: DateTime<Utc>,
    before: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    match resolution.source() {
        None => {
            checks::Entity::find()
                .select_only()
                .column(checks::Column::CheckedAt)
                .filter(checks::Column::CheckedAt.gte(from))
                .filter(checks::Column::CheckedAt.lt(before))
                .order_by_asc(checks::Column::CheckedAt)
                .into_tuple()
                .one(db)
                .await
        }
        Some(source) => {
            check_rollups::Entity::find()
                .select_only()
                .column(check_rollups::Column::BucketStart)
                .filter(check_rollups::Column::Resolution.eq(source.seconds()))
                .filter(check_rollups::Column::BucketStart.gte(from))
                .filter(check_rollups::Column::BucketStart.lt(before))
                .order_by_asc(check_rollups::Column::BucketStart)
                .into_tuple()
                .one(db)
                .await
        }
    }
}

type Buckets = BTreeMap<(Uuid, DateTime<Utc>), Aggregate>;

/// Minute buckets of the checks in `[from, before)`.
async fn from_checks(
    db: &DatabaseConnection,
    from: DateTime<Utc>,
    before: DateTime<Utc>,
) -> Result<Buckets, DbErr> {
    let rows = CheckPoint::select()
        .filter(checks::Column::CheckedAt.gte(from))
        .filter(checks::Column::CheckedAt.lt(before))
        .into_model::<CheckPoint>()
        .all(db)
        .await?;
    let mut buckets = Buckets::new();
    for point in rows {
        let key = (point.monitor_id, Resolution::Minute.floor(point.checked_at));
        buckets.entry(key).or_default().add_check(&point);
    }
    Ok(buckets)
}

/// `resolution` buckets merged from the `source` rows in `[from, before)`.
async fn from_rollups(
    db: &DatabaseConnection,
    source: Resolution,
    resolution: Resolution,
    from: DateTime<Utc>,
    before: DateTime<Utc>,
) -> Result<Buckets, DbErr> {
    let rows = check_rollups::Entity::find()
        .filter(check_rollups::Column::Resolution.eq(source.seconds()))
        .filter(check_rollups::Column::BucketStart.gte(from))
        .filter(check_rollups::Column::BucketStart.lt(before))
        .all(db)
        .await?;
    let mut buckets = Buckets::new();
    for row in &rows {
        let key = (row.monitor_id, resolution.floor(row.bucket_start));
        buckets.entry(key).or_default().merge(&Aggregate::from_row(row)?);
    }
    Ok(buckets)
}

/// Upserts whole buckets, in key order (so concurrent passes on Postgres
/// lock rows in the same order and cannot deadlock).
async fn write(
    db: &DatabaseConnection,
    resolution: Resolution,
    buckets: &Buckets,
) -> Result<u64, DbErr> {
    let rows: Vec<_> = buckets
        .iter()
        .map(|((monitor, start), aggregate)| aggregate.to_row(*monitor, resolution, *start))
        .collect();
    for chunk in rows.chunks(WRITE_ROWS) {
        let txn = crate::db::begin_write(db).await?;
        check_rollups::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([
                    check_rollups::Column::MonitorId,
                    check_rollups::Column::Resolution,
                    check_rollups::Column::BucketStart,
                ])
                .update_columns([
                    check_rollups::Column::Checks,
                    check_rollups::Column::Healthy,
                    check_rollups::Column::LatencyCount,
                    check_rollups::Column::LatencySum,
                    check_rollups::Column::LatencyMax,
                    check_rollups::Column::Histogram,
                ])
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        txn.commit().await?;
    }
    Ok(rows.len() as u64)
}

/// Moves the watermark of `resolution` to `to`, unless it is already past.
async fn advance(
    db: &DatabaseConnection,
    resolution: Resolution,
    to: DateTime<Utc>,
) -> Result<(), DbErr> {
    const SQL: &str = "INSERT INTO rollup_watermarks (resolution, complete_until) \
        VALUES ({1}, {2}) ON CONFLICT (resolution) DO UPDATE \
        SET complete_until = excluded.complete_until \
        WHERE rollup_watermarks.complete_until < excluded.complete_until";
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => SQL.replace("{1}", "$1").replace("{2}", "$2"),
        _ => SQL.replace("{1}", "?").replace("{2}", "?"),
    };
    let values = [resolution.seconds().into(), to.into()];
    db.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await.map(|_| ())
}
