//! Tags: short lowercase labels on monitors, and maintenance windows that
//! cover every monitor of their owner carrying one of their tags (as the
//! monitors are tagged when the window is read).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum MonitorTags {
    Table,
    MonitorId,
    Tag,
}

#[derive(DeriveIden)]
enum MaintenanceTags {
    Table,
    WindowId,
    Tag,
}

#[derive(DeriveIden)]
enum Monitors {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MaintenanceWindows {
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
                    .table(MonitorTags::Table)
                    .col(uuid(MonitorTags::MonitorId))
                    .col(string_len(MonitorTags::Tag, 40))
                    .primary_key(Index::create().col(MonitorTags::MonitorId).col(MonitorTags::Tag))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MonitorTags::Table, MonitorTags::MonitorId)
                            .to(Monitors::Table, Monitors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_monitor_tags_tag")
                    .table(MonitorTags::Table)
                    .col(MonitorTags::Tag)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MaintenanceTags::Table)
                    .col(uuid(MaintenanceTags::WindowId))
                    .col(string_len(MaintenanceTags::Tag, 40))
                    .primary_key(
                        Index::create().col(MaintenanceTags::WindowId).col(MaintenanceTags::Tag),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MaintenanceTags::Table, MaintenanceTags::WindowId)
                            .to(MaintenanceWindows::Table, MaintenanceWindows::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_maintenance_tags_tag")
                    .table(MaintenanceTags::Table)
                    .col(MaintenanceTags::Tag)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(MaintenanceTags::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(MonitorTags::Table).to_owned()).await
    }
}
