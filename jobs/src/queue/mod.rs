//! The job queues of the monitoring pipeline, on apalis 1.0.
//!
//! Producers call [`Queues::push`]; consumers run [`run_worker`]. Where the jobs
//! live is decided once, in [`Queues::connect`]: Redis in distributed mode, the
//! application's own database (SQLite or Postgres) in embedded mode. Delivery is
//! at least once, so every handler must be idempotent.

mod config;
mod housekeeping;
mod queues;
mod service;
mod sql;
mod wakeup;
mod worker;

pub use config::QueueConfig;
pub use queues::Queues;
pub use worker::{run_worker, WorkerOptions};

use std::time::Duration;

/// A job type: its payload is shared by producer and worker; QUEUE is a stable name.
///
/// The payload is stored as JSON, so a field added later needs `#[serde(default)]`
/// for jobs already queued; a payload that no longer decodes is dropped and logged.
pub trait Job:
    serde::Serialize + serde::de::DeserializeOwned + Send + Sync + Unpin + 'static
{
    /// The queue's name, part of the storage keys: never rename it.
    const QUEUE: &'static str;

    /// The monitor the job is about, when the payload names it; the job's
    /// span carries it (handlers that learn it later call [`record_monitor`]).
    fn monitor_id(&self) -> Option<uuid::Uuid> {
        None
    }
}

/// Names the monitor of the job being handled in its span (`monitor_id`),
/// for handlers whose payload does not carry it.
pub fn record_monitor(monitor_id: uuid::Uuid) {
    tracing::Span::current().record("monitor_id", tracing::field::display(monitor_id));
}

/// How a handler failed, and so what happens to its job.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// Transient: redelivered with exponential backoff, up to max attempts.
    #[error("retry: {0}")]
    Retry(String),
    /// Permanent: dropped and logged.
    #[error("fatal: {0}")]
    Fatal(String),
}

/// A boxed error from a storage crate, kept as the source of a [`QueueError`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why a queue operation failed.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// The Redis URL does not parse.
    #[error("invalid Redis URL: {0}")]
    InvalidUrl(#[source] redis::RedisError),
    /// Redis refused or dropped the connection.
    #[error("Redis is unreachable: {0}")]
    Redis(#[source] redis::RedisError),
    /// The database that holds the embedded queues failed.
    #[error("the queue database is unreachable: {0}")]
    Database(#[source] sea_orm::DbErr),
    /// The queue storage (apalis) failed.
    #[error("the queue storage failed: {0}")]
    Storage(#[source] BoxError),
    /// The queue tables could not be created or upgraded.
    #[error("cannot set up the queue tables: {0}")]
    Setup(#[source] BoxError),
    /// Embedded queues need SQLite or Postgres.
    #[error("embedded queues need SQLite or Postgres, not {0}")]
    UnsupportedDatabase(&'static str),
    /// A job could not be serialized.
    #[error("cannot encode the job: {0}")]
    Encode(#[source] serde_json::Error),
    /// A setting is out of range.
    #[error("invalid queue setting: {0}")]
    InvalidConfig(&'static str),
    /// The backend did not answer in time.
    #[error("the queue backend did not answer within {0:?}")]
    Timeout(Duration),
}
