//! A heartbeat monitor's claim: no network, only a verdict on the pings
//! stored so far, judged at the claimed instant (the grace's end, a run's
//! `max_runtime`, or the interval) and recorded through the one skeleton
//! (not the batching writer: a verdict reads the pings inside its own
//! transaction, and heartbeats are judged at most once per period).

use chrono::DateTime;
use domain::entities::monitors;
use domain::heartbeats::record::Judgement;
use domain::heartbeats::HeartbeatSpec;

use super::{retry, PipelineContext};
use crate::payloads::StatusChangeJob;
use crate::queue::JobError;

/// Judges `monitor` at `slot` and records the verdict; idempotent per slot.
pub async fn handle(
    ctx: &PipelineContext,
    monitor: &monitors::Model,
    spec: &HeartbeatSpec,
    slot: i64,
) -> Result<(), JobError> {
    let Some(at) = DateTime::from_timestamp_millis(slot) else {
        return Err(JobError::Fatal(format!("monitor {}: slot {slot} is no time", monitor.id)));
    };
    let judgement = Judgement {
        monitor_id: monitor.id,
        slot,
        at,
        spec: spec.clone(),
        region: ctx.region.clone(),
    };
    let started = std::time::Instant::now();
    let recorded = domain::pipeline::record(&ctx.db, &judgement).await.map_err(retry)?;
    // The verdict is reached while recording (from the pings stored), so it
    // is counted from what was written; a redelivered slot is not counted twice.
    if let Some(label) = recorded.status.and_then(crate::metrics::ResultLabel::of) {
        crate::metrics::count_check(monitor.kind, label, started.elapsed());
    }
    for change_id in recorded.changes {
        tracing::info!(monitor_id = %monitor.id, %change_id, "heartbeat status changed");
        ctx.queues.push(StatusChangeJob { change_id }).await.map_err(retry)?;
    }
    Ok(())
}
