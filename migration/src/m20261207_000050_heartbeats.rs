//! Heartbeat monitors: each monitor's ping token (its SHA-256, to find the
//! monitor from a ping, and the token itself sealed, so the owner can see
//! the URL again) with the instant it has been watched since, and the pings
//! it received.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::tables::Monitors;

#[derive(DeriveIden)]
enum Heartbeats {
    Table,
    MonitorId,
    TokenHash,
    Token,
    WatchedSince,
}

#[derive(DeriveIden)]
enum HeartbeatPings {
    Table,
    Id,
    MonitorId,
    At,
    Kind,
    ExitCode,
    Rid,
    Body,
    SourceIp,
    UserAgent,
}

fn cascade(from: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(Monitors::Table, Monitors::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Heartbeats::Table)
                    .col(pk_uuid(Heartbeats::MonitorId))
                    // Hex SHA-256 of the token: how a ping finds its monitor.
                    .col(string_len(Heartbeats::TokenHash, 64))
                    // The token sealed with the installation's key (shown to the owner).
                    .col(text(Heartbeats::Token))
                    // Created or last resumed: the first slot counts from here.
                    .col(timestamp_with_time_zone(Heartbeats::WatchedSince))
                    .foreign_key(&mut cascade((Heartbeats::Table, Heartbeats::MonitorId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_heartbeats_token_hash")
                    .table(Heartbeats::Table)
                    .col(Heartbeats::TokenHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(HeartbeatPings::Table)
                    .col(pk_uuid(HeartbeatPings::Id))
                    .col(uuid(HeartbeatPings::MonitorId))
                    .col(timestamp_with_time_zone(HeartbeatPings::At))
                    // success, start, fail, log or exit (with exit_code).
                    .col(string_len(HeartbeatPings::Kind, 8))
                    .col(small_integer_null(HeartbeatPings::ExitCode))
                    .col(uuid_null(HeartbeatPings::Rid))
                    // The first 10 KB of the body (or Uptime Kuma's `msg`).
                    .col(text(HeartbeatPings::Body))
                    .col(string_len_null(HeartbeatPings::SourceIp, 64))
                    .col(string_len_null(HeartbeatPings::UserAgent, 300))
                    .foreign_key(&mut cascade((HeartbeatPings::Table, HeartbeatPings::MonitorId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_heartbeat_pings_monitor_at")
                    .table(HeartbeatPings::Table)
                    .col(HeartbeatPings::MonitorId)
                    .col(HeartbeatPings::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(HeartbeatPings::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Heartbeats::Table).to_owned()).await
    }
}
