//! [`run_worker`]: consuming one queue until shutdown, surviving backend outages.

use std::future::Future;
use std::time::{Duration, Instant};

use apalis::layers::limit::ConcurrencyLimitLayer;
use apalis::prelude::{BackendExt, WorkerBuilder, WorkerContext, WorkerError};
use apalis_postgres::PostgresStorage;
use apalis_redis::RedisStorage;
use apalis_sqlite::SqliteStorage;
use futures::future::BoxFuture;
use futures::FutureExt;
use serde_json::Value;
use tokio_util::task::TaskTracker;

use super::queues::Store;
use super::service::JobService;
use super::wakeup::Wakeup;
use super::{Job, JobError, QueueError, Queues};

/// How a worker consumes its queue.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Jobs handled at once by this worker.
    pub concurrency: usize,
    /// Deliveries of one job before a [`JobError::Retry`] drops it (at least 1).
    pub max_attempts: u32,
    /// Prefix of the worker's name in the backend and in logs; a unique suffix
    /// is added per start, so several processes may share it.
    pub name: String,
}

/// How often a worker removes old finished jobs.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60);
/// How often the queue's table statistics are refreshed (embedded only).
const STATISTICS_EVERY: Duration = Duration::from_secs(15);

/// Consumes J until `shutdown` completes; each job handled at least once; handler errors per JobError.
///
/// When the backend fails (Redis restarted, database gone) the apalis worker
/// stops; this loop starts a fresh one with growing pauses, so the worker
/// resumes by itself. Handlers the failed worker was running go on to their
/// end; its jobs return to the queue after `orphan_after`. On shutdown,
/// running handlers get `shutdown_grace` to finish.
pub async fn run_worker<J, F, Fut>(
    queues: Queues,
    opts: WorkerOptions,
    handler: F,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), QueueError>
where
    J: Job,
    F: Fn(J) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<(), JobError>> + Send + 'static,
{
    if opts.concurrency == 0 {
        return Err(QueueError::InvalidConfig("concurrency must be at least 1"));
    }
    if opts.max_attempts == 0 {
        return Err(QueueError::InvalidConfig("max_attempts must be at least 1"));
    }
    let _housekeeping = Guard(tokio::spawn(housekeeping(queues.clone(), J::QUEUE)));
    let shutdown = shutdown.boxed().shared();
    // Shared by every apalis worker this loop starts, so that a restart
    // leaves running handlers alone and a shutdown waits for all of them.
    let handlers = TaskTracker::new();
    let mut failures: u32 = 0;
    loop {
        // A fresh name per start: apalis refuses to register a name that was
        // alive moments ago, and a restarted worker must not wait for that.
        let name = format!("{}-{}", opts.name, &uuid::Uuid::new_v4().simple().to_string()[..12]);
        let ctx = WorkerContext::new(&name);
        let service = JobService::<J, F>::new(
            handler.clone(),
            queues.clone(),
            opts.max_attempts,
            handlers.clone(),
        );
        let mut run = start(&queues, &ctx, J::QUEUE, opts.concurrency, service);
        let started = Instant::now();
        tracing::info!(queue = J::QUEUE, worker = %name, backend = queues.name(), "worker started");
        let outcome = tokio::select! {
            outcome = &mut run => outcome,
            () = shutdown.clone() => {
                stop(&ctx, run, &handlers, queues.config.shutdown_grace).await;
                tracing::info!(queue = J::QUEUE, worker = %name, "worker stopped");
                return Ok(());
            }
        };
        if started.elapsed() > Duration::from_secs(60) {
            failures = 0;
        }
        failures = failures.saturating_add(1);
        let pause = restart_pause(failures);
        match outcome {
            Err(err) => tracing::warn!(
                queue = J::QUEUE, worker = %name, error = %err, ?pause,
                "worker lost its backend; restarting"
            ),
            Ok(()) => tracing::warn!(
                queue = J::QUEUE, worker = %name, ?pause, "worker ended by itself; restarting"
            ),
        }
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            () = shutdown.clone() => return Ok(()),
        }
    }
}

/// 0.5 s, 1 s, 2 s … up to 10 s between restarts.
fn restart_pause(failures: u32) -> Duration {
    let millis = 500u64.saturating_mul(1 << failures.saturating_sub(1).min(5));
    Duration::from_millis(millis.min(10_000))
}

/// Graceful stop: no new jobs, running ones (those of earlier starts too)
/// may finish within `grace`.
async fn stop(
    ctx: &WorkerContext,
    run: BoxFuture<'static, Result<(), WorkerError>>,
    handlers: &TaskTracker,
    grace: Duration,
) {
    let deadline = tokio::time::Instant::now() + grace;
    match ctx.stop() {
        // Not started yet: nothing of it runs, dropping it is enough.
        Err(err) => {
            tracing::debug!(worker = ctx.name(), error = %err, "worker not running at shutdown");
        }
        Ok(()) => match tokio::time::timeout_at(deadline, run).await {
            Ok(Ok(())) => {}
            Ok(Err(err)) => tracing::warn!(worker = ctx.name(), error = %err, "worker stop failed"),
            Err(_) => {}
        },
    }
    handlers.close();
    if tokio::time::timeout_at(deadline, handlers.wait()).await.is_err() {
        tracing::warn!(
            worker = ctx.name(),
            ?grace,
            running = handlers.len(),
            "handlers still running at the end of the grace period; their jobs will be redelivered"
        );
    }
}

/// Builds the apalis worker for the queues' backend and starts it.
fn start<J, F, Fut>(
    queues: &Queues,
    ctx: &WorkerContext,
    queue: &'static str,
    concurrency: usize,
    service: JobService<J, F>,
) -> BoxFuture<'static, Result<(), WorkerError>>
where
    J: Job,
    F: Fn(J) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<(), JobError>> + Send + 'static,
{
    let config = &queues.config;
    let wakeup = Wakeup::new(queues.waker(queue), config.poll_interval);
    // A fetch takes at most `concurrency` jobs: more would sit reserved in
    // this worker's buffer while another worker could run them.
    let limit = ConcurrencyLimitLayer::new(concurrency);
    match &queues.store {
        Store::Redis(conn) => {
            let storage = RedisStorage::<Value>::new(conn.clone())
                .with_config(config.redis(queue, concurrency))
                .poll_with_strategy(wakeup);
            WorkerBuilder::new(ctx).backend(storage).layer(limit).build(service).run().boxed()
        }
        Store::Sqlite { pool, .. } => {
            let storage = SqliteStorage::<Value>::new(pool)
                .with_config(config.sqlite(queue, concurrency))
                .poll_with_strategy(wakeup);
            WorkerBuilder::new(ctx).backend(storage).layer(limit).build(service).run().boxed()
        }
        Store::Postgres { pool, .. } => {
            let storage = PostgresStorage::<Value>::new(pool)
                .with_config(config.postgres(queue, concurrency))
                .poll_with_strategy(wakeup);
            WorkerBuilder::new(ctx).backend(storage).layer(limit).build(service).run().boxed()
        }
    }
}

/// Removes old finished jobs of `queue` every minute, for as long as the
/// worker runs, and refreshes the table statistics the queue's plans need
/// more often (the table fills fast under load; a refresh costs milliseconds).
async fn housekeeping(queues: Queues, queue: &'static str) {
    // Not at start-up: a restarting fleet has better things to do first.
    let start = tokio::time::Instant::now();
    let mut purge = tokio::time::interval_at(start + HOUSEKEEPING_EVERY, HOUSEKEEPING_EVERY);
    let mut statistics = tokio::time::interval_at(start + STATISTICS_EVERY, STATISTICS_EVERY);
    loop {
        tokio::select! {
            _ = purge.tick() => match queues.purge_finished(queue).await {
                Ok(0) => {}
                Ok(removed) => tracing::debug!(queue, removed, "removed finished jobs"),
                Err(err) => tracing::warn!(queue, error = %err, "queue housekeeping failed"),
            },
            _ = statistics.tick() => refresh_statistics(&queues, queue).await,
        }
    }
}

async fn refresh_statistics(queues: &Queues, queue: &'static str) {
    if let Err(err) = queues.refresh_statistics(STATISTICS_EVERY).await {
        tracing::warn!(queue, error = %err, "refreshing the queue's statistics failed");
    }
}

/// Aborts a background task when the worker returns.
struct Guard(tokio::task::JoinHandle<()>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.abort();
    }
}
