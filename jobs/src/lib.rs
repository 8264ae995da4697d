//! RunState's job queues and the processes that use them: the scheduler and
//! the workers. In distributed mode the queues live in Redis; in embedded mode
//! they live in the database, so one process needs nothing else.

pub mod queue;

pub use queue::{
    run_worker, Job, JobError, QueueBackend, QueueConfig, QueueError, Queues, WorkerOptions,
};
