//! `rollup_watermarks`: per resolution, the time before which every bucket
//! is final.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rollup_watermarks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub resolution: i32,
    pub complete_until: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
