//! Domain monitors: the registration each one last read over RDAP (so an
//! expiry threshold warns once).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::tables::Monitors;

#[derive(DeriveIden)]
enum MonitorDomains {
    Table,
    MonitorId,
    Registration,
    ExpiresAt,
    DaysLeft,
    RdapServer,
    CheckedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MonitorDomains::Table)
                    .col(pk_uuid(MonitorDomains::MonitorId))
                    // `domain::registrations::Registration` as JSON.
                    .col(text(MonitorDomains::Registration))
                    .col(timestamp_with_time_zone_null(MonitorDomains::ExpiresAt))
                    // Whole days left at the last answer: where thresholds are crossed from.
                    .col(big_integer_null(MonitorDomains::DaysLeft))
                    .col(text(MonitorDomains::RdapServer))
                    .col(timestamp_with_time_zone(MonitorDomains::CheckedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MonitorDomains::Table, MonitorDomains::MonitorId)
                            .to(Monitors::Table, Monitors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(MonitorDomains::Table).to_owned()).await
    }
}
