//! Claiming due checks. Each monitor's next slot is advanced with a
//! compare-and-set on its current value, so of several schedulers racing
//! for the same row exactly one wins, on SQLite and Postgres alike.

use chrono::{DateTime, Duration, DurationRound, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
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
    let txn = crate::db::begin_write(db).await?;
    let due = monitors::Entity::find()
        .select_only()
        .columns([
            monitors::Column::Id,
            monitors::Column::NextCheckAt,
            monitors::Column::IntervalSeconds,
        ])
        .filter(monitors::Column::Paused.eq(false))
        .filter(monitors::Column::NextCheckAt.lte(now))
        .order_by_asc(monitors::Column::NextCheckAt)
        .limit(limit)
        .into_tuple::<(Uuid, DateTime<Utc>, i32)>()
        .all(&txn)
        .await?;
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
