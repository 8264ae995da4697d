//! The check worker: performs one check with bounded time and memory,
//! records the result and, on a status change, enqueues the incident work.
//! Runner monitors are listed and recorded by [`super::runners`], TLS
//! monitors by [`super::tls`], domain monitors by [`super::domains`].

use std::time::{Duration, Instant};

use chrono::Utc;
use domain::entities::monitors;
use domain::monitors::{Status, Target};
use domain::pipeline::CheckResult;
use sea_orm::EntityTrait;

use super::{retry, PipelineContext};
use crate::checks::{check_http_at, check_icmp, check_tcp, CheckOutcome};
use crate::metrics::ResultLabel;
use crate::payloads::{CheckJob, StatusChangeJob};
use crate::queue::JobError;

/// Handles one check job; idempotent per (monitor, slot).
pub async fn handle(ctx: PipelineContext, job: CheckJob) -> Result<(), JobError> {
    let Some(monitor) =
        monitors::Entity::find_by_id(job.monitor_id).one(&ctx.db).await.map_err(retry)?
    else {
        return Ok(()); // deleted since it was scheduled
    };
    if monitor.paused {
        return Ok(());
    }
    let target = Target::from_config(monitor.kind, &monitor.config)
        .map_err(|e| JobError::Fatal(format!("monitor {}: {e}", monitor.id)))?;
    let timeout = Duration::from_millis(u64::try_from(monitor.timeout_ms).unwrap_or(10_000));
    let checked_at = Utc::now();
    let started = Instant::now();
    let outcome: CheckOutcome = match &target {
        Target::Http(stored) => match ctx.monitors.http_spec(&monitor, stored) {
            Ok(spec) => check_http_at(&ctx.outbound, &spec, timeout, checked_at).await,
            Err(err) => {
                tracing::error!(monitor_id = %monitor.id, error = %err, "cannot read the HTTP monitor's secrets");
                CheckOutcome {
                    status: Status::Down,
                    latency_ms: None,
                    http_status: None,
                    error: Some(
                        "the stored headers and body cannot be read; set them again".into(),
                    ),
                    http: None,
                }
            }
        },
        Target::Tcp(spec) => check_tcp(&ctx.outbound, spec, timeout).await,
        Target::Dns(spec) => super::dns::check(&ctx, &monitor, spec, timeout, checked_at).await?,
        Target::Icmp(spec) => check_icmp(&ctx.outbound, spec, timeout).await,
        Target::GithubRunners(spec) => {
            return super::runners::handle(&ctx, &monitor, spec, job.slot, timeout).await
        }
        Target::Tls(spec) => {
            return super::tls::handle(&ctx, &monitor, spec, job.slot, timeout).await
        }
        Target::Domain(spec) => {
            return super::domains::handle(&ctx, &monitor, spec, job.slot, timeout).await
        }
        Target::Heartbeat(spec) => {
            return super::heartbeats::handle(&ctx, &monitor, spec, job.slot).await
        }
    };
    let label = ResultLabel::of(outcome.status).unwrap_or(ResultLabel::Down);
    crate::metrics::count_check(monitor.kind, label, started.elapsed());
    if let Some(http) = &outcome.http {
        crate::metrics::record_phases(&http.phases);
    }

    let result = CheckResult {
        monitor_id: monitor.id,
        slot: job.slot,
        checked_at,
        status: outcome.status,
        latency_ms: outcome.latency_ms.and_then(|l| i32::try_from(l).ok()),
        http_status: outcome.http_status.and_then(|s| i16::try_from(s).ok()),
        error: outcome.error,
        http: outcome.http,
        region: ctx.region.clone(),
    };
    let status = result.status;
    let recorded = ctx.results.record(result).await.map_err(retry)?;
    if let Some(change_id) = recorded.change() {
        tracing::info!(monitor_id = %monitor.id, %change_id, %status, "status changed");
        ctx.queues.push(StatusChangeJob { change_id }).await.map_err(retry)?;
    }
    Ok(())
}
