//! DNS monitors: the accepted baseline answer of each and the last answer
//! seen, one row per DNS monitor (`domain::dns::store`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::tables::Monitors;

#[derive(DeriveIden)]
enum DnsAnswers {
    Table,
    MonitorId,
    Query,
    Baseline,
    BaselineAt,
    LastAnswer,
    LastAnswerAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DnsAnswers::Table)
                    .col(uuid(DnsAnswers::MonitorId).primary_key())
                    // `TYPE name.`: the question both answers are to; a monitor
                    // changed to ask another drops its baseline.
                    .col(text(DnsAnswers::Query))
                    // JSON `{rcode, records}` (`domain::dns::AnswerSet`).
                    .col(text_null(DnsAnswers::Baseline))
                    .col(timestamp_with_time_zone_null(DnsAnswers::BaselineAt))
                    .col(text_null(DnsAnswers::LastAnswer))
                    .col(timestamp_with_time_zone_null(DnsAnswers::LastAnswerAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DnsAnswers::Table, DnsAnswers::MonitorId)
                            .to(Monitors::Table, Monitors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(DnsAnswers::Table).to_owned()).await
    }
}
