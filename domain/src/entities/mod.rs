//! SeaORM entities, one file a table. The migrations are the truth; these
//! mirror them.

pub mod audit_log;
pub mod channels;
pub mod check_rollups;
pub mod checks;
pub mod dns_answers;
pub mod github_listings;
pub mod github_runners;
pub mod incident_events;
pub mod incidents;
pub mod invitations;
pub mod monitor_certificates;
pub mod monitor_channels;
pub mod monitor_domains;
pub mod monitor_state;
pub mod monitors;
pub mod notifications;
pub mod rate_counters;
pub mod refresh_tokens;
pub mod rollup_watermarks;
pub mod sessions;
pub mod slack_integration_monitors;
pub mod slack_integrations;
pub mod slack_seen_signatures;
pub mod status_changes;
pub mod users;
