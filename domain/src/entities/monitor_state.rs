//! `monitor_state`: a monitor's current status and its confirmation counters.

use kinds::Status;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "monitor_state")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub monitor_id: Uuid,
    pub status: Status,
    pub status_since: DateTimeUtc,
    pub last_checked_at: Option<DateTimeUtc>,
    pub last_latency_ms: Option<i32>,
    pub last_error: Option<String>,
    pub consecutive_failures: i32,
    pub consecutive_successes: i32,
    /// The slot of the newest result applied: an older one never overwrites it.
    pub last_check_seq: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
