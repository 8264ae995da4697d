//! Retention: raw check results, processed status changes and resolved
//! outages older than their configured period are deleted, a small batch at
//! a time so that deleting never holds the database for long (on SQLite,
//! one writer at a time: checks must keep being recorded meanwhile).
//!
//! The newest incident of each monitor and runner is kept whatever its age:
//! numbering continues from it (outage 7 is followed by 8, not a second 1).
//! Raw checks not yet in the minute rollups are kept too, and the rollups
//! have retentions of their own (`rollups::prune`).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};
use uuid::Uuid;

use crate::entities::{checks, incidents, status_changes};
use crate::rollups::{self, Resolution, RollupsPruned, Watermarks};

/// How long history is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Raw check results (and the processed status-change outbox).
    pub checks: Duration,
    /// Resolved incidents and runner outages.
    pub outages: Duration,
}

impl Default for Retention {
    fn default() -> Self {
        Self { checks: Duration::days(30), outages: Duration::days(30) }
    }
}

/// Rows deleted by one batch of each kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub checks: u64,
    pub status_changes: u64,
    pub incidents: u64,
    pub minute_rollups: u64,
    pub hour_rollups: u64,
    pub day_rollups: u64,
    /// Heartbeat pings beyond the newest kept per monitor.
    pub pings: u64,
    /// Status page events, confirmation mails and inactive subscriptions.
    pub subscriber_rows: u64,
}

impl Pruned {
    /// Whether a batch of `batch` came back full somewhere: there is more.
    pub fn more(&self, batch: u64) -> bool {
        [
            self.checks,
            self.status_changes,
            self.incidents,
            self.minute_rollups,
            self.hour_rollups,
            self.day_rollups,
            self.pings,
            self.subscriber_rows,
        ]
        .into_iter()
        .any(|n| n >= batch)
    }

    /// Adds another batch's counts.
    pub fn add(&mut self, other: Pruned) {
        self.checks += other.checks;
        self.status_changes += other.status_changes;
        self.incidents += other.incidents;
        self.minute_rollups += other.minute_rollups;
        self.hour_rollups += other.hour_rollups;
        self.day_rollups += other.day_rollups;
        self.pings += other.pings;
        self.subscriber_rows += other.subscriber_rows;
    }
}

/// Deletes at most `batch` rows of each kind that are past `retention` at `now`.
pub async fn prune_batch(
    db: &DatabaseConnection,
    retention: Retention,
    now: DateTime<Utc>,
    batch: u64,
) -> Result<Pruned, DbErr> {
    let outbox_before = now - retention.checks;
    let mut checks_before = outbox_before;
    // Once rollups run, a check is kept until its minute is rolled up.
    if let Some(rolled) = Watermarks::load(db).await?.get(Resolution::Minute) {
        checks_before = checks_before.min(rolled);
    }
    let ids: Vec<Uuid> = checks::Entity::find()
        .select_only()
        .column(checks::Column::Id)
        .filter(checks::Column::CheckedAt.lt(checks_before))
        .order_by_asc(checks::Column::CheckedAt)
        .limit(batch)
        .into_tuple()
        .all(db)
        .await?;
    let checks = delete_checks(db, ids).await?;

    let ids: Vec<Uuid> = status_changes::Entity::find()
        .select_only()
        .column(status_changes::Column::Id)
        .filter(status_changes::Column::ProcessedAt.lt(outbox_before))
        .limit(batch)
        .into_tuple()
        .all(db)
        .await?;
    let status_changes = if ids.is_empty() {
        0
    } else {
        status_changes::Entity::delete_many()
            .filter(status_changes::Column::Id.is_in(ids))
            .exec(db)
            .await?
            .rows_affected
    };

    let ids = old_incidents(db, now - retention.outages, batch).await?;
    let incidents = if ids.is_empty() {
        0
    } else {
        incidents::Entity::delete_many()
            .filter(incidents::Column::Id.is_in(ids))
            .exec(db)
            .await?
            .rows_affected
    };
    let RollupsPruned { minutes, hours, days } = rollups::prune_batch(db, now, batch).await?;
    // Rate-limit windows that ended: a handful of rows per client and day.
    crate::ratelimit::prune(db, now).await?;
    let pings =
        crate::heartbeats::store::prune(db, crate::heartbeats::store::PINGS_KEPT, batch).await?;
    let subscriber_rows =
        crate::status_pages::subscribers::prune::prune_batch(db, now - retention.outages, batch)
            .await?;
    Ok(Pruned {
        checks,
        status_changes,
        incidents,
        minute_rollups: minutes,
        hour_rollups: hours,
        day_rollups: days,
        pings,
        subscriber_rows,
    })
}

async fn delete_checks(db: &DatabaseConnection, ids: Vec<Uuid>) -> Result<u64, DbErr> {
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(checks::Entity::delete_many()
        .filter(checks::Column::Id.is_in(ids))
        .exec(db)
        .await?
        .rows_affected)
}

/// Resolved before `before`, and not the newest of its monitor or runner.
async fn old_incidents(
    db: &DatabaseConnection,
    before: DateTime<Utc>,
    batch: u64,
) -> Result<Vec<Uuid>, DbErr> {
    const SQL: &str = "SELECT i.id AS id FROM incidents i \
        WHERE i.resolved_at IS NOT NULL AND i.resolved_at < {1} \
        AND i.number < (SELECT MAX(j.number) FROM incidents j \
            WHERE j.monitor_id = i.monitor_id AND j.subject = i.subject) \
        LIMIT {2}";
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => SQL.replace("{1}", "$1").replace("{2}", "$2"),
        _ => SQL.replace("{1}", "?").replace("{2}", "?"),
    };
    let limit = i64::try_from(batch).unwrap_or(i64::MAX);
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, [before.into(), limit.into()]))
        .await?;
    rows.iter().map(|row| row.try_get::<Uuid>("", "id")).collect()
}
