//! The status worker: opens or resolves the incident of a status change and
//! enqueues one delivery per new notification.

use domain::entities::status_changes;
use domain::pipeline::incidents::apply_status_change;
use sea_orm::{EntityTrait, QuerySelect};

use super::{retry, PipelineContext};
use crate::payloads::{NotificationJob, StatusChangeJob};
use crate::queue::{record_monitor, JobError};

/// Handles one status change; a redelivered one does nothing.
pub async fn handle(ctx: PipelineContext, job: StatusChangeJob) -> Result<(), JobError> {
    // The payload names the change only; the span names its monitor too.
    let monitor = status_changes::Entity::find_by_id(job.change_id)
        .select_only()
        .column(status_changes::Column::MonitorId)
        .into_tuple::<uuid::Uuid>()
        .one(&ctx.db)
        .await
        .map_err(retry)?;
    if let Some(monitor_id) = monitor {
        record_monitor(monitor_id);
    }
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
