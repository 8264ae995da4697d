//! `slack_seen_signatures`: Slack request signatures already answered, kept
//! until their timestamp leaves the five-minute window, so a replay is refused.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "slack_seen_signatures")]
pub struct Model {
    /// Hex of the signature's SHA-256.
    #[sea_orm(primary_key, auto_increment = false)]
    pub signature: String,
    /// When the signature's timestamp leaves the window, unix seconds.
    pub expires_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
