//! TLS monitors: the certificate each one last saw (so a threshold warns
//! once and a replaced certificate is noticed), and a sentence of detail on
//! notifications that are not about an incident (a certificate expiring or
//! changed). Postgres widens `notifications.event` for the longer event
//! words (`certificate_expiring`); SQLite does not enforce lengths.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::tables::{Monitors, Notifications};

#[derive(DeriveIden)]
enum MonitorCertificates {
    Table,
    MonitorId,
    Fingerprint,
    Chain,
    NotAfter,
    DaysLeft,
    TlsVersion,
    FirstSeenAt,
    CheckedAt,
}

#[derive(DeriveIden)]
enum NotificationsDetail {
    Detail,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MonitorCertificates::Table)
                    .col(pk_uuid(MonitorCertificates::MonitorId))
                    // The leaf's SHA-256, lower-case hex.
                    .col(string_len(MonitorCertificates::Fingerprint, 64))
                    // The chain's summary as JSON (`domain::tls::CertSummary`).
                    .col(text(MonitorCertificates::Chain))
                    // The earliest notAfter of the chain.
                    .col(timestamp_with_time_zone(MonitorCertificates::NotAfter))
                    // Whole days left at the last check: where thresholds are crossed from.
                    .col(big_integer(MonitorCertificates::DaysLeft))
                    .col(string_len(MonitorCertificates::TlsVersion, 16))
                    .col(timestamp_with_time_zone(MonitorCertificates::FirstSeenAt))
                    .col(timestamp_with_time_zone(MonitorCertificates::CheckedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MonitorCertificates::Table, MonitorCertificates::MonitorId)
                            .to(Monitors::Table, Monitors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Notifications::Table)
                    .add_column(ColumnDef::new(NotificationsDetail::Detail).text().null())
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("ALTER TABLE notifications ALTER COLUMN event TYPE varchar(32)")
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Notifications::Table)
                    .drop_column(NotificationsDetail::Detail)
                    .to_owned(),
            )
            .await?;
        manager.drop_table(Table::drop().table(MonitorCertificates::Table).to_owned()).await
    }
}
