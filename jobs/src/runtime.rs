//! Running the pipeline's roles in a process: the scheduler, and workers for
//! the chosen queues. `runstate` alone runs all of them; `runstate worker`
//! and `runstate scheduler` run their part.

use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::payloads::{CheckJob, NotificationJob, StatusChangeJob};
use crate::queue::{run_worker, Job, JobError, QueueError, WorkerOptions};
use crate::workers::{check, notification, status, PipelineContext};

/// Which parts of the pipeline this process runs.
#[derive(Debug, Clone)]
pub struct Roles {
    pub scheduler: bool,
    pub checks: bool,
    pub status: bool,
    pub notifications: bool,
    /// Jobs handled at once per queue.
    pub concurrency: usize,
}

impl Roles {
    /// Everything: the embedded single-process mode.
    pub fn all(concurrency: usize) -> Self {
        Self { scheduler: true, checks: true, status: true, notifications: true, concurrency }
    }

    /// Workers for the named queues (checks, status, notifications).
    pub fn workers(queues: &[String], concurrency: usize) -> Result<Self, String> {
        let mut roles = Self {
            scheduler: false,
            checks: false,
            status: false,
            notifications: false,
            concurrency,
        };
        for queue in queues {
            match queue.trim() {
                "checks" => roles.checks = true,
                "status" => roles.status = true,
                "notifications" => roles.notifications = true,
                other => {
                    return Err(format!(
                        "unknown queue `{other}`: use checks, status or notifications"
                    ))
                }
            }
        }
        Ok(roles)
    }
}

/// A handle that stops the pipeline's tasks.
pub struct Running {
    stop: watch::Sender<bool>,
    tasks: JoinSet<Result<(), QueueError>>,
}

impl Running {
    /// Asks every task to stop and waits for them (running jobs finish
    /// within the queue's shutdown grace).
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        while let Some(result) = self.tasks.join_next().await {
            match result {
                Ok(Err(err)) => tracing::error!(error = %err, "a pipeline task failed"),
                Err(err) if err.is_panic() => {
                    tracing::error!(error = %err, "a pipeline task panicked")
                }
                _ => {}
            }
        }
    }
}

async fn stopped(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

/// Starts the roles as background tasks.
pub fn start(ctx: PipelineContext, roles: &Roles) -> Running {
    let (stop, rx) = watch::channel(false);
    let mut tasks = JoinSet::new();
    if roles.scheduler {
        let (ctx, rx) = (ctx.clone(), rx.clone());
        tasks.spawn(async move {
            crate::scheduler::run(ctx, stopped(rx)).await;
            Ok(())
        });
    }
    if roles.checks {
        spawn_worker::<CheckJob, _, _>(&mut tasks, &ctx, roles.concurrency, 3, &rx, check::handle);
    }
    if roles.status {
        spawn_worker::<StatusChangeJob, _, _>(
            &mut tasks,
            &ctx,
            roles.concurrency.min(16),
            10,
            &rx,
            status::handle,
        );
    }
    if roles.notifications {
        spawn_worker::<NotificationJob, _, _>(
            &mut tasks,
            &ctx,
            roles.concurrency.min(32),
            3,
            &rx,
            notification::handle,
        );
    }
    Running { stop, tasks }
}

fn spawn_worker<J, F, Fut>(
    tasks: &mut JoinSet<Result<(), QueueError>>,
    ctx: &PipelineContext,
    concurrency: usize,
    max_attempts: u32,
    rx: &watch::Receiver<bool>,
    handle: F,
) where
    J: Job,
    F: Fn(PipelineContext, J) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), JobError>> + Send + 'static,
{
    let opts = WorkerOptions {
        concurrency: concurrency.max(1),
        max_attempts,
        name: format!("runstate-{}", J::QUEUE),
    };
    let queues = ctx.queues.clone();
    let ctx = ctx.clone();
    let handler = move |job: J| handle(ctx.clone(), job);
    tasks.spawn(run_worker(queues, opts, handler, stopped(rx.clone())));
}
