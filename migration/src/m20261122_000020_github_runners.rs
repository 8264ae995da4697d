//! GitHub Actions runner monitors and Slack slash commands: the encrypted
//! secret column of monitors (the GitHub token), the runners of each monitor,
//! the state of its last listing (ETags, rate limit), per-runner status
//! changes in the outbox, Slack integrations, and indexes for retention.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::tables::{Checks, Incidents, Monitors, Users};

#[derive(DeriveIden)]
enum MonitorsSecret {
    Secret,
}

#[derive(DeriveIden)]
enum StatusChanges {
    Table,
    MonitorId,
    Subject,
    Seq,
}

#[derive(DeriveIden)]
enum GithubRunners {
    Table,
    Id,
    MonitorId,
    GithubId,
    Name,
    Status,
    Busy,
    Os,
    Labels,
    Health,
    Failures,
    Successes,
    FirstSeenAt,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum GithubListings {
    Table,
    MonitorId,
    Pages,
    Failing,
    ListedAt,
    RateLimitedUntil,
}

#[derive(DeriveIden)]
enum SlackIntegrations {
    Table,
    Id,
    OwnerId,
    Name,
    Secret,
    SecretHint,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SlackIntegrationMonitors {
    Table,
    IntegrationId,
    MonitorId,
}

fn cascade(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

/// The same SQL on SQLite and Postgres (an index name is schema-wide on
/// both). Replacement indexes get new names: re-creating a just-dropped
/// name can fail on SQLite, when the pooled connection that prepares the
/// statement still has the old schema cached.
async fn drop_index(manager: &SchemaManager<'_>, name: &str) -> Result<(), DbErr> {
    let sql = format!("DROP INDEX IF EXISTS {name}");
    manager.get_connection().execute_unprepared(&sql).await.map(|_| ())
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Kind-specific secrets (the GitHub token), sealed with the
        // installation's encryption key; never in `config`.
        manager
            .alter_table(
                Table::alter()
                    .table(Monitors::Table)
                    .add_column(text_null(MonitorsSecret::Secret))
                    .to_owned(),
            )
            .await?;

        // Status changes of one runner (`subject` = its name) share the
        // outbox with the monitor's own (`subject` = '').
        manager
            .alter_table(
                Table::alter()
                    .table(StatusChanges::Table)
                    .add_column(string(StatusChanges::Subject).default(""))
                    .to_owned(),
            )
            .await?;
        // Migration 10's index, or the one this migration's down() leaves.
        drop_index(manager, "ux_status_changes_seq").await?;
        drop_index(manager, "ux_status_changes_monitor_seq").await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_status_changes_subject_seq")
                    .table(StatusChanges::Table)
                    .col(StatusChanges::MonitorId)
                    .col(StatusChanges::Subject)
                    .col(StatusChanges::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(GithubRunners::Table)
                    .col(pk_uuid(GithubRunners::Id))
                    .col(uuid(GithubRunners::MonitorId))
                    .col(big_integer(GithubRunners::GithubId))
                    .col(string(GithubRunners::Name))
                    // online, offline, or unknown (missing from the last complete listing).
                    .col(string_len(GithubRunners::Status, 16))
                    .col(boolean(GithubRunners::Busy).default(false))
                    .col(string_len(GithubRunners::Os, 64))
                    // JSON array of label names.
                    .col(text(GithubRunners::Labels))
                    // The confirmed health (up, down, unknown) and its counters,
                    // as monitor_state keeps them for a whole monitor.
                    .col(string_len(GithubRunners::Health, 16))
                    .col(integer(GithubRunners::Failures).default(0))
                    .col(integer(GithubRunners::Successes).default(0))
                    .col(timestamp_with_time_zone(GithubRunners::FirstSeenAt))
                    .col(timestamp_with_time_zone(GithubRunners::LastSeenAt))
                    .foreign_key(&mut cascade(
                        (GithubRunners::Table, GithubRunners::MonitorId),
                        (Monitors::Table, Monitors::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_github_runners_name")
                    .table(GithubRunners::Table)
                    .col(GithubRunners::MonitorId)
                    .col(GithubRunners::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(GithubListings::Table)
                    .col(pk_uuid(GithubListings::MonitorId))
                    // JSON array of {url, etag}: one per page of the last full listing.
                    .col(text(GithubListings::Pages))
                    // Whether the listing itself is confirmed failing (token
                    // rejected, API down): the monitor's own incident.
                    .col(boolean(GithubListings::Failing).default(false))
                    .col(timestamp_with_time_zone_null(GithubListings::ListedAt))
                    .col(timestamp_with_time_zone_null(GithubListings::RateLimitedUntil))
                    .foreign_key(&mut cascade(
                        (GithubListings::Table, GithubListings::MonitorId),
                        (Monitors::Table, Monitors::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SlackIntegrations::Table)
                    .col(pk_uuid(SlackIntegrations::Id))
                    .col(uuid(SlackIntegrations::OwnerId))
                    .col(string(SlackIntegrations::Name))
                    // The signing secret, sealed like channel secrets.
                    .col(text(SlackIntegrations::Secret))
                    // Its masked form, safe to show.
                    .col(string(SlackIntegrations::SecretHint))
                    .col(timestamp_with_time_zone(SlackIntegrations::CreatedAt))
                    .col(timestamp_with_time_zone(SlackIntegrations::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (SlackIntegrations::Table, SlackIntegrations::OwnerId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_slack_integrations_owner")
                    .table(SlackIntegrations::Table)
                    .col(SlackIntegrations::OwnerId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SlackIntegrationMonitors::Table)
                    .col(uuid(SlackIntegrationMonitors::IntegrationId))
                    .col(uuid(SlackIntegrationMonitors::MonitorId))
                    .primary_key(
                        Index::create()
                            .col(SlackIntegrationMonitors::IntegrationId)
                            .col(SlackIntegrationMonitors::MonitorId),
                    )
                    .foreign_key(&mut cascade(
                        (SlackIntegrationMonitors::Table, SlackIntegrationMonitors::IntegrationId),
                        (SlackIntegrations::Table, SlackIntegrations::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (SlackIntegrationMonitors::Table, SlackIntegrationMonitors::MonitorId),
                        (Monitors::Table, Monitors::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_slack_integration_monitors_monitor")
                    .table(SlackIntegrationMonitors::Table)
                    .col(SlackIntegrationMonitors::MonitorId)
                    .to_owned(),
            )
            .await?;

        // Retention deletes by age across every monitor.
        manager
            .create_index(
                Index::create()
                    .name("ix_checks_checked_at")
                    .table(Checks::Table)
                    .col(Checks::CheckedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_incidents_resolved_at")
                    .table(Incidents::Table)
                    .col(Incidents::ResolvedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["ix_incidents_resolved_at", "ix_checks_checked_at"] {
            drop_index(manager, name).await?;
        }
        for table in [
            SlackIntegrationMonitors::Table.into_iden(),
            SlackIntegrations::Table.into_iden(),
            GithubListings::Table.into_iden(),
            GithubRunners::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        drop_index(manager, "ux_status_changes_subject_seq").await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StatusChanges::Table)
                    .drop_column(StatusChanges::Subject)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_status_changes_monitor_seq")
                    .table(StatusChanges::Table)
                    .col(StatusChanges::MonitorId)
                    .col(StatusChanges::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Monitors::Table)
                    .drop_column(MonitorsSecret::Secret)
                    .to_owned(),
            )
            .await
    }
}
