//! The tower service a worker runs for each delivered job: decode, call the
//! handler, and turn its outcome into what the storage records.

use std::future::Future;
use std::marker::PhantomData;
use std::task::{Context, Poll};

use apalis::prelude::{AbortError, BoxDynError, Task};
use futures::future::BoxFuture;
use futures::FutureExt;
use serde_json::Value;
use tokio_util::task::TaskTracker;
use tower::Service;
use tracing::Instrument;

use super::{Job, JobError, Queues};

/// Runs handler `F` for jobs of type `J`.
///
/// Outcomes, as the storage sees them:
/// - success: acknowledged (Done);
/// - [`JobError::Retry`] before the last attempt: a copy is pushed with the
///   next attempt number and a backoff delay, and this delivery is acknowledged
///   (apalis's own retries are not used: SQLite would redeliver at once, Redis
///   after a linear delay capped at 25 attempts, whatever the worker's limit);
/// - [`JobError::Retry`] on the last attempt, [`JobError::Fatal`], an
///   undecodable payload: aborted (Killed), kept for `keep_dead`, never redelivered;
/// - a panic counts as a retry.
pub(crate) struct JobService<J, F> {
    handler: F,
    queues: Queues,
    max_attempts: u32,
    /// Where handlers run: they outlive the apalis worker that started them.
    handlers: TaskTracker,
    job: PhantomData<fn() -> J>,
}

impl<J, F> JobService<J, F> {
    /// A service calling `handler` on `handlers`, allowing `max_attempts`
    /// deliveries per job.
    pub(crate) fn new(
        handler: F,
        queues: Queues,
        max_attempts: u32,
        handlers: TaskTracker,
    ) -> Self {
        Self { handler, queues, max_attempts, handlers, job: PhantomData }
    }
}

impl<J, F, Fut> Service<Task<Value>> for JobService<J, F>
where
    J: Job,
    F: Fn(J) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<(), JobError>> + Send + 'static,
{
    type Response = ();
    type Error = BoxDynError;
    type Future = BoxFuture<'static, Result<(), BoxDynError>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, task: Task<Value>) -> Self::Future {
        let attempt = Queues::attempt_of(&task);
        let task_id = task.ctx().task_id().map(ToString::to_string).unwrap_or_default();
        let (handler, queues, max_attempts, handlers) =
            (self.handler.clone(), self.queues.clone(), self.max_attempts, self.handlers.clone());
        let payload = task.args;
        // Every log line of the job, the handler's included, carries these.
        let span = tracing::info_span!(
            "job",
            queue = J::QUEUE,
            task_id = %task_id,
            attempt,
            monitor_id = tracing::field::Empty,
        );
        async move {
            let queue = J::QUEUE;
            let job = match J::deserialize(&payload) {
                Ok(job) => job,
                Err(err) => {
                    tracing::error!(queue, task_id, error = %err, "undecodable job dropped");
                    return Err(abort(err.to_string()));
                }
            };
            if let Some(monitor_id) = job.monitor_id() {
                super::record_monitor(monitor_id);
            }
            match run_handler(&handlers, handler, job).await {
                Ok(()) => Ok(()),
                Err(JobError::Fatal(reason)) => {
                    metrics::counter!(crate::metrics::JOBS_DEAD, "queue" => queue).increment(1);
                    tracing::error!(queue, task_id, attempt, %reason, "job failed for good");
                    Err(abort(reason))
                }
                Err(JobError::Retry(reason)) if attempt >= max_attempts => {
                    metrics::counter!(crate::metrics::JOBS_DEAD, "queue" => queue).increment(1);
                    tracing::error!(queue, task_id, attempt, %reason, "job out of attempts");
                    Err(abort(reason))
                }
                Err(JobError::Retry(reason)) => {
                    metrics::counter!(crate::metrics::JOBS_RETRIED, "queue" => queue).increment(1);
                    let delay = queues.config.retry_delay(attempt);
                    tracing::warn!(queue, task_id, attempt, ?delay, %reason, "job will be retried");
                    // If even the push fails, a plain error leaves the job to
                    // the storage's own redelivery: late, but not lost.
                    queues.push_retry(queue, payload, attempt + 1, delay).await?;
                    Ok(())
                }
            }
        }
        .instrument(span)
        .boxed()
    }
}

/// Runs the handler on its own task: handlers use every core and a panic
/// stays contained. Dropping this future does not stop the handler: when a
/// worker loses its backend (Redis restarted, or another worker took it for
/// dead) apalis drops every job it was running, and a delivery that already
/// reached its receiver must still record that it did, or it is sent again
/// once its lease runs out. The job is not acknowledged then; its next
/// delivery finds the work done (handlers are idempotent).
async fn run_handler<J, F, Fut>(handlers: &TaskTracker, handler: F, job: J) -> Result<(), JobError>
where
    F: Fn(J) -> Fut,
    Fut: Future<Output = Result<(), JobError>> + Send + 'static,
{
    // A spawned task starts outside any span: hand it the job's.
    let span = tracing::Span::current();
    match handlers.spawn(handler(job).instrument(span)).await {
        Ok(outcome) => outcome,
        Err(err) if err.is_panic() => Err(JobError::Retry("the handler panicked".to_owned())),
        Err(_) => Err(JobError::Retry("the handler was cancelled".to_owned())),
    }
}

fn abort(reason: String) -> BoxDynError {
    Box::new(AbortError::new(reason))
}
