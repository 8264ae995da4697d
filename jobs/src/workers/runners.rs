//! Checking a runner monitor: list its runners on GitHub (unless GitHub
//! asked us to wait), record the listing with every runner's health
//! (through the batching writer, [`super::results`]), and enqueue the
//! incident work of each runner or listing that changed.

use std::time::Duration;

use chrono::Utc;
use domain::entities::monitors;
use domain::monitors::GithubRunnersSpec;
use domain::runners::{listing_state, ListingOutcome, ListingResult};

use super::{retry, PipelineContext};
use crate::checks::github::{list_runners, Listing};
use crate::metrics::ResultLabel;
use crate::payloads::StatusChangeJob;
use crate::queue::JobError;

/// Lists and records one slot of a runner monitor; idempotent per slot.
pub async fn handle(
    ctx: &PipelineContext,
    monitor: &monitors::Model,
    spec: &GithubRunnersSpec,
    slot: i64,
    timeout: Duration,
) -> Result<(), JobError> {
    let state = listing_state(&ctx.db, monitor.id).await.map_err(retry)?;
    let checked_at = Utc::now();
    let listing = match state.rate_limited_until.filter(|until| *until > checked_at) {
        // Still inside GitHub's wait: no request at all.
        Some(until) => Listing {
            outcome: ListingOutcome::RateLimited {
                until,
                error: format!("rate limited until {}", until.format("%Y-%m-%d %H:%M:%S UTC")),
            },
            http_status: None,
            elapsed: Duration::ZERO,
        },
        None => match ctx.monitors.github_token(monitor) {
            Ok(token) => list_runners(&ctx.outbound, spec, &token, &state.pages, timeout).await,
            Err(err) => {
                tracing::error!(monitor_id = %monitor.id, error = %err, "cannot read the GitHub token");
                Listing {
                    outcome: ListingOutcome::Failed {
                        error: "the stored GitHub token cannot be read; set it again".into(),
                    },
                    http_status: None,
                    elapsed: Duration::ZERO,
                }
            }
        },
    };
    let (outcome, result) = match &listing.outcome {
        ListingOutcome::Listed { .. } => ("listed", ResultLabel::Up),
        ListingOutcome::Unchanged => ("unchanged", ResultLabel::Up),
        ListingOutcome::RateLimited { .. } => ("rate_limited", ResultLabel::Throttled),
        ListingOutcome::Failed { .. } => ("failed", ResultLabel::Down),
    };
    metrics::counter!(crate::metrics::RUNNER_LISTINGS, "outcome" => outcome).increment(1);
    crate::metrics::count_check(monitor.kind, result, listing.elapsed);
    if let ListingOutcome::Failed { error } | ListingOutcome::RateLimited { error, .. } =
        &listing.outcome
    {
        let error = domain::text::remote(error);
        tracing::info!(monitor_id = %monitor.id, %error, "runner listing did not complete");
    }

    let result = ListingResult {
        monitor_id: monitor.id,
        slot,
        checked_at,
        latency_ms: i32::try_from(listing.elapsed.as_millis()).ok(),
        http_status: listing.http_status.and_then(|s| i16::try_from(s).ok()),
        outcome: listing.outcome,
        region: ctx.region.clone(),
    };
    // Through the process's batching writer, like every other result.
    let recorded = ctx.results.record(result).await.map_err(retry)?;
    if !recorded.changes.is_empty() {
        tracing::info!(monitor_id = %monitor.id, changes = recorded.changes.len(), "runner status changed");
        let jobs = recorded.changes.into_iter().map(|change_id| StatusChangeJob { change_id });
        ctx.queues.push_many(jobs.collect()).await.map_err(retry)?;
    }
    Ok(())
}
