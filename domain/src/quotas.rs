//! Per-user quotas, set by the operator: how many monitors, channels and
//! Slack integrations one user may own, and the shortest check interval a
//! user may choose. Administrators are exempt: they are the operator's own
//! accounts, and the quotas exist to bound what a signed-up stranger can
//! make the server do.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use crate::accounts::Principal;
use crate::entities::{channels, monitors, slack_integrations};

/// The limits of one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quotas {
    /// Monitors one user may own.
    pub monitors: u64,
    /// Notification channels one user may own.
    pub channels: u64,
    /// Slack integrations one user may own.
    pub slack_integrations: u64,
    /// The shortest check interval a non-admin may choose, in seconds.
    pub min_interval_secs: i64,
}

impl Default for Quotas {
    /// Generous enough that a real team never meets them: 500 monitors, 100
    /// channels, 20 Slack integrations, checks at most every 30 s.
    fn default() -> Self {
        Self { monitors: 500, channels: 100, slack_integrations: 20, min_interval_secs: 30 }
    }
}

impl Quotas {
    /// No limits at all (the services' default; the server sets its own).
    pub const fn unlimited() -> Self {
        Self {
            monitors: u64::MAX,
            channels: u64::MAX,
            slack_integrations: u64::MAX,
            min_interval_secs: 1,
        }
    }
}

/// What a quota counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quota {
    Monitors,
    Channels,
    SlackIntegrations,
}

impl Quota {
    /// The word users read, plural.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Monitors => "monitors",
            Self::Channels => "channels",
            Self::SlackIntegrations => "Slack integrations",
        }
    }

    /// The setting that raises it.
    pub fn setting(self) -> &'static str {
        match self {
            Self::Monitors => "--max-monitors-per-user",
            Self::Channels => "--max-channels-per-user",
            Self::SlackIntegrations => "--max-slack-integrations-per-user",
        }
    }

    /// This quota's limit in `quotas`.
    pub fn limit(self, quotas: &Quotas) -> u64 {
        match self {
            Self::Monitors => quotas.monitors,
            Self::Channels => quotas.channels,
            Self::SlackIntegrations => quotas.slack_integrations,
        }
    }
}

/// A user already owns as many as their quota allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("quota reached: a user may own at most {limit} {} (the server's {} setting)", .quota.noun(), .quota.setting())]
pub struct QuotaExceeded {
    pub quota: Quota,
    pub limit: u64,
}

/// `Err` when `caller` (not an admin) already owns `quota`'s limit; run it
/// in the transaction that inserts, so that a user's racing creations are
/// serialised on SQLite (and exceed it by at most the race on Postgres).
pub async fn check(
    db: &impl ConnectionTrait,
    quotas: &Quotas,
    quota: Quota,
    caller: &Principal,
) -> Result<Result<(), QuotaExceeded>, DbErr> {
    let limit = quota.limit(quotas);
    if caller.is_admin() || limit == u64::MAX {
        return Ok(Ok(()));
    }
    let owned = owned(db, quota, caller.user_id).await?;
    Ok(if owned >= limit { Err(QuotaExceeded { quota, limit }) } else { Ok(()) })
}

async fn owned(db: &impl ConnectionTrait, quota: Quota, owner: Uuid) -> Result<u64, DbErr> {
    match quota {
        Quota::Monitors => {
            monitors::Entity::find().filter(monitors::Column::OwnerId.eq(owner)).count(db).await
        }
        Quota::Channels => {
            channels::Entity::find().filter(channels::Column::OwnerId.eq(owner)).count(db).await
        }
        Quota::SlackIntegrations => {
            slack_integrations::Entity::find()
                .filter(slack_integrations::Column::OwnerId.eq(owner))
                .count(db)
                .await
        }
    }
}

/// `Err(message)` when a non-admin asks for an interval below the minimum.
pub fn check_interval(
    quotas: &Quotas,
    caller: &Principal,
    interval_secs: i64,
) -> Result<(), String> {
    if caller.is_admin() || interval_secs >= quotas.min_interval_secs {
        return Ok(());
    }
    Err(format!(
        "must be at least {} seconds on this server (the --min-interval setting)",
        quotas.min_interval_secs
    ))
}
