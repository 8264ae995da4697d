//! HTTP checks measured by phase: each check row keeps where its time went
//! (dns, connect, tls, ttfb, transfer, total), the address it reached, the
//! HTTP and TLS versions, and, for a failing answer, the start of its body;
//! each rollup keeps per-phase sums, so 30- and 90-day charts show phases too.
//! One column per ALTER: SQLite adds one at a time.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum Checks {
    Table,
    DnsMs,
    ConnectMs,
    TlsMs,
    TtfbMs,
    TransferMs,
    TotalMs,
    ResolvedIp,
    HttpVersion,
    TlsVersion,
    Excerpt,
}

#[derive(DeriveIden)]
enum CheckRollups {
    Table,
    PhaseCount,
    DnsSum,
    ConnectSum,
    TlsSum,
    TtfbSum,
    TransferSum,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

fn check_columns() -> Vec<ColumnDef> {
    let ms = |c: Checks| ColumnDef::new(c).integer().null().to_owned();
    vec![
        ms(Checks::DnsMs),
        ms(Checks::ConnectMs),
        ms(Checks::TlsMs),
        ms(Checks::TtfbMs),
        ms(Checks::TransferMs),
        ms(Checks::TotalMs),
        // An IPv6 address is at most 45 characters written out.
        ColumnDef::new(Checks::ResolvedIp).string_len(45).null().to_owned(),
        ColumnDef::new(Checks::HttpVersion).string_len(8).null().to_owned(),
        ColumnDef::new(Checks::TlsVersion).string_len(8).null().to_owned(),
        ColumnDef::new(Checks::Excerpt).text().null().to_owned(),
    ]
}

fn rollup_columns() -> Vec<ColumnDef> {
    let sum = |c: CheckRollups| ColumnDef::new(c).big_integer().not_null().default(0).to_owned();
    vec![
        ColumnDef::new(CheckRollups::PhaseCount).integer().not_null().default(0).to_owned(),
        sum(CheckRollups::DnsSum),
        sum(CheckRollups::ConnectSum),
        sum(CheckRollups::TlsSum),
        sum(CheckRollups::TtfbSum),
        sum(CheckRollups::TransferSum),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for mut column in check_columns() {
            let alter = Table::alter().table(Checks::Table).add_column(&mut column).to_owned();
            manager.alter_table(alter).await?;
        }
        for mut column in rollup_columns() {
            let alter =
                Table::alter().table(CheckRollups::Table).add_column(&mut column).to_owned();
            manager.alter_table(alter).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in check_columns() {
            let alter = Table::alter()
                .table(Checks::Table)
                .drop_column(column.get_column_name())
                .to_owned();
            manager.alter_table(alter).await?;
        }
        for column in rollup_columns() {
            let alter = Table::alter()
                .table(CheckRollups::Table)
                .drop_column(column.get_column_name())
                .to_owned();
            manager.alter_table(alter).await?;
        }
        Ok(())
    }
}
