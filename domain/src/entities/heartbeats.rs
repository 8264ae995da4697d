//! `heartbeats`: a heartbeat monitor's ping token and since when it is watched.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "heartbeats")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub monitor_id: Uuid,
    /// Hex SHA-256 of the token (unique): how a ping finds its monitor.
    pub token_hash: String,
    /// The token, sealed with the installation's key.
    pub token: String,
    /// Created or last resumed: the first expected slot counts from here.
    pub watched_since: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
