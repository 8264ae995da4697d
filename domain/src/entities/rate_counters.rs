//! `rate_counters`: events counted per key in fixed windows, shared by every
//! process of an installation.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rate_counters")]
pub struct Model {
    /// Hex of a SHA-256 of the limit's name and its key (no address or email
    /// is stored in clear).
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    /// Start of the window, unix seconds.
    #[sea_orm(primary_key, auto_increment = false)]
    pub window_start: i64,
    pub count: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
