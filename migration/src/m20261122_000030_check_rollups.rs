//! Check rollups: per-minute, hourly and daily aggregates of each monitor's
//! checks in one table (`resolution` is the bucket's length in seconds), and
//! the watermark up to which each resolution is complete.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::tables::Monitors;

#[derive(DeriveIden)]
enum CheckRollups {
    Table,
    MonitorId,
    Resolution,
    BucketStart,
    Checks,
    Healthy,
    LatencyCount,
    LatencySum,
    LatencyMax,
    Histogram,
}

#[derive(DeriveIden)]
enum RollupWatermarks {
    Table,
    Resolution,
    CompleteUntil,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CheckRollups::Table)
                    .col(uuid(CheckRollups::MonitorId))
                    // 60, 3600 or 86400: the bucket's length in seconds.
                    .col(integer(CheckRollups::Resolution))
                    .col(timestamp_with_time_zone(CheckRollups::BucketStart))
                    .col(integer(CheckRollups::Checks))
                    // Checks that were up or degraded.
                    .col(integer(CheckRollups::Healthy))
                    // Latency of the healthy checks that measured one.
                    .col(integer(CheckRollups::LatencyCount))
                    .col(big_integer(CheckRollups::LatencySum))
                    .col(integer_null(CheckRollups::LatencyMax))
                    // Sparse log-spaced histogram of those latencies
                    // (`domain::rollups::histogram`).
                    .col(binary(CheckRollups::Histogram))
                    // Re-aggregating a bucket is an upsert on this key.
                    .primary_key(
                        Index::create()
                            .col(CheckRollups::MonitorId)
                            .col(CheckRollups::Resolution)
                            .col(CheckRollups::BucketStart),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CheckRollups::Table, CheckRollups::MonitorId)
                            .to(Monitors::Table, Monitors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Retention deletes the oldest buckets of one resolution.
        manager
            .create_index(
                Index::create()
                    .name("ix_check_rollups_retention")
                    .table(CheckRollups::Table)
                    .col(CheckRollups::Resolution)
                    .col(CheckRollups::BucketStart)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RollupWatermarks::Table)
                    .col(integer(RollupWatermarks::Resolution).primary_key())
                    // Every bucket of this resolution that starts before this
                    // time is final.
                    .col(timestamp_with_time_zone(RollupWatermarks::CompleteUntil))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(RollupWatermarks::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(CheckRollups::Table).to_owned()).await
    }
}
