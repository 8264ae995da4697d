//! What every handler can reach: configuration, the database, the queues.

use std::sync::Arc;

use axum::extract::FromRef;
use domain::accounts::AccountService;
use domain::channels::ChannelService;
use domain::integrations::SlackIntegrationService;
use domain::monitors::MonitorService;
use jobs::notify::SmtpConfig;
use jobs::Queues;
use leptos::config::LeptosOptions;
use metrics_exporter_prometheus::PrometheusHandle;
use sea_orm::DatabaseConnection;

use crate::config::Config;

/// Shared, cheaply cloned application state.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: DatabaseConnection,
    pub queue: Queues,
    pub leptos: LeptosOptions,
    pub metrics: PrometheusHandle,
    pub accounts: AccountService,
    pub monitors: MonitorService,
    pub channels: ChannelService,
    /// Heartbeat monitors' ping tokens and pings.
    pub heartbeats: domain::heartbeats::service::HeartbeatService,
    /// Slack integrations: slash-command secrets and their monitors.
    pub integrations: SlackIntegrationService,
    /// Status pages: the owners' side and the cached public read.
    pub status_pages: domain::status_pages::StatusPageService,
    /// Status page subscriptions: taken publicly, listed for owners.
    pub subscribers: domain::status_pages::SubscriberService,
    /// Maintenance windows over users' monitors.
    pub maintenance: domain::maintenance::MaintenanceService,
    /// The one guarded way out: checks, channel tests, notifications.
    pub outbound: jobs::outbound::Outbound,
    /// SMTP settings for email channels, when configured.
    pub smtp: Option<Arc<SmtpConfig>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
