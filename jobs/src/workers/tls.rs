//! Checking a `tls` monitor: one handshake, recorded through the batching
//! writer with the certificate it saw ([`domain::tls::TlsResult`]); a status
//! change enqueues its incident work. Certificate notifications (a crossed
//! threshold, a replaced certificate) are written while recording and
//! delivered by the scheduler's sweep.

use std::time::{Duration, Instant};

use chrono::Utc;
use domain::entities::monitors;
use domain::tls::{TlsOutcome, TlsResult, TlsSpec};

use super::{retry, PipelineContext};
use crate::checks::check_tls;
use crate::metrics::ResultLabel;
use crate::payloads::StatusChangeJob;
use crate::queue::JobError;

/// Checks and records one slot of a `tls` monitor; idempotent per slot.
pub async fn handle(
    ctx: &PipelineContext,
    monitor: &monitors::Model,
    spec: &TlsSpec,
    slot: i64,
    timeout: Duration,
) -> Result<(), JobError> {
    let checked_at = Utc::now();
    let started = Instant::now();
    let checked = check_tls(&ctx.outbound, spec, timeout).await;
    let result = match checked.outcome {
        TlsOutcome::Valid { .. } => ResultLabel::Up,
        _ => ResultLabel::Down,
    };
    crate::metrics::count_check(monitor.kind, result, started.elapsed());
    let result = TlsResult {
        monitor_id: monitor.id,
        slot,
        checked_at,
        latency_ms: checked.latency_ms.and_then(|l| i32::try_from(l).ok()),
        outcome: checked.outcome,
        region: ctx.region.clone(),
    };
    let recorded = ctx.results.record(result).await.map_err(retry)?;
    if let Some(change_id) = recorded.change() {
        tracing::info!(monitor_id = %monitor.id, %change_id, "certificate status changed");
        ctx.queues.push(StatusChangeJob { change_id }).await.map_err(retry)?;
    }
    Ok(())
}
