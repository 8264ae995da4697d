//! The jobs of the pipeline: typed, with stable queue names, shared by the
//! producers and the workers. Payloads carry ids only; the database has the
//! rest, so a job is small and a redelivered one reads current state.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::queue::Job;

/// Check one monitor for one slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckJob {
    pub monitor_id: Uuid,
    /// The scheduled time (unix ms): the result's identity.
    pub slot: i64,
}

impl Job for CheckJob {
    const QUEUE: &'static str = "checks";

    fn monitor_id(&self) -> Option<Uuid> {
        Some(self.monitor_id)
    }
}

/// Do the incident work of one status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChangeJob {
    pub change_id: Uuid,
}

impl Job for StatusChangeJob {
    const QUEUE: &'static str = "status";
}

/// Attempt delivery of one notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationJob {
    pub notification_id: Uuid,
}

impl Job for NotificationJob {
    const QUEUE: &'static str = "notifications";
}

/// Every queue name, for metrics and `--queues`.
pub const QUEUES: [&str; 3] = [CheckJob::QUEUE, StatusChangeJob::QUEUE, NotificationJob::QUEUE];
