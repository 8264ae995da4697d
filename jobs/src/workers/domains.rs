//! Checking a `domain` monitor: one RDAP lookup, recorded through the
//! batching writer with the registration it read
//! ([`domain::registrations::DomainResult`]); a status change enqueues its
//! incident work. An expiry warning is written while recording and delivered
//! by the scheduler's sweep.

use std::time::{Duration, Instant};

use chrono::Utc;
use domain::entities::monitors;
use domain::registrations::{DomainOutcome, DomainResult, DomainSpec};

use super::{retry, PipelineContext};
use crate::checks::check_domain;
use crate::metrics::ResultLabel;
use crate::payloads::StatusChangeJob;
use crate::queue::JobError;

/// Looks up and records one slot of a `domain` monitor; idempotent per slot.
pub async fn handle(
    ctx: &PipelineContext,
    monitor: &monitors::Model,
    spec: &DomainSpec,
    slot: i64,
    timeout: Duration,
) -> Result<(), JobError> {
    let checked_at = Utc::now();
    let started = Instant::now();
    let checked = check_domain(&ctx.outbound, &ctx.rdap, spec, timeout).await;
    let result = match checked.outcome {
        DomainOutcome::Found { .. } => ResultLabel::Up,
        DomainOutcome::RateLimited { .. } => ResultLabel::Throttled,
        DomainOutcome::NotFound { .. } | DomainOutcome::Failed { .. } => ResultLabel::Down,
    };
    crate::metrics::count_check(monitor.kind, result, started.elapsed());
    let result = DomainResult {
        monitor_id: monitor.id,
        slot,
        checked_at,
        latency_ms: checked.latency_ms.and_then(|l| i32::try_from(l).ok()),
        outcome: checked.outcome,
        region: ctx.region.clone(),
    };
    let recorded = ctx.results.record(result).await.map_err(retry)?;
    if let Some(change_id) = recorded.change() {
        tracing::info!(monitor_id = %monitor.id, %change_id, "domain status changed");
        ctx.queues.push(StatusChangeJob { change_id }).await.map_err(retry)?;
    }
    Ok(())
}
