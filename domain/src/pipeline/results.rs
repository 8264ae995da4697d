//! Recording a check result: the history row, the monitor's new state and,
//! when the status crosses into or out of `down`, a status-change row — all
//! in one transaction. A redelivered result changes nothing; an older one
//! than the state already holds adds history but never overwrites state.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, Set,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::transitions::{self, State, Thresholds};
use crate::entities::{checks, monitor_state, monitors, status_changes};
use crate::monitors::Status;

/// The outcome of one check of one slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    pub monitor_id: Uuid,
    /// The slot the check was scheduled for (unix ms): the result's identity.
    pub slot: i64,
    pub checked_at: DateTime<Utc>,
    /// Up, Degraded or Down.
    pub status: Status,
    pub latency_ms: Option<i32>,
    pub http_status: Option<i16>,
    pub error: Option<String>,
    pub region: String,
}

impl CheckResult {
    /// The same result with its error (a remote server's words, often)
    /// bounded before it is stored: see [`crate::text::remote`].
    pub fn bounded(mut self) -> Self {
        self.error = self.error.as_deref().map(crate::text::remote);
        self
    }
}

/// What recording did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    /// The same slot was recorded before (a redelivered job).
    pub duplicate: bool,
    /// A newer result was already applied; this one is history only.
    pub stale: bool,
    /// The monitor no longer exists (deleted while the check ran).
    pub gone: bool,
    /// A status change awaiting incident work, to enqueue.
    pub change: Option<Uuid>,
}

/// The id of a slot's check row: time-ordered like a UUIDv7 (the slot is its
/// timestamp) and the same for every delivery of the same job.
pub fn check_id(monitor_id: Uuid, slot: i64) -> Uuid {
    let digest = Sha256::digest(monitor_id.as_bytes());
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&slot.to_be_bytes()[2..8]);
    bytes[6..].copy_from_slice(&digest[..10]);
    uuid::Builder::from_bytes(bytes)
        .with_version(uuid::Version::SortRand)
        .with_variant(uuid::Variant::RFC4122)
        .into_uuid()
}

/// How often a lost race for the state row is retried before giving up.
const STATE_RETRIES: usize = 5;

/// Records `result`; see the module docs for the guarantees.
pub async fn record_result(
    db: &DatabaseConnection,
    result: &CheckResult,
) -> Result<Recorded, DbErr> {
    let result = &result.clone().bounded();
    for _ in 0..STATE_RETRIES {
        if let Some(recorded) = try_record(db, result).await? {
            return Ok(recorded);
        }
    }
    Err(DbErr::Custom(format!("monitor {} state kept changing under us", result.monitor_id)))
}

/// One attempt; `None` when another writer changed the state first.
async fn try_record(
    db: &DatabaseConnection,
    result: &CheckResult,
) -> Result<Option<Recorded>, DbErr> {
    let Some(monitor) = monitors::Entity::find_by_id(result.monitor_id).one(db).await? else {
        return Ok(Some(Recorded { gone: true, ..Default::default() }));
    };
    let txn = crate::db::begin_write(db).await?;
    let inserted = checks::Entity::insert(check_row(result))
        .on_conflict(OnConflict::column(checks::Column::Id).do_nothing().to_owned())
        .exec_without_returning(&txn)
        .await?;
    if inserted == 0 {
        txn.rollback().await?;
        let pending = status_changes::Entity::find()
            .filter(status_changes::Column::MonitorId.eq(result.monitor_id))
            .filter(status_changes::Column::Seq.eq(result.slot))
            .filter(status_changes::Column::ProcessedAt.is_null())
            .one(db)
            .await?;
        return Ok(Some(Recorded {
            duplicate: true,
            change: pending.map(|c| c.id),
            ..Default::default()
        }));
    }

    let Some(state) = monitor_state::Entity::find_by_id(result.monitor_id).one(&txn).await? else {
        txn.commit().await?;
        return Ok(Some(Recorded { gone: true, ..Default::default() }));
    };
    if state.last_check_seq >= result.slot || monitor.paused {
        txn.commit().await?;
        return Ok(Some(Recorded { stale: true, ..Default::default() }));
    }

    let Some(change) = advance(&txn, &monitor, &state, result).await? else {
        txn.rollback().await?;
        return Ok(None);
    };
    txn.commit().await?;
    Ok(Some(Recorded { change, ..Default::default() }))
}

/// Applies a fresh result to the monitor's state (compare-and-set on the
/// state's last slot) and writes the status change at an incident boundary.
/// `None`: another writer moved the state first; the caller rolls back.
pub(super) async fn advance(
    txn: &DatabaseTransaction,
    monitor: &monitors::Model,
    state: &monitor_state::Model,
    result: &CheckResult,
) -> Result<Option<Option<Uuid>>, DbErr> {
    let before = State {
        status: Status::from_stored(&state.status),
        failures: state.consecutive_failures,
        successes: state.consecutive_successes,
    };
    let limits =
        Thresholds { confirmations: monitor.confirmations, recoveries: monitor.recoveries };
    let after = transitions::next(before, result.status, limits);
    let changed = after.status != before.status;
    let mut update = monitor_state::Entity::update_many()
        .col_expr(monitor_state::Column::ConsecutiveFailures, Expr::value(after.failures))
        .col_expr(monitor_state::Column::ConsecutiveSuccesses, Expr::value(after.successes))
        .col_expr(monitor_state::Column::LastCheckSeq, Expr::value(result.slot))
        .col_expr(monitor_state::Column::LastCheckedAt, Expr::value(result.checked_at))
        .col_expr(monitor_state::Column::LastLatencyMs, Expr::value(result.latency_ms))
        .col_expr(monitor_state::Column::LastError, Expr::value(result.error.clone()));
    if changed {
        update = update
            .col_expr(monitor_state::Column::Status, Expr::value(after.status.as_str()))
            .col_expr(monitor_state::Column::StatusSince, Expr::value(result.checked_at));
    }
    let applied = update
        .filter(monitor_state::Column::MonitorId.eq(result.monitor_id))
        .filter(monitor_state::Column::LastCheckSeq.eq(state.last_check_seq))
        .exec(txn)
        .await?;
    if applied.rows_affected != 1 {
        return Ok(None);
    }
    if !(changed && transitions::is_incident_boundary(before.status, after.status)) {
        return Ok(Some(None));
    }
    let id = Uuid::now_v7();
    status_changes::ActiveModel {
        id: Set(id),
        monitor_id: Set(result.monitor_id),
        seq: Set(result.slot),
        from_status: Set(before.status.as_str().to_owned()),
        to_status: Set(after.status.as_str().to_owned()),
        at: Set(result.checked_at),
        cause: Set(result.error.clone()),
        region: Set(result.region.clone()),
        processed_at: Set(None),
        subject: Set(String::new()),
    }
    .insert(txn)
    .await?;
    Ok(Some(Some(id)))
}

/// The history row of a result.
pub(super) fn check_row(result: &CheckResult) -> checks::ActiveModel {
    checks::ActiveModel {
        id: Set(check_id(result.monitor_id, result.slot)),
        monitor_id: Set(result.monitor_id),
        checked_at: Set(result.checked_at),
        status: Set(result.status.as_str().to_owned()),
        latency_ms: Set(result.latency_ms),
        http_status: Set(result.http_status),
        error: Set(result.error.clone()),
        region: Set(result.region.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::check_id;

    #[test]
    fn check_ids_are_stable_per_slot_and_ordered_by_time() {
        let monitor = uuid::Uuid::new_v4();
        assert_eq!(check_id(monitor, 1_000), check_id(monitor, 1_000));
        assert_ne!(check_id(monitor, 1_000), check_id(uuid::Uuid::new_v4(), 1_000));
        assert!(check_id(monitor, 1_000) < check_id(monitor, 2_000));
        assert_eq!(check_id(monitor, 1_000).get_version_num(), 7);
    }
}
