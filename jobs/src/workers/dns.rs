//! The DNS branch of the check worker: the check against the stored
//! baseline, then the answer stored as the last one (and, the first time it
//! passes on a monitor that alerts on change, as the baseline).

use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::dns::{adopts_baseline, store, DnsSpec};
use domain::entities::monitors;

use super::{retry, PipelineContext};
use crate::checks::{check_dns, CheckOutcome};
use crate::queue::JobError;

/// Checks one DNS monitor and stores what it answered.
pub(super) async fn check(
    ctx: &PipelineContext,
    monitor: &monitors::Model,
    spec: &DnsSpec,
    timeout: Duration,
    checked_at: DateTime<Utc>,
) -> Result<CheckOutcome, JobError> {
    let baseline = store::baseline(&ctx.db, monitor.id, spec).await.map_err(retry)?;
    let checked = check_dns(&ctx.outbound, spec, baseline.as_ref(), timeout).await;
    if let Some(answer) = &checked.answer {
        let adopt = adopts_baseline(spec, checked.outcome.status, baseline.as_ref());
        store::record_answer(&ctx.db, monitor.id, spec, answer, adopt, checked_at)
            .await
            .map_err(retry)?;
    }
    Ok(checked.outcome)
}
