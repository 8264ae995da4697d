//! The pipeline's workers and the context they share: checks, status
//! changes and notifications, each a thin handler over the domain.

pub mod check;
mod dns;
pub mod domains;
pub mod heartbeats;
pub mod notification;
pub mod results;
pub mod runners;
pub mod status;
pub mod tls;

use domain::channels::ChannelService;
use domain::monitors::MonitorService;
use domain::pipeline::retention::Retention;
use sea_orm::DatabaseConnection;

use crate::notify::SmtpConfig;
use crate::outbound::Outbound;
use crate::queue::{JobError, Queues};

/// What every worker and the scheduler need.
#[derive(Clone)]
pub struct PipelineContext {
    pub db: DatabaseConnection,
    pub queues: Queues,
    /// The one guarded way out, for checks and notifications.
    pub outbound: Outbound,
    pub channels: ChannelService,
    /// Monitors, for the stored secrets (GitHub tokens) checks need.
    pub monitors: MonitorService,
    pub smtp: Option<std::sync::Arc<SmtpConfig>>,
    /// Where this process checks from.
    pub region: String,
    /// Base URL for links in alerts.
    pub public_url: String,
    /// Delivery attempts before a notification is marked failed.
    pub notification_attempts: i32,
    /// How long a delivery attempt holds its notification; a worker that
    /// dies mid-attempt delays the retry by this much.
    pub notification_lease: chrono::Duration,
    /// The scheduler keeps the check queue below this (back-pressure).
    pub max_queued_checks: u64,
    /// How long checks and outages are kept.
    pub retention: Retention,
    /// Records check results in batches (one writer per process).
    pub results: results::ResultWriter,
    /// Where `domain` monitors find their registry's RDAP server.
    pub rdap: crate::checks::RdapDirectory,
    /// Status page subscriptions: link signing and webhook secrets.
    pub subscribers: domain::status_pages::SubscriberService,
}

/// Infrastructure failures are retried: the job is redelivered.
pub(crate) fn retry(err: impl std::fmt::Display) -> JobError {
    JobError::Retry(err.to_string())
}
