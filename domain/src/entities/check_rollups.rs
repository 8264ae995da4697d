//! `check_rollups`: per-minute, hourly and daily aggregates of a monitor's
//! checks; `resolution` is the bucket's length in seconds.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "check_rollups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub monitor_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub resolution: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub bucket_start: DateTimeUtc,
    pub checks: i32,
    /// Checks that were up or degraded.
    pub healthy: i32,
    /// Healthy checks that measured a latency, their sum and maximum.
    pub latency_count: i32,
    pub latency_sum: i64,
    pub latency_max: Option<i32>,
    /// Their latencies as a sparse log-spaced histogram (`rollups::histogram`).
    pub histogram: Vec<u8>,
    /// Healthy HTTP checks measured by phase, and each phase's sum over them
    /// (a phase that did not happen, like TLS on plain HTTP, adds 0).
    pub phase_count: i32,
    pub dns_sum: i64,
    pub connect_sum: i64,
    pub tls_sum: i64,
    pub ttfb_sum: i64,
    pub transfer_sum: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
