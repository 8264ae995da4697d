//! The notification worker: writes the attempt to the log, delivers, writes
//! the outcome. Retries are scheduled in the log (honouring Retry-After) and
//! picked up by the scheduler's sweep, so they survive restarts.

use chrono::{DateTime, Duration, Utc};
use domain::entities::{incidents, monitors, notifications};
use domain::monitors::Target;
use domain::pipeline::notifications::{begin_attempt, finish_attempt, Outcome};
use sea_orm::EntityTrait;

use super::{retry, PipelineContext};
use crate::notify::{deliver, Alert};
use crate::payloads::NotificationJob;
use crate::queue::{record_monitor, JobError};

/// The longest wait between attempts, whatever a server asks.
const MAX_BACKOFF: Duration = Duration::hours(1);

/// Handles one delivery attempt.
pub async fn handle(ctx: PipelineContext, job: NotificationJob) -> Result<(), JobError> {
    let Some(notification) =
        begin_attempt(&ctx.db, job.notification_id, ctx.notification_lease).await.map_err(retry)?
    else {
        return Ok(()); // delivered, failed, or another worker holds it
    };
    record_monitor(notification.monitor_id);
    let outcome = attempt(&ctx, &notification).await;
    metrics::counter!(crate::metrics::NOTIFICATIONS, "channel" => notification.channel.as_str(), "outcome" => outcome_name(&outcome))
        .increment(1);
    if let Outcome::Failed { error } | Outcome::Retry { error, .. } = &outcome {
        let error = domain::text::remote(error);
        tracing::warn!(notification_id = %notification.id, attempt = notification.attempts, %error, "delivery failed");
    }
    finish_attempt(&ctx.db, notification.id, &outcome).await.map_err(retry)
}

async fn attempt(ctx: &PipelineContext, notification: &notifications::Model) -> Outcome {
    let Some(channel_id) = notification.channel_id else {
        return Outcome::Failed { error: "the channel was deleted".into() };
    };
    let channel = match ctx.channels.load_for_delivery(channel_id).await {
        Ok(channel) => channel,
        Err(err) => return Outcome::Failed { error: format!("cannot load the channel: {err}") },
    };
    let alert = match alert(ctx, notification).await {
        Ok(alert) => alert,
        Err(err) => {
            return backoff(ctx, notification, format!("cannot read the incident: {err}"), None);
        }
    };
    let message_id = format!("msg_{}", notification.id.simple());
    match deliver(&ctx.outbound, ctx.smtp.as_deref(), &channel, &alert, &message_id).await {
        Ok(_) => Outcome::Delivered,
        Err(err) if err.is_retryable() => {
            let after = err.retry_after().and_then(|d| Duration::from_std(d).ok());
            backoff(ctx, notification, err.to_string(), after)
        }
        Err(err) => Outcome::Failed { error: err.to_string() },
    }
}

/// The next attempt: exponential (2 s, 4 s, 8 s, …) or what the server
/// asked, and failed once the attempts are used up.
fn backoff(
    ctx: &PipelineContext,
    notification: &notifications::Model,
    error: String,
    asked: Option<Duration>,
) -> Outcome {
    next_attempt(ctx.notification_attempts, notification.attempts, error, asked)
}

/// After `attempts` of at most `max`: the next one (exponential, or what
/// the server asked, at most an hour away), or failed.
pub(crate) fn next_attempt(
    max: i32,
    attempts: i32,
    error: String,
    asked: Option<Duration>,
) -> Outcome {
    if attempts >= max {
        return Outcome::Failed { error: format!("{error} (gave up after {attempts} attempts)") };
    }
    let exponential = Duration::seconds(1_i64 << attempts.clamp(1, 12));
    let wait = asked.unwrap_or(exponential).min(MAX_BACKOFF);
    Outcome::Retry { error, after: wait }
}

pub(crate) fn outcome_name(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Delivered => "delivered",
        Outcome::Retry { .. } => "retry",
        Outcome::Failed { .. } => "failed",
    }
}

async fn alert(ctx: &PipelineContext, n: &notifications::Model) -> Result<Alert, sea_orm::DbErr> {
    let monitor = monitors::Entity::find_by_id(n.monitor_id).one(&ctx.db).await?;
    let incident = match n.incident_id {
        Some(id) => incidents::Entity::find_by_id(id).one(&ctx.db).await?,
        None => None,
    };
    // A runner's outage names its repository and runner.
    let runner = incident.as_ref().map(|i| i.subject.clone()).filter(|s| !s.is_empty());
    let repository = match (&runner, &monitor) {
        (Some(_), Some(m)) => match Target::from_config(m.kind, &m.config) {
            Ok(Target::GithubRunners(spec)) => Some(spec.repository()),
            _ => Some(m.target.clone()),
        },
        _ => None,
    };
    let (name, target) = monitor.map(|m| (m.name, m.target)).unwrap_or_default();
    let started_at: Option<DateTime<Utc>> = incident.as_ref().map(|i| i.started_at);
    Ok(Alert {
        event: n.event,
        monitor_name: name,
        monitor_target: target,
        status: n.current_status.clone().unwrap_or_default(),
        previous_status: n.prev_status.clone(),
        cause: incident.as_ref().map(|i| i.cause.clone()),
        incident_number: incident.as_ref().map(|i| i.number),
        started_at,
        resolved_at: incident.and_then(|i| i.resolved_at),
        link: format!("{}/monitors/{}", ctx.public_url, n.monitor_id),
        repository,
        runner,
        noticed_at: n.detail.is_some().then_some(n.created_at),
        detail: n.detail.clone(),
    })
}
