//! `checks`: one row per check result.

use kinds::Status;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "checks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub monitor_id: Uuid,
    pub checked_at: DateTimeUtc,
    pub status: Status,
    pub latency_ms: Option<i32>,
    pub http_status: Option<i16>,
    pub error: Option<String>,
    pub region: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
