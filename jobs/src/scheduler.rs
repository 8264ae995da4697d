//! The scheduler: claims due monitors and enqueues their checks; sweeps the
//! outbox for status changes and notifications whose jobs were lost or whose
//! retry time has come, releases notifications held through maintenance and
//! publishes public incident drafts whose delay is over; and runs the status
//! page subscribers' pass (`subscribers.rs`).
//! Several schedulers may run: claims never overlap.
//! It also starts the retention pass at start and every hour, and the rollup
//! pass at start and every minute, each as a task of its own so that neither
//! ever delays a check.

use std::time::Duration;

use domain::pipeline::claim_due;
use domain::pipeline::notifications::{due, stuck_changes};

use crate::payloads::{CheckJob, NotificationJob, StatusChangeJob, QUEUES};
use crate::queue::{Job, QueueError};
use crate::workers::PipelineContext;

/// How often due monitors are claimed.
const TICK: Duration = Duration::from_millis(200);
/// Claims per statement batch.
const BATCH: u64 = 1000;
/// Every this many ticks, the outbox is swept and queue depths measured.
const SWEEP_EVERY: u32 = 5;
/// How often pages' notices to subscribers are looked for (a few queries
/// per page with subscribers); deliveries are sent every sweep.
const RECORD_NOTICES_EVERY: Duration = Duration::from_secs(5);
/// How often old history is deleted.
const RETENTION_EVERY: Duration = Duration::from_secs(3600);
/// How often check rollups are brought up to date (a minute is final two
/// minutes after it ends).
const ROLLUP_EVERY: Duration = Duration::from_secs(60);

/// Runs until `shutdown` completes.
pub async fn run(ctx: PipelineContext, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The first tick is immediate: a pass at start.
    let mut prune = tokio::time::interval(RETENTION_EVERY);
    prune.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut pruning: Option<tokio::task::JoinHandle<_>> = None;
    let mut roll_up = tokio::time::interval(ROLLUP_EVERY);
    roll_up.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut rolling: Option<tokio::task::JoinHandle<_>> = None;
    let mut notifying: Option<tokio::task::JoinHandle<_>> = None;
    let mut recorded_at: Option<std::time::Instant> = None;
    let mut ticks: u32 = 0;
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            _ = tick.tick() => {}
            _ = prune.tick() => {
                if pruning.as_ref().is_none_or(|pass| pass.is_finished()) {
                    let pass = crate::retention::run_pass(ctx.db.clone(), ctx.retention);
                    pruning = Some(tokio::spawn(pass));
                }
                continue;
            }
            _ = roll_up.tick() => {
                if rolling.as_ref().is_none_or(|pass| pass.is_finished()) {
                    rolling = Some(tokio::spawn(crate::rollups::run_pass(ctx.db.clone())));
                }
                continue;
            }
        }
        if let Err(err) = schedule(&ctx).await {
            tracing::warn!(error = %err, "scheduling failed; retrying next tick");
        }
        ticks = ticks.wrapping_add(1);
        if ticks.is_multiple_of(SWEEP_EVERY) {
            if let Err(err) = sweep(&ctx).await {
                tracing::warn!(error = %err, "outbox sweep failed; retrying");
            }
            // Status page subscribers, in a task of their own: slow mail
            // servers must not delay the checks.
            if notifying.as_ref().is_none_or(|pass| pass.is_finished()) {
                let record = recorded_at.is_none_or(|at| at.elapsed() >= RECORD_NOTICES_EVERY);
                if record {
                    recorded_at = Some(std::time::Instant::now());
                }
                let pass = crate::subscribers::run_pass(ctx.clone(), record);
                notifying = Some(tokio::spawn(pass));
            }
        }
    }
    let passes = [
        pruning.map(|p| p.abort_handle()),
        rolling.map(|p| p.abort_handle()),
        notifying.map(|p| p.abort_handle()),
    ];
    for pass in passes.into_iter().flatten() {
        pass.abort();
    }
}

/// Claims everything due now and enqueues it, as far as the check queue has
/// room: a backlog only makes every check later (and costs the queue more
/// per job), while a monitor left due is simply claimed once on a later tick.
async fn schedule(ctx: &PipelineContext) -> Result<(), QueueError> {
    let mut room = ctx.max_queued_checks.saturating_sub(ctx.queues.depth(CheckJob::QUEUE).await?);
    loop {
        if room == 0 {
            metrics::counter!(crate::metrics::SCHEDULER_BACKPRESSURE).increment(1);
            return Ok(());
        }
        let now = domain::db::now(&ctx.db).await.map_err(QueueError::Database)?;
        let limit = room.min(BATCH);
        let due = claim_due(&ctx.db, now, limit).await.map_err(QueueError::Database)?;
        room -= due.len() as u64;
        if let Some(oldest) = due.iter().map(|d| d.slot).min() {
            let lag = (now.timestamp_millis() - oldest).max(0);
            metrics::histogram!(crate::metrics::SCHEDULER_LAG).record(lag as f64 / 1000.0);
        }
        let claimed = due.len();
        let jobs: Vec<CheckJob> =
            due.iter().map(|d| CheckJob { monitor_id: d.monitor_id, slot: d.slot }).collect();
        if !jobs.is_empty() {
            if let Err(err) = ctx.queues.push_many(jobs).await {
                // The queue is down: hand the slots back rather than skip them.
                domain::pipeline::scheduling::release(&ctx.db, &due)
                    .await
                    .map_err(QueueError::Database)?;
                return Err(err);
            }
        }
        if (claimed as u64) < limit {
            return Ok(());
        }
    }
}

/// Re-enqueues lost status changes and due notifications; reports depths.
async fn sweep(ctx: &PipelineContext) -> Result<(), QueueError> {
    // The database's clock, as the notification leases are.
    let now = domain::db::now(&ctx.db).await.map_err(QueueError::Database)?;
    let changes = stuck_changes(&ctx.db, now - chrono::Duration::seconds(30), 500)
        .await
        .map_err(QueueError::Database)?;
    if !changes.is_empty() {
        tracing::info!(count = changes.len(), "re-enqueueing status changes");
        ctx.queues
            .push_many(changes.into_iter().map(|change_id| StatusChangeJob { change_id }).collect())
            .await?;
    }
    // Notifications held through a maintenance window that has ended: the
    // net change is sent now, the rest suppressed (decision 110).
    let released = domain::maintenance::hold::release_due(&ctx.db, now, 500)
        .await
        .map_err(QueueError::Database)?;
    if !released.is_empty() {
        let jobs = released.into_iter().map(|notification_id| NotificationJob { notification_id });
        ctx.queues.push_many(jobs.collect()).await?;
    }
    // Drafts of public incidents whose delay is over (decision 114).
    // A failure here must not hold up the notifications below.
    match domain::status_pages::incidents::automatic::publish_due(&ctx.db, now).await {
        Ok(0) => {}
        Ok(count) => tracing::info!(count, "published public incident drafts"),
        Err(err) => tracing::warn!(error = %err, "publishing due incident drafts failed"),
    }
    // A grace of two seconds leaves fresh notifications to the status worker.
    let notifications = due(&ctx.db, now - chrono::Duration::seconds(2), 500)
        .await
        .map_err(QueueError::Database)?;
    if !notifications.is_empty() {
        let jobs = notifications
            .into_iter()
            .map(|notification_id| NotificationJob { notification_id })
            .collect();
        ctx.queues.push_many(jobs).await?;
    }
    if let Ok(open) = domain::history::incidents::count_open(&ctx.db).await {
        metrics::gauge!(crate::metrics::INCIDENTS_OPEN).set(open as f64);
    }
    for queue in QUEUES {
        if let Ok(depth) = ctx.queues.depth(queue).await {
            metrics::gauge!(crate::metrics::QUEUE_DEPTH, "queue" => queue).set(depth as f64);
        }
    }
    Ok(())
}
