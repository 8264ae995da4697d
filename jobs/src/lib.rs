//! RunState's job queues and the processes that use them: the scheduler and
//! the workers. In distributed mode the queues live in Redis; in embedded mode
//! they live in the database, so one process needs nothing else.

pub mod checks;
pub mod metrics;
pub mod notify;
pub mod outbound;
pub mod payloads;
pub mod queue;
pub mod retention;
pub mod rollups;
pub mod runtime;
pub mod scheduler;
pub mod subscribers;
#[cfg(feature = "testing")]
pub mod testing;
pub mod workers;

pub use queue::{
    record_monitor, run_worker, Job, JobError, QueueConfig, QueueError, Queues, WorkerOptions,
};
