//! The status worker: opens or resolves the incident of a status change and
//! enqueues one delivery per new notification.

use domain::pipeline::incidents::apply_status_change;

use super::{retry, PipelineContext};
use crate::payloads::{NotificationJob, StatusChangeJob};
use crate::queue::JobError;

/// Handles one status change; a redelivered one does nothing.
pub async fn handle(ctx: PipelineContext, job: StatusChangeJob) -> Result<(), JobError> {
    let created = apply_status_change(&ctx.db, job.change_id).await.map_err(retry)?;
    if !created.is_empty() {
        let jobs = created
            .into_iter()
            .map(|notification_id| NotificationJob { notification_id })
            .collect();
        // Should this push fail, the scheduler's sweep finds the pending rows.
        ctx.queues.push_many(jobs).await.map_err(retry)?;
    }
    Ok(())
}
