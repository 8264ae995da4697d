//! An index for the scheduler's sweep of due notifications, which every
//! scheduler runs about once a second.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    DeliveryStatus,
    NextAttemptAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("ix_notifications_due")
                    .table(Notifications::Table)
                    .col(Notifications::DeliveryStatus)
                    .col(Notifications::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop().name("ix_notifications_due").table(Notifications::Table).to_owned(),
            )
            .await
    }
}
