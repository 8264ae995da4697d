//! The whole installation at a glance, for admins: monitors by status, open
//! incidents, checks in the last minute, the regions that ran checks lately
//! and the latest failures.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::summary::{counts_by_status, StatusCounts};
use crate::accounts::AdminGrant;
use crate::entities::{checks, incidents, monitors};
use crate::monitors::Status;

/// How far back a region counts as seen.
pub const REGIONS_WINDOW: Duration = Duration::minutes(10);
/// How far back failures are looked for.
pub const FAILURES_WINDOW: Duration = Duration::hours(24);
/// How many failures are listed.
pub const FAILURES_LIMIT: u64 = 20;

/// A region (where workers run) that checked something lately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionSeen {
    pub region: String,
    /// Checks it ran in the window.
    pub checks: u64,
    pub last_seen: DateTime<Utc>,
}

/// A failed check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub check_id: Uuid,
    pub monitor_id: Uuid,
    pub monitor_name: String,
    pub checked_at: DateTime<Utc>,
    pub error: Option<String>,
    pub http_status: Option<i16>,
    pub region: String,
}

/// What admins see first.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub monitors: StatusCounts,
    pub open_incidents: u64,
    /// Checks recorded in the minute before `now`.
    pub checks_last_minute: u64,
    /// Regions with checks in the last ten minutes, busiest first.
    pub regions: Vec<RegionSeen>,
    /// The latest down checks of the last day, newest first.
    pub recent_failures: Vec<Failure>,
}

/// The overview as of `now`, for an administrator.
pub async fn overview(
    db: &DatabaseConnection,
    _admin: &AdminGrant,
    now: DateTime<Utc>,
) -> Result<Overview, DbErr> {
    let open_incidents =
        incidents::Entity::find().filter(incidents::Column::ResolvedAt.is_null()).count(db).await?;
    let minute = now - Duration::minutes(1);
    let checks_last_minute = checks_after(minute)
        .filter(checks::Column::CheckedAt.gt(minute))
        .filter(checks::Column::CheckedAt.lte(now))
        .count(db)
        .await?;
    Ok(Overview {
        monitors: counts_by_status(db, None).await?,
        open_incidents,
        checks_last_minute,
        regions: regions_seen(db, now - REGIONS_WINDOW).await?,
        recent_failures: recent_failures(db, now - FAILURES_WINDOW).await?,
    })
}

/// Checks scheduled after `since`, found through the primary key: check ids
/// begin with their slot's unix milliseconds (see `pipeline::check_id`), so
/// the bound needs no index on time. Results land within the timeout of
/// their slot; a minute's slack covers them.
fn checks_after(since: DateTime<Utc>) -> sea_orm::Select<checks::Entity> {
    let millis = (since - Duration::minutes(1)).timestamp_millis().max(0);
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&millis.to_be_bytes()[2..8]);
    checks::Entity::find().filter(checks::Column::Id.gte(Uuid::from_bytes(bytes)))
}

async fn regions_seen(
    db: &DatabaseConnection,
    since: DateTime<Utc>,
) -> Result<Vec<RegionSeen>, DbErr> {
    let rows: Vec<(String, i64)> = checks_after(since)
        .select_only()
        .column(checks::Column::Region)
        .column_as(checks::Column::Id.count(), "n")
        .filter(checks::Column::CheckedAt.gt(since))
        .group_by(checks::Column::Region)
        .into_tuple()
        .all(db)
        .await?;
    let mut regions = Vec::with_capacity(rows.len());
    for (region, n) in rows {
        // The newest check of the region; an aggregate MAX would come back
        // untyped from SQLite.
        let last_seen = checks_after(since)
            .select_only()
            .column(checks::Column::CheckedAt)
            .filter(checks::Column::Region.eq(region.as_str()))
            .order_by_desc(checks::Column::Id)
            .into_tuple::<DateTime<Utc>>()
            .one(db)
            .await?
            .unwrap_or(since);
        regions.push(RegionSeen { region, checks: u64::try_from(n).unwrap_or(0), last_seen });
    }
    regions.sort_by(|a, b| b.checks.cmp(&a.checks).then_with(|| a.region.cmp(&b.region)));
    Ok(regions)
}

async fn recent_failures(
    db: &DatabaseConnection,
    since: DateTime<Utc>,
) -> Result<Vec<Failure>, DbErr> {
    let rows = checks_after(since)
        .filter(checks::Column::Status.eq(Status::Down))
        .order_by_desc(checks::Column::Id)
        .limit(FAILURES_LIMIT)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|c| c.monitor_id).collect();
    let names: std::collections::HashMap<Uuid, String> = monitors::Entity::find()
        .select_only()
        .columns([monitors::Column::Id, monitors::Column::Name])
        .filter(monitors::Column::Id.is_in(ids))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|check| Failure {
            check_id: check.id,
            monitor_id: check.monitor_id,
            monitor_name: names.get(&check.monitor_id).cloned().unwrap_or_default(),
            checked_at: check.checked_at,
            error: check.error,
            http_status: check.http_status,
            region: check.region,
        })
        .collect())
}
