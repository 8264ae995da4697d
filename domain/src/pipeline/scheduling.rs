//! Claiming due checks. Each monitor's next slot is advanced with a
//! compare-and-set on its current value, so of several schedulers racing
//! for the same row exactly one wins, on SQLite and Postgres alike.
//!
//! Claims are fair between owners: a round takes every owner's most overdue
//! monitor before anyone's second, so one user's backlog of thousands cannot
//! push another user's check past its interval. Monitors of disabled users
//! are not claimed at all.

use chrono::{DateTime, Duration, DurationRound, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    Statement,
};
use uuid::Uuid;

use crate::entities::monitors;

/// A check to run: which monitor, for which slot (its scheduled time, unix ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct DueCheck {
    pub monitor_id: Uuid,
    pub slot: i64,
    /// The next slot the claim moved the monitor to (unix ms).
    pub next: i64,
}

/// Times are kept to the millisecond so that the value read back compares
/// equal to the one written, on every backend.
pub fn to_millis(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::milliseconds(1)).unwrap_or(t)
}

/// Claims up to `limit` monitors due at `now` and advances each to its next
/// slot. A monitor far behind (the scheduler was down) gets one check now,
/// not one per missed slot. All claims of a round commit together: one
/// commit per round instead of one per monitor.
pub async fn claim_due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<DueCheck>, DbErr> {
    // Read before taking the write lock: ranking a large backlog takes a
    // while, and the compare-and-set below makes a stale read harmless.
    let due = due_in_turns(db, now, limit).await?;
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let txn = crate::db::begin_write(db).await?;
    let mut claimed = Vec::with_capacity(due.len());
    for (id, slot, interval) in due {
        let interval = Duration::seconds(i64::from(interval));
        let mut next = slot + interval;
        if next <= now {
            next = now + interval;
        }
        let result = monitors::Entity::update_many()
            .col_expr(monitors::Column::NextCheckAt, Expr::value(to_millis(next)))
            .filter(monitors::Column::Id.eq(id))
            .filter(monitors::Column::NextCheckAt.eq(slot))
            .exec(&txn)
            .await?;
        if result.rows_affected == 1 {
            let next = to_millis(next).timestamp_millis();
            claimed.push(DueCheck { monitor_id: id, slot: slot.timestamp_millis(), next });
        }
    }
    txn.commit().await?;
    Ok(claimed)
}

/// Up to `limit` due monitors of enabled owners, in turns: each owner's
/// most overdue first (turn 1), then each owner's second, and so on.
async fn due_in_turns(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<(Uuid, DateTime<Utc>, i32)>, DbErr> {
    let backend = db.get_database_backend();
    let (p1, p2) = match backend {
        DbBackend::Postgres => ("$1", "$2"),
        _ => ("?", "?"),
    };
    let sql = format!(
        "SELECT id, next_check_at, interval_seconds FROM ( \
           SELECT m.id, m.next_check_at, m.interval_seconds, \
                  ROW_NUMBER() OVER (PARTITION BY m.owner_id ORDER BY m.next_check_at) AS turn \
           FROM monitors m JOIN users u ON u.id = m.owner_id \
           WHERE m.paused = false AND m.next_check_at <= {p1} AND u.disabled = false \
         ) due ORDER BY turn, next_check_at LIMIT {p2}"
    );
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, [now.into(), limit.into()]))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("", "id")?,
                row.try_get("", "next_check_at")?,
                row.try_get("", "interval_seconds")?,
            ))
        })
        .collect()
}

/// Gives claims back (their jobs could not be enqueued), so the next
/// scheduling round claims the same slots again instead of skipping them.
pub async fn release(db: &DatabaseConnection, claims: &[DueCheck]) -> Result<(), DbErr> {
    let txn = crate::db::begin_write(db).await?;
    for claim in claims {
        let (Some(slot), Some(next)) = (
            DateTime::from_timestamp_millis(claim.slot),
            DateTime::from_timestamp_millis(claim.next),
        ) else {
            continue;
        };
        monitors::Entity::update_many()
            .col_expr(monitors::Column::NextCheckAt, Expr::value(slot))
            .filter(monitors::Column::Id.eq(claim.monitor_id))
            .filter(monitors::Column::NextCheckAt.eq(next))
            .exec(&txn)
            .await?;
    }
    txn.commit().await
}
