//! `status_changes`: the outbox of status transitions awaiting incident work.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "status_changes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub monitor_id: Uuid,
    pub seq: i64,
    pub from_status: String,
    pub to_status: String,
    pub at: DateTimeUtc,
    pub cause: Option<String>,
    pub region: String,
    pub processed_at: Option<DateTimeUtc>,
    /// A runner's name for a runner's change; empty for the monitor's own.
    pub subject: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
