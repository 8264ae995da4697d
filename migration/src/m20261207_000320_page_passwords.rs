//! Password-protected status pages: the Argon2 hash of a page's password
//! (a row only while the page has one).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum StatusPagePasswords {
    Table,
    PageId,
    PasswordHash,
    UpdatedAt,
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
                    .table(StatusPagePasswords::Table)
                    .col(pk_uuid(StatusPagePasswords::PageId))
                    .col(text(StatusPagePasswords::PasswordHash))
                    .col(timestamp_with_time_zone(StatusPagePasswords::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StatusPagePasswords::Table, StatusPagePasswords::PageId)
                            .to(StatusPages::Table, StatusPages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(StatusPagePasswords::Table).to_owned()).await
    }
}
