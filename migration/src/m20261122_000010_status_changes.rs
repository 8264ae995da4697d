//! Status changes: the outbox between a check result and its incident work.
//! Written in the same transaction as the result, so a crash between the two
//! steps loses nothing: an unprocessed row is picked up again.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum StatusChanges {
    Table,
    Id,
    MonitorId,
    Seq,
    FromStatus,
    ToStatus,
    At,
    Cause,
    Region,
    ProcessedAt,
}

#[derive(DeriveIden)]
enum Monitors {
    Table,
    Id,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StatusChanges::Table)
                    .col(pk_uuid(StatusChanges::Id))
                    .col(uuid(StatusChanges::MonitorId))
                    // The check slot (unix ms) whose result caused the change.
                    .col(big_integer(StatusChanges::Seq))
                    .col(string_len(StatusChanges::FromStatus, 16))
                    .col(string_len(StatusChanges::ToStatus, 16))
                    .col(timestamp_with_time_zone(StatusChanges::At))
                    .col(text_null(StatusChanges::Cause))
                    .col(string_len(StatusChanges::Region, 64))
                    .col(timestamp_with_time_zone_null(StatusChanges::ProcessedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StatusChanges::Table, StatusChanges::MonitorId)
                            .to(Monitors::Table, Monitors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_status_changes_seq")
                    .table(StatusChanges::Table)
                    .col(StatusChanges::MonitorId)
                    .col(StatusChanges::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_status_changes_pending")
                    .table(StatusChanges::Table)
                    .col(StatusChanges::ProcessedAt)
                    .col(StatusChanges::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(StatusChanges::Table).to_owned()).await
    }
}
