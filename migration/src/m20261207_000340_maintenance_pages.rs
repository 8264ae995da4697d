//! Maintenance windows over status pages: a window may name pages, and then
//! covers every monitor those pages show, as they are when it is read (a
//! component added later is covered too).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum MaintenancePages {
    Table,
    WindowId,
    PageId,
}

#[derive(DeriveIden)]
enum MaintenanceWindows {
    Table,
    Id,
    Announce,
}

#[derive(DeriveIden)]
enum StatusPages {
    Table,
    Id,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MaintenanceWindows::Table)
                    .add_column(boolean(MaintenanceWindows::Announce).default(true))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MaintenancePages::Table)
                    .col(uuid(MaintenancePages::WindowId))
                    .col(uuid(MaintenancePages::PageId))
                    .primary_key(
                        Index::create()
                            .col(MaintenancePages::WindowId)
                            .col(MaintenancePages::PageId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MaintenancePages::Table, MaintenancePages::WindowId)
                            .to(MaintenanceWindows::Table, MaintenanceWindows::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MaintenancePages::Table, MaintenancePages::PageId)
                            .to(StatusPages::Table, StatusPages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_maintenance_pages_page")
                    .table(MaintenancePages::Table)
                    .col(MaintenancePages::PageId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(MaintenancePages::Table).to_owned()).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(MaintenanceWindows::Table)
                    .drop_column(MaintenanceWindows::Announce)
                    .to_owned(),
            )
            .await
    }
}
