//! The status page subscribers' pass, started by the scheduler's sweep
//! (never two at once in a process; several schedulers share the work
//! through the deliveries' leases): record the notices pages owe their
//! subscribers, write their deliveries, then send what is due, a few at a
//! time, with retries scheduled in the table as for alerts.

use chrono::Duration;
use domain::status_pages::subscribers::{deliveries, events, DeliveryWork, SubscriberKind};
use futures::StreamExt;

use crate::notify::subscribers::{send, Links};
use crate::workers::notification::next_attempt;
use crate::workers::PipelineContext;
use domain::status_pages::subscribers::deliveries::Outcome;

/// Notices whose deliveries are written per pass.
const FAN_OUT_BATCH: u64 = 50;
/// Deliveries taken at once, and how many rounds of them a pass sends.
const BATCH: u64 = 64;
const ROUNDS: usize = 8;
/// Deliveries in flight at once.
const CONCURRENCY: usize = 8;

/// One pass (looking for new notices too when `record`); failures are
/// logged and the next pass tries again.
pub async fn run_pass(ctx: PipelineContext, record: bool) {
    if let Err(err) = pass(&ctx, record).await {
        tracing::warn!(error = %err, "status page subscribers' pass failed; retrying");
    }
}

async fn pass(ctx: &PipelineContext, record: bool) -> Result<(), sea_orm::DbErr> {
    if record {
        let now = domain::db::now(&ctx.db).await?;
        let recorded = events::record_due(&ctx.db, now).await?;
        if recorded > 0 {
            tracing::info!(count = recorded, "status page notices recorded");
        }
        events::fan_out(&ctx.db, FAN_OUT_BATCH).await?;
    }
    for _ in 0..ROUNDS {
        let work = deliveries::claim_due(&ctx.db, ctx.notification_lease, BATCH).await?;
        if work.is_empty() {
            break;
        }
        let done: Vec<(DeliveryWork, Outcome)> = futures::stream::iter(work)
            .map(|item| async move {
                let outcome = attempt(ctx, &item).await;
                (item, outcome)
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        for (item, outcome) in done {
            let outcome_label = match &outcome {
                Outcome::Delivered => "delivered",
                Outcome::Retry { .. } => "retry",
                Outcome::Failed { .. } => "failed",
            };
            metrics::counter!(crate::metrics::SUBSCRIBER_DELIVERIES,
                "kind" => item.subscriber.kind.as_str(), "outcome" => outcome_label)
            .increment(1);
            if let Outcome::Failed { error } | Outcome::Retry { error, .. } = &outcome {
                let error = domain::text::remote(error);
                tracing::warn!(delivery_id = %item.delivery.id, %error, "subscriber delivery failed");
            }
            deliveries::finish(&ctx.db, item.delivery.id, &outcome).await?;
        }
    }
    Ok(())
}

async fn attempt(ctx: &PipelineContext, work: &DeliveryWork) -> Outcome {
    let secret = match work.subscriber.kind {
        SubscriberKind::Webhook => match ctx.subscribers.webhook_secret(&work.subscriber) {
            Ok(secret) => Some(secret),
            Err(err) => return Outcome::Failed { error: format!("cannot open the secret: {err}") },
        },
        SubscriberKind::Email => None,
    };
    let links = Links { base: &ctx.public_url, key: ctx.subscribers.links() };
    match send(&ctx.outbound, ctx.smtp.as_deref(), &links, work, secret.as_deref()).await {
        Ok(_) => Outcome::Delivered,
        Err(err) if err.is_retryable() => {
            let asked = err.retry_after().and_then(|d| Duration::from_std(d).ok());
            let attempts = work.delivery.attempts;
            next_attempt(ctx.notification_attempts, attempts, err.to_string(), asked)
        }
        Err(err) => Outcome::Failed { error: err.to_string() },
    }
}
