//! `maintenance_monitors`: which monitors a maintenance window covers.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "maintenance_monitors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub window_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub monitor_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
