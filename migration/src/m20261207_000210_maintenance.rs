//! Maintenance windows: when a user's monitors are under planned work, and
//! which monitors a window covers. Checks keep running during a window;
//! their notifications are held until it ends (docs/maintenance.md).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::tables::{Monitors, Users};

#[derive(DeriveIden)]
enum MaintenanceWindows {
    Table,
    Id,
    OwnerId,
    Title,
    Description,
    TimeZone,
    Kind,
    StartsAt,
    EndsAt,
    Rule,
    DurationSecs,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MaintenanceMonitors {
    Table,
    WindowId,
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

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MaintenanceWindows::Table)
                    .col(pk_uuid(MaintenanceWindows::Id))
                    .col(uuid(MaintenanceWindows::OwnerId))
                    .col(string_len(MaintenanceWindows::Title, 200))
                    .col(text(MaintenanceWindows::Description))
                    // An IANA zone name; the longest is about 32 characters.
                    .col(string_len(MaintenanceWindows::TimeZone, 64))
                    // one_off, rrule or cron.
                    .col(string_len(MaintenanceWindows::Kind, 8))
                    // One-off: the window itself. Recurring: the first start
                    // (its wall-clock time is every occurrence's) and an
                    // optional last instant an occurrence may start.
                    .col(timestamp_with_time_zone(MaintenanceWindows::StartsAt))
                    .col(timestamp_with_time_zone_null(MaintenanceWindows::EndsAt))
                    .col(text_null(MaintenanceWindows::Rule))
                    .col(big_integer_null(MaintenanceWindows::DurationSecs))
                    .col(timestamp_with_time_zone(MaintenanceWindows::CreatedAt))
                    .col(timestamp_with_time_zone(MaintenanceWindows::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (MaintenanceWindows::Table, MaintenanceWindows::OwnerId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_maintenance_windows_owner")
                    .table(MaintenanceWindows::Table)
                    .col(MaintenanceWindows::OwnerId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MaintenanceMonitors::Table)
                    .col(uuid(MaintenanceMonitors::WindowId))
                    .col(uuid(MaintenanceMonitors::MonitorId))
                    .primary_key(
                        Index::create()
                            .col(MaintenanceMonitors::WindowId)
                            .col(MaintenanceMonitors::MonitorId),
                    )
                    .foreign_key(&mut cascade(
                        (MaintenanceMonitors::Table, MaintenanceMonitors::WindowId),
                        (MaintenanceWindows::Table, MaintenanceWindows::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (MaintenanceMonitors::Table, MaintenanceMonitors::MonitorId),
                        (Monitors::Table, Monitors::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // The pipeline asks "which windows cover this monitor?".
        manager
            .create_index(
                Index::create()
                    .name("ix_maintenance_monitors_monitor")
                    .table(MaintenanceMonitors::Table)
                    .col(MaintenanceMonitors::MonitorId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(MaintenanceMonitors::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(MaintenanceWindows::Table).to_owned()).await
    }
}
