//! Reading a window through the rollups: which spans come from which
//! resolution and which from raw checks, and loading them.
//!
//! A window `(from, to]` is cut at bucket bounds: the partial bucket at its
//! start comes from raw checks (`(from, h)`), whole buckets of the window's
//! resolution up to its watermark from rollups, then whole buckets of each
//! finer resolution up to theirs, and the rest (`[e, to]`, the last minutes)
//! from raw checks again, so figures are current. Without usable rollups the
//! whole window is raw, exactly as before rollups existed.
//!
//! The loaders are crate-private: routes read a monitor's figures through
//! `history`, which takes a `MonitorRef` (`monitors::access`).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

use super::{Aggregate, CheckPoint, Resolution, Watermarks};
use crate::entities::{check_rollups, checks};
use crate::monitors::Status;

/// Where raw checks start: after an instant, or at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lower {
    After(DateTime<Utc>),
    From(DateTime<Utc>),
}

/// Where raw checks end: before an instant, at it, or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upper {
    Before(DateTime<Utc>),
    Until(DateTime<Utc>),
    Open,
}

/// One piece of a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    /// Raw checks between the bounds.
    Raw(Lower, Upper),
    /// Rollup rows of one resolution with `from <= bucket_start < before`.
    Rollup { resolution: Resolution, from: DateTime<Utc>, before: DateTime<Utc> },
}

/// The pieces of the window `(from, to]` (`to = None`: no end), using
/// `resolution` for whole buckets and finer ones for the tail.
pub fn plan(
    from: DateTime<Utc>,
    to: Option<DateTime<Utc>>,
    resolution: Resolution,
    marks: &Watermarks,
) -> Vec<Segment> {
    let upper = to.map_or(Upper::Open, Upper::Until);
    // Whole buckets of `r` end at its watermark, and at the last bound <= to.
    let end = |r: Resolution| {
        let done = marks.get(r)?;
        Some(to.map_or(done, |to| Ord::min(done, r.floor(to))))
    };
    let head_end = resolution.floor(from) + resolution.length();
    let Some(mut cursor) = end(resolution).filter(|&e| e > head_end) else {
        return vec![Segment::Raw(Lower::After(from), upper)];
    };
    let mut segments = vec![
        Segment::Raw(Lower::After(from), Upper::Before(head_end)),
        Segment::Rollup { resolution, from: head_end, before: cursor },
    ];
    let mut finer = resolution.source();
    while let Some(r) = finer {
        if let Some(e) = end(r).filter(|&e| e > cursor) {
            segments.push(Segment::Rollup { resolution: r, from: cursor, before: e });
            cursor = e;
        }
        finer = r.source();
    }
    segments.push(Segment::Raw(Lower::From(cursor), upper));
    segments
}

/// Whether any piece comes from rollups.
pub fn uses_rollups(segments: &[Segment]) -> bool {
    segments.iter().any(|s| matches!(s, Segment::Rollup { .. }))
}

/// One monitor's raw checks in a piece, oldest first.
pub(crate) async fn raw_checks(
    db: &impl ConnectionTrait,
    monitor_id: Uuid,
    lower: Lower,
    upper: Upper,
) -> Result<Vec<CheckPoint>, DbErr> {
    let query = CheckPoint::select().filter(checks::Column::MonitorId.eq(monitor_id));
    bounded(query, lower, upper)
        .order_by_asc(checks::Column::CheckedAt)
        .into_model::<CheckPoint>()
        .all(db)
        .await
}

/// One monitor's rollup rows of a piece, as `(bucket_start, aggregate)`.
pub(crate) async fn rollup_rows(
    db: &impl ConnectionTrait,
    monitor_id: Uuid,
    resolution: Resolution,
    from: DateTime<Utc>,
    before: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, Aggregate)>, DbErr> {
    let rows = check_rollups::Entity::find()
        .filter(check_rollups::Column::MonitorId.eq(monitor_id))
        .filter(check_rollups::Column::Resolution.eq(resolution.seconds()))
        .filter(check_rollups::Column::BucketStart.gte(from))
        .filter(check_rollups::Column::BucketStart.lt(before))
        .order_by_asc(check_rollups::Column::BucketStart)
        .all(db)
        .await?;
    rows.iter().map(|row| Ok((row.bucket_start, Aggregate::from_row(row)?))).collect()
}

/// `(monitor, checks, healthy)` of each of `ids` over one piece: a grouped
/// count of raw checks, or a grouped sum of rollup rows.
pub(crate) async fn counts(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    segment: Segment,
) -> Result<Vec<(Uuid, i64, i64)>, DbErr> {
    match segment {
        Segment::Raw(lower, upper) => {
            let healthy =
                Expr::case(checks::Column::Status.is_in([Status::Up, Status::Degraded]), 1)
                    .finally(0);
            let query = checks::Entity::find()
                .select_only()
                .column(checks::Column::MonitorId)
                .column_as(checks::Column::Id.count(), "checks")
                .column_as(Expr::expr(healthy).sum(), "healthy")
                .filter(checks::Column::MonitorId.is_in(ids.to_vec()));
            bounded(query, lower, upper)
                .group_by(checks::Column::MonitorId)
                .into_tuple()
                .all(db)
                .await
        }
        Segment::Rollup { resolution, from, before } => {
            check_rollups::Entity::find()
                .select_only()
                .column(check_rollups::Column::MonitorId)
                .column_as(Expr::col(check_rollups::Column::Checks).sum(), "checks")
                .column_as(Expr::col(check_rollups::Column::Healthy).sum(), "healthy")
                .filter(check_rollups::Column::MonitorId.is_in(ids.to_vec()))
                .filter(check_rollups::Column::Resolution.eq(resolution.seconds()))
                .filter(check_rollups::Column::BucketStart.gte(from))
                .filter(check_rollups::Column::BucketStart.lt(before))
                .group_by(check_rollups::Column::MonitorId)
                .into_tuple()
                .all(db)
                .await
        }
    }
}

fn bounded(query: Select<checks::Entity>, lower: Lower, upper: Upper) -> Select<checks::Entity> {
    let query = match lower {
        Lower::After(t) => query.filter(checks::Column::CheckedAt.gt(t)),
        Lower::From(t) => query.filter(checks::Column::CheckedAt.gte(t)),
    };
    match upper {
        Upper::Before(t) => query.filter(checks::Column::CheckedAt.lt(t)),
        Upper::Until(t) => query.filter(checks::Column::CheckedAt.lte(t)),
        Upper::Open => query,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, h, m, 30).single().unwrap_or_default()
    }

    #[test]
    fn a_window_is_raw_head_whole_buckets_finer_tail_and_raw_rest() {
        let hour = |h| Resolution::Hour.floor(at(h, 0));
        let marks = Watermarks::default()
            .with(Resolution::Minute, Resolution::Minute.floor(at(12, 40)))
            .with(Resolution::Hour, hour(12));
        let plan = plan(at(3, 10), Some(at(12, 45)), Resolution::Hour, &marks);
        assert_eq!(
            plan,
            vec![
                Segment::Raw(Lower::After(at(3, 10)), Upper::Before(hour(4))),
                Segment::Rollup { resolution: Resolution::Hour, from: hour(4), before: hour(12) },
                Segment::Rollup {
                    resolution: Resolution::Minute,
                    from: hour(12),
                    before: Resolution::Minute.floor(at(12, 40)),
                },
                Segment::Raw(
                    Lower::From(Resolution::Minute.floor(at(12, 40))),
                    Upper::Until(at(12, 45))
                ),
            ]
        );
    }

    #[test]
    fn without_whole_buckets_the_window_is_raw() {
        let to = at(12, 0);
        // Minutes are complete only up to the end of the window's first one.
        let head_end = Resolution::Minute.floor(to - Duration::hours(24)) + Duration::minutes(1);
        let marks = Watermarks::default().with(Resolution::Minute, head_end);
        let raw = vec![Segment::Raw(Lower::After(to - Duration::hours(24)), Upper::Until(to))];
        assert_eq!(plan(to - Duration::hours(24), Some(to), Resolution::Minute, &marks), raw);
        assert_eq!(
            plan(to - Duration::hours(24), Some(to), Resolution::Hour, &Watermarks::default()),
            raw
        );
    }
}
