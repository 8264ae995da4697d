//! A heartbeat monitor's claim: no network, only a verdict on the pings
//! stored so far, judged at the claimed instant (the grace's end, a run's
//! `max_runtime`, or the interval) and recorded through the one skeleton.

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
    let recorded = domain::pipeline::record(&ctx.db, &judgement).await.map_err(retry)?;
    for change_id in recorded.changes {
        tracing::info!(monitor_id = %monitor.id, %change_id, "heartbeat status changed");
        ctx.queues.push(StatusChangeJob { change_id }).await.map_err(retry)?;
    }
    Ok(())
}
