//! Check history made through the result pipeline, as a worker records it:
//! the check row, the monitor's state by its thresholds and, on a change,
//! the incident work. Timestamps are the test's own (say an hour ago), so
//! past history needs no hand-written row.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entities::incidents;
use crate::monitors::Status;
use crate::pipeline::incidents::apply_status_change;
use crate::pipeline::{record_result, CheckResult, Recorded};

/// Most confirmations or recoveries a monitor may ask for.
const MAX_STREAK: i64 = crate::monitors::input::CONFIRMATIONS.1;

/// Checking `monitor` at `at` (its slot too): HTTP 500 and its error when
/// down, 200 otherwise, from region `eu-west`.
pub fn result(monitor: Uuid, at: DateTime<Utc>, status: Status, latency_ms: i32) -> CheckResult {
    let down = status == Status::Down;
    CheckResult {
        monitor_id: monitor,
        slot: at.timestamp_millis(),
        checked_at: at,
        status,
        latency_ms: Some(latency_ms),
        http_status: Some(if down { 500 } else { 200 }),
        error: down.then(|| "HTTP 500".to_owned()),
        region: "eu-west".into(),
        http: None,
    }
}

/// Records `result` and does the incident work of the change it makes, if
/// any, as the workers would.
pub async fn record(db: &DatabaseConnection, result: &CheckResult) -> Recorded {
    let recorded = record_result(db, result).await.expect("record the result");
    for change in &recorded.changes {
        apply_status_change(db, *change).await.expect("apply the status change");
    }
    recorded
}

/// `monitor` goes down at `at`: down results from `at` on (a millisecond
/// apart) until it is confirmed. Returns the incident it opened.
pub async fn down(db: &DatabaseConnection, monitor: Uuid, at: DateTime<Utc>) -> Uuid {
    streak(db, monitor, at, Status::Down).await;
    incidents::Entity::find()
        .filter(incidents::Column::MonitorId.eq(monitor))
        .filter(incidents::Column::ResolvedAt.is_null())
        .order_by_desc(incidents::Column::Number)
        .one(db)
        .await
        .expect("read incidents")
        .expect("going down opened an incident")
        .id
}

/// An outage of `monitor` from `from` to `to`: [`down`], then up results
/// from `to` on until it recovers. Returns the incident it opened and
/// resolved.
pub async fn outage(
    db: &DatabaseConnection,
    monitor: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Uuid {
    let incident = down(db, monitor, from).await;
    streak(db, monitor, to, Status::Up).await;
    incident
}

/// Results of `status` a millisecond apart from `at` until one changes the
/// monitor's status.
async fn streak(db: &DatabaseConnection, monitor: Uuid, at: DateTime<Utc>, status: Status) {
    for n in 0..MAX_STREAK {
        let at = at + chrono::Duration::milliseconds(n);
        if record(db, &result(monitor, at, status, 100)).await.change().is_some() {
            return;
        }
    }
    panic!("{MAX_STREAK} results of {status:?} did not change the monitor's status");
}
