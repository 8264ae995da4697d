//! Abuse bounds: fixed-window rate counters shared by every `serve` process,
//! the Slack request signatures seen inside the replay window, and the Slack
//! app an integration belongs to (so a command finds its integration by
//! `api_app_id` before any secret is tried).

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum RateCounters {
    Table,
    Key,
    WindowStart,
    Count,
}

#[derive(DeriveIden)]
enum SlackSeenSignatures {
    Table,
    Signature,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum SlackIntegrations {
    Table,
    AppId,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateCounters::Table)
                    .col(ColumnDef::new(RateCounters::Key).string_len(64).not_null())
                    .col(ColumnDef::new(RateCounters::WindowStart).big_integer().not_null())
                    .col(ColumnDef::new(RateCounters::Count).integer().not_null())
                    .primary_key(
                        Index::create().col(RateCounters::Key).col(RateCounters::WindowStart),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_rate_counters_window_start")
                    .table(RateCounters::Table)
                    .col(RateCounters::WindowStart)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SlackSeenSignatures::Table)
                    .col(
                        ColumnDef::new(SlackSeenSignatures::Signature)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SlackSeenSignatures::ExpiresAt).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_slack_seen_signatures_expires_at")
                    .table(SlackSeenSignatures::Table)
                    .col(SlackSeenSignatures::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SlackIntegrations::Table)
                    .add_column(ColumnDef::new(SlackIntegrations::AppId).string_len(64).null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_slack_integrations_app_id")
                    .table(SlackIntegrations::Table)
                    .col(SlackIntegrations::AppId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_slack_integrations_app_id")
                    .table(SlackIntegrations::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SlackIntegrations::Table)
                    .drop_column(SlackIntegrations::AppId)
                    .to_owned(),
            )
            .await?;
        manager.drop_table(Table::drop().table(SlackSeenSignatures::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(RateCounters::Table).to_owned()).await
    }
}
