//! The one recording skeleton every check kind goes through. Recording a
//! result of any kind is the same five steps in one transaction:
//!
//! 1. insert the slot's check row (its id is [`check_id`]; a second insert of
//!    the same slot is a redelivered job: nothing changes, and the status
//!    changes the first delivery left pending are handed back);
//! 2. load the monitor's state (gone: the monitor was deleted meanwhile);
//! 3. refuse a stale result: one whose slot is not newer than the state's,
//!    or of a paused monitor, is history only;
//! 4. advance the state by compare-and-swap on its last slot;
//! 5. on a lost race (another writer moved the state first), roll back and
//!    start again, at most [`STATE_RETRIES`] times.
//!
//! What differs between kinds is a [`Step`]: the check row's status and
//! error, the state it moves to, and what it writes once the swap is won.
//! [`record`] runs the skeleton for one result; [`super::record_results`]
//! runs it for many in one transaction.

use std::future::Future;

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
use crate::probe::{HttpFacts, Phases};

/// How often a lost race for the state row is retried before giving up.
pub const STATE_RETRIES: usize = 5;

/// A check kind's part of recording one of its results; the skeleton (see
/// the module docs) does the rest. `observe` runs inside the transaction
/// before anything is written, `check` names the history row, `plan` picks
/// the state to swap to, and `settle` writes the kind's own rows after the
/// swap was won (it runs at most once per recorded result).
///
/// A worked example: a `heartbeat` kind whose result says whether the ping
/// arrived. It reads nothing beforehand and keeps nothing for afterwards;
/// its state moves by the monitor's thresholds, and it writes a status
/// change when an incident opens or resolves, as HTTP checks do:
///
/// ```
/// use chrono::{DateTime, Utc};
/// use domain::entities::{monitor_state, monitors};
/// use domain::monitors::Status;
/// use domain::pipeline::recording::{monitor_advance, monitor_change, Advance, Check, Step, Transition};
/// use sea_orm::{DatabaseTransaction, DbErr};
/// use uuid::Uuid;
///
/// struct Heartbeat { monitor_id: Uuid, slot: i64, at: DateTime<Utc>, arrived: bool }
///
/// impl Step for Heartbeat {
///     type Seen = ();
///     type Plan = ();
///
///     fn monitor_id(&self) -> Uuid { self.monitor_id }
///     fn slot(&self) -> i64 { self.slot }
///
///     async fn observe(&self, _: &DatabaseTransaction, _: &monitors::Model) -> Result<(), DbErr> {
///         Ok(())
///     }
///
///     fn check(&self, _: &()) -> Check {
///         let (status, error) = match self.arrived {
///             true => (Status::Up, None),
///             false => (Status::Down, Some("no ping this interval".to_owned())),
///         };
///         Check { checked_at: self.at, status, latency_ms: None, http_status: None, error, region: String::new() }
///     }
///
///     async fn plan(
///         &self, _: &DatabaseTransaction, monitor: &monitors::Model,
///         state: &monitor_state::Model, _: (), check: &Check,
///     ) -> Result<Advance<()>, DbErr> {
///         Ok(Advance { next: monitor_advance(monitor, state, check.status), plan: () })
///     }
///
///     async fn settle(
///         &self, txn: &DatabaseTransaction, _: &monitors::Model,
///         transition: Transition, check: &Check, _: (),
///     ) -> Result<Vec<Uuid>, DbErr> {
///         Ok(monitor_change(txn, self, transition, check).await?.into_iter().collect())
///     }
/// }
/// ```
///
/// `domain::pipeline::record(db, &heartbeat)` then records it, and the
/// process's batching writer (`jobs::workers::results::ResultWriter`) takes
/// it as it is: the kind needs no code in the writer or the skeleton.
pub trait Step: Send + Sync {
    /// What the step reads in the transaction before the check row is
    /// written (the runners it already knows, say); `()` for nothing.
    type Seen: Send + Sync;
    /// What `plan` decided for `settle` (say, each runner's new health).
    type Plan: Send;

    /// The monitor the result belongs to.
    fn monitor_id(&self) -> Uuid;

    /// The slot the check was scheduled for (unix ms): the result's identity.
    fn slot(&self) -> i64;

    /// Reads what `check` and `plan` need, inside the transaction.
    fn observe(
        &self,
        txn: &DatabaseTransaction,
        monitor: &monitors::Model,
    ) -> impl Future<Output = Result<Self::Seen, DbErr>> + Send;

    /// The history row: this result's own status and error. Text from
    /// remote servers is bounded here ([`crate::text::remote`]).
    fn check(&self, seen: &Self::Seen) -> Check;

    /// What an HTTP check measured, kept with its row; other kinds have none.
    fn http(&self) -> Option<&HttpFacts> {
        None
    }

    /// The state a fresh result moves the monitor to. Nothing is written
    /// yet: the skeleton swaps the state next.
    fn plan(
        &self,
        txn: &DatabaseTransaction,
        monitor: &monitors::Model,
        state: &monitor_state::Model,
        seen: Self::Seen,
        check: &Check,
    ) -> impl Future<Output = Result<Advance<Self::Plan>, DbErr>> + Send;

    /// The kind's writes once the state moved; returns the status changes
    /// written (their incident work is enqueued by the caller).
    fn settle(
        &self,
        txn: &DatabaseTransaction,
        monitor: &monitors::Model,
        transition: Transition,
        check: &Check,
        plan: Self::Plan,
    ) -> impl Future<Output = Result<Vec<Uuid>, DbErr>> + Send;
}

/// A result's history row, as its kind sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub checked_at: DateTime<Utc>,
    /// Up, Degraded, Down, or Unknown when nothing was learnt.
    pub status: Status,
    pub latency_ms: Option<i32>,
    pub http_status: Option<i16>,
    /// Already bounded (see [`Step::check`]).
    pub error: Option<String>,
    pub region: String,
}

/// Where `plan` moves the state, and what it keeps for `settle`.
#[derive(Debug, Clone)]
pub struct Advance<P> {
    /// The monitor's status and run counters after this result.
    pub next: State,
    pub plan: P,
}

/// The monitor's status before and after a swap that was won.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: Status,
    pub to: State,
}

impl Transition {
    /// Whether the status changed.
    pub fn changed(self) -> bool {
        self.from != self.to.status
    }

    /// Whether it opens or resolves the monitor's own incident.
    pub fn is_incident_boundary(self) -> bool {
        self.changed() && transitions::is_incident_boundary(self.from, self.to.status)
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
    /// Status changes awaiting incident work, to enqueue.
    pub changes: Vec<Uuid>,
    /// The status of the check row written, when one was (for metrics of
    /// kinds whose status is decided while recording, like heartbeats).
    pub status: Option<Status>,
}

impl Recorded {
    /// The first status change: a check result writes at most one.
    pub fn change(&self) -> Option<Uuid> {
        self.changes.first().copied()
    }

    pub(super) fn gone() -> Self {
        Self { gone: true, ..Self::default() }
    }

    pub(super) fn stale() -> Self {
        Self { stale: true, ..Self::default() }
    }
}

/// Records `result` through the skeleton; see the module docs.
pub async fn record<K: Step>(db: &DatabaseConnection, result: &K) -> Result<Recorded, DbErr> {
    for _ in 0..STATE_RETRIES {
        if let Some(recorded) = attempt(db, result).await? {
            return Ok(recorded);
        }
    }
    Err(DbErr::Custom(format!("monitor {} state kept changing under us", result.monitor_id())))
}

/// One attempt; `None` when another writer changed the state first.
async fn attempt<K: Step>(db: &DatabaseConnection, result: &K) -> Result<Option<Recorded>, DbErr> {
    let Some(monitor) = monitors::Entity::find_by_id(result.monitor_id()).one(db).await? else {
        return Ok(Some(Recorded::gone()));
    };
    let txn = crate::db::begin_write(db).await?;
    let seen = result.observe(&txn, &monitor).await?;
    let check = result.check(&seen);
    let inserted = checks::Entity::insert(check_row(result, &check))
        .on_conflict(OnConflict::column(checks::Column::Id).do_nothing().to_owned())
        .exec_without_returning(&txn)
        .await?;
    if inserted == 0 {
        txn.rollback().await?;
        let changes = pending_changes(db, result.monitor_id(), result.slot()).await?;
        return Ok(Some(Recorded { duplicate: true, changes, ..Default::default() }));
    }
    let Some(state) = monitor_state::Entity::find_by_id(monitor.id).one(&txn).await? else {
        txn.commit().await?;
        return Ok(Some(Recorded::gone()));
    };
    if is_stale(&monitor, &state, result.slot()) {
        txn.commit().await?;
        return Ok(Some(Recorded { status: Some(check.status), ..Recorded::stale() }));
    }
    let Some(changes) = advance(&txn, result, &monitor, &state, seen, &check).await? else {
        txn.rollback().await?;
        return Ok(None);
    };
    txn.commit().await?;
    Ok(Some(Recorded { changes, status: Some(check.status), ..Default::default() }))
}

/// A result no newer than the state's last one, or of a paused monitor,
/// is history only: it never moves the state back.
pub(super) fn is_stale(monitor: &monitors::Model, state: &monitor_state::Model, slot: i64) -> bool {
    state.last_check_seq >= slot || monitor.paused
}

/// Plans, swaps the state (compare-and-swap on its last slot) and settles.
/// `None`: another writer moved the state first; the caller rolls back.
pub(super) async fn advance<K: Step>(
    txn: &DatabaseTransaction,
    result: &K,
    monitor: &monitors::Model,
    state: &monitor_state::Model,
    seen: K::Seen,
    check: &Check,
) -> Result<Option<Vec<Uuid>>, DbErr> {
    let Advance { next, plan } = result.plan(txn, monitor, state, seen, check).await?;
    let transition = Transition { from: state.status, to: next };
    let mut update = monitor_state::Entity::update_many()
        .col_expr(monitor_state::Column::ConsecutiveFailures, Expr::value(next.failures))
        .col_expr(monitor_state::Column::ConsecutiveSuccesses, Expr::value(next.successes))
        .col_expr(monitor_state::Column::LastCheckSeq, Expr::value(result.slot()))
        .col_expr(monitor_state::Column::LastCheckedAt, Expr::value(check.checked_at))
        .col_expr(monitor_state::Column::LastLatencyMs, Expr::value(check.latency_ms))
        .col_expr(monitor_state::Column::LastError, Expr::value(check.error.clone()));
    if transition.changed() {
        update = update
            .col_expr(monitor_state::Column::Status, Expr::value(next.status))
            .col_expr(monitor_state::Column::StatusSince, Expr::value(check.checked_at));
    }
    let applied = update
        .filter(monitor_state::Column::MonitorId.eq(monitor.id))
        .filter(monitor_state::Column::LastCheckSeq.eq(state.last_check_seq))
        .exec(txn)
        .await?;
    if applied.rows_affected != 1 {
        return Ok(None);
    }
    result.settle(txn, monitor, transition, check, plan).await.map(Some)
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

/// The history row of a result.
pub(super) fn check_row(result: &impl Step, check: &Check) -> checks::ActiveModel {
    let facts = result.http();
    let ms = |phase: fn(&Phases) -> Option<u32>| {
        facts.and_then(|f| phase(&f.phases)).map(|ms| i32::try_from(ms).unwrap_or(i32::MAX))
    };
    let text = |field: fn(&HttpFacts) -> Option<&str>, max: usize| {
        facts.and_then(field).map(|t| crate::text::truncate(t, max))
    };
    checks::ActiveModel {
        id: Set(check_id(result.monitor_id(), result.slot())),
        monitor_id: Set(result.monitor_id()),
        checked_at: Set(check.checked_at),
        status: Set(check.status),
        latency_ms: Set(check.latency_ms),
        http_status: Set(check.http_status),
        error: Set(check.error.clone()),
        region: Set(check.region.clone()),
        dns_ms: Set(ms(|p| p.dns_ms)),
        connect_ms: Set(ms(|p| p.connect_ms)),
        tls_ms: Set(ms(|p| p.tls_ms)),
        ttfb_ms: Set(ms(|p| p.ttfb_ms)),
        transfer_ms: Set(ms(|p| p.transfer_ms)),
        total_ms: Set(ms(|p| p.total_ms)),
        resolved_ip: Set(facts.and_then(|f| f.resolved_ip).map(|ip| ip.to_string())),
        http_version: Set(text(|f| f.http_version.as_deref(), 8)),
        tls_version: Set(text(|f| f.tls_version.as_deref(), 8)),
        // Bounded where it is made (`probe::excerpt`); the cut here only guards.
        excerpt: Set(facts
            .and_then(|f| f.excerpt.as_deref())
            .map(|e| crate::text::prefix_bytes(e, crate::probe::EXCERPT_MAX).to_owned())),
    }
}

/// The status changes a slot wrote that still await their incident work.
async fn pending_changes(
    db: &DatabaseConnection,
    monitor_id: Uuid,
    slot: i64,
) -> Result<Vec<Uuid>, DbErr> {
    Ok(status_changes::Entity::find()
        .filter(status_changes::Column::MonitorId.eq(monitor_id))
        .filter(status_changes::Column::Seq.eq(slot))
        .filter(status_changes::Column::ProcessedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect())
}

/// The monitor's next state by its thresholds, for a result whose own
/// status is `seen`: the usual [`Step::plan`] of a kind with one target.
pub fn monitor_advance(
    monitor: &monitors::Model,
    state: &monitor_state::Model,
    seen: Status,
) -> State {
    transitions::next(counters(state), seen, thresholds(monitor))
}

/// The monitor's confirmation and recovery counts.
pub fn thresholds(monitor: &monitors::Model) -> Thresholds {
    Thresholds { confirmations: monitor.confirmations, recoveries: monitor.recoveries }
}

/// The stored state as the state machine reads it.
pub fn counters(state: &monitor_state::Model) -> State {
    State {
        status: state.status,
        failures: state.consecutive_failures,
        successes: state.consecutive_successes,
    }
}

/// One status-change row to write: whose (`subject`: '' for the monitor,
/// a runner's name for a runner), between which statuses, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub subject: String,
    pub from: String,
    pub to: String,
    pub cause: Option<String>,
}

/// Writes `change` for `result`'s slot; returns its id.
pub async fn write_change(
    txn: &DatabaseTransaction,
    result: &impl Step,
    check: &Check,
    change: StatusChange,
) -> Result<Uuid, DbErr> {
    let row = status_changes::ActiveModel {
        id: Set(Uuid::now_v7()),
        monitor_id: Set(result.monitor_id()),
        seq: Set(result.slot()),
        from_status: Set(change.from),
        to_status: Set(change.to),
        at: Set(check.checked_at),
        cause: Set(change.cause),
        region: Set(check.region.clone()),
        processed_at: Set(None),
        subject: Set(change.subject),
    };
    Ok(row.insert(txn).await?.id)
}

/// The monitor's own status change when `transition` opens or resolves its
/// incident: the usual [`Step::settle`] of a kind with one target.
pub async fn monitor_change(
    txn: &DatabaseTransaction,
    result: &impl Step,
    transition: Transition,
    check: &Check,
) -> Result<Option<Uuid>, DbErr> {
    if !transition.is_incident_boundary() {
        return Ok(None);
    }
    let change = StatusChange {
        subject: String::new(),
        from: transition.from.as_str().to_owned(),
        to: transition.to.status.as_str().to_owned(),
        cause: check.error.clone(),
    };
    write_change(txn, result, check, change).await.map(Some)
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
