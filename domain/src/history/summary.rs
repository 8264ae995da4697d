//! Summaries of many monitors at once, for lists: status counts, uptime
//! over a window and the latest response times. A few queries each, whatever
//! the number of monitors. The lists' ids come from a list the caller may see
//! (`MonitorService::list`); status counts are scoped by the caller here.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Alias, Asterisk, Order, Query, UnionType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
    QueryTrait,
};
use uuid::Uuid;

use crate::accounts::Principal;
use crate::entities::{checks, monitor_state, monitors};
use crate::monitors::{Access, MonitorRef, Status};
use crate::rollups::{read, Resolution, Watermarks};

pub use kinds::StatusCounts;

/// Counts by status of the monitors `caller` may list: their own, or
/// everyone's for an admin asking for all users.
pub async fn status_counts(
    db: &DatabaseConnection,
    caller: &Principal,
    all_users: bool,
) -> Result<StatusCounts, DbErr> {
    let owner = (!(all_users && caller.is_admin())).then_some(caller.user_id);
    counts_by_status(db, owner).await
}

/// Counts by status of one owner's monitors, or of everyone's with `None`.
pub(super) async fn counts_by_status(
    db: &DatabaseConnection,
    owner: Option<Uuid>,
) -> Result<StatusCounts, DbErr> {
    let mut query = monitor_state::Entity::find()
        .select_only()
        .column(monitor_state::Column::Status)
        .column_as(monitor_state::Column::MonitorId.count(), "n")
        .group_by(monitor_state::Column::Status);
    if let Some(owner) = owner {
        let owned = monitors::Entity::find()
            .select_only()
            .column(monitors::Column::Id)
            .filter(monitors::Column::OwnerId.eq(owner));
        query = query.filter(monitor_state::Column::MonitorId.in_subquery(owned.into_query()));
    }
    let mut counts = StatusCounts::default();
    for (status, n) in query.into_tuple::<(Status, i64)>().all(db).await? {
        counts.add(status, u64::try_from(n).unwrap_or(0));
    }
    Ok(counts)
}

/// Checks of one monitor in a window, and how many of them were healthy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Uptime {
    pub checks: u64,
    pub healthy: u64,
}

impl Uptime {
    /// The healthy share, 0-100; `None` without checks.
    pub fn percent(self) -> Option<f64> {
        (self.checks > 0).then(|| self.healthy as f64 * 100.0 / self.checks as f64)
    }
}

/// Uptime of each of `ids` over the checks after `since` (monitors without
/// checks are absent). Whole buckets come from the check rollups (minutes
/// for up to 36 hours back, hours beyond), the edges from raw checks: a few
/// grouped queries, whatever the window.
pub async fn uptime(
    db: &DatabaseConnection,
    ids: &[Uuid],
    since: DateTime<Utc>,
) -> Result<HashMap<Uuid, Uptime>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let marks = Watermarks::load(db).await?;
    let resolution = match marks.get(Resolution::Minute) {
        Some(done) if done - since > Duration::hours(36) => Resolution::Hour,
        _ => Resolution::Minute,
    };
    let mut totals: HashMap<Uuid, Uptime> = HashMap::new();
    for segment in read::plan(since, None, resolution, &marks) {
        for (id, checks, healthy) in read::counts(db, ids, segment).await? {
            let count = |n: i64| u64::try_from(n).unwrap_or(0);
            let total = totals.entry(id).or_default();
            total.checks += count(checks);
            total.healthy += count(healthy);
        }
    }
    totals.retain(|_, u| u.checks > 0);
    Ok(totals)
}

/// Uptime of one monitor over the checks after `since`.
pub async fn uptime_of(
    monitor: &MonitorRef<impl Access>,
    since: DateTime<Utc>,
) -> Result<Uptime, DbErr> {
    let id = monitor.id();
    Ok(uptime(monitor.db(), &[id], since).await?.remove(&id).unwrap_or_default())
}

/// The latest `per_monitor` response times of each of `ids` after `since`,
/// oldest first; `None` where the check failed.
pub async fn recent_latencies(
    db: &DatabaseConnection,
    ids: &[Uuid],
    per_monitor: u32,
    since: DateTime<Utc>,
) -> Result<HashMap<Uuid, Vec<Option<u32>>>, DbErr> {
    let mut latest: HashMap<Uuid, Vec<(Uuid, Option<u32>)>> = HashMap::new();
    // One `ORDER BY checked_at DESC LIMIT n` per monitor walks the
    // (monitor_id, checked_at) index backwards and stops after n rows; joined
    // by UNION ALL, that is one round trip per chunk. (A window function
    // numbering every check of the day was ten times slower.) SQLite allows
    // 500 arms in one compound select.
    for chunk in ids.chunks(UNION_ARMS) {
        let mut arms = chunk.iter().enumerate().map(|(i, id)| {
            let newest = Query::select()
                .columns([
                    checks::Column::MonitorId,
                    checks::Column::Id,
                    checks::Column::Status,
                    checks::Column::LatencyMs,
                ])
                .from(checks::Entity)
                .and_where(checks::Column::MonitorId.eq(*id))
                .and_where(checks::Column::CheckedAt.gt(since))
                .order_by(checks::Column::CheckedAt, Order::Desc)
                .limit(u64::from(per_monitor))
                .to_owned();
            Query::select()
                .column(Asterisk)
                .from_subquery(newest, Alias::new(format!("m{i}")))
                .to_owned()
        });
        let Some(mut query) = arms.next() else { continue };
        for arm in arms {
            query.union(UnionType::All, arm);
        }
        for row in db.query_all(&query).await? {
            let monitor: Uuid = row.try_get("", "monitor_id")?;
            let id: Uuid = row.try_get("", "id")?;
            let status: Status = row.try_get("", "status")?;
            let latency: Option<i32> = row.try_get("", "latency_ms")?;
            let value = latency.and_then(|l| u32::try_from(l).ok()).filter(|_| status.is_healthy());
            latest.entry(monitor).or_default().push((id, value));
        }
    }
    Ok(latest
        .into_iter()
        .map(|(monitor, mut points)| {
            points.sort_by_key(|(id, _)| *id);
            (monitor, points.into_iter().map(|(_, value)| value).collect())
        })
        .collect())
}

/// Monitors per compound select (SQLite's limit is 500 arms).
const UNION_ARMS: usize = 100;
