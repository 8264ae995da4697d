//! `maintenance_pages`: the status pages a maintenance window covers (every
//! monitor they show).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "maintenance_pages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub window_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub page_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
