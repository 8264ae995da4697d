//! Custom domains of status pages: a hostname (unique over the installation)
//! whose requests are served the page at `/`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum StatusPageDomains {
    Table,
    Hostname,
    PageId,
    CreatedAt,
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
            .create_table(
                Table::create()
                    .table(StatusPageDomains::Table)
                    // Lower case, no trailing dot: the form a Host header is compared in.
                    .col(string_len(StatusPageDomains::Hostname, 253).primary_key())
                    .col(uuid(StatusPageDomains::PageId))
                    .col(timestamp_with_time_zone(StatusPageDomains::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StatusPageDomains::Table, StatusPageDomains::PageId)
                            .to(StatusPages::Table, StatusPages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_status_page_domains_page")
                    .table(StatusPageDomains::Table)
                    .col(StatusPageDomains::PageId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(StatusPageDomains::Table).to_owned()).await
    }
}
