//! `slack_integrations`: a Slack app's signing secret and who owns it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "slack_integrations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    /// The signing secret, sealed.
    pub secret: String,
    /// The signing secret, masked.
    pub secret_hint: String,
    /// The Slack app's id (`api_app_id` in its commands): given by the owner
    /// or learnt from the first verified command; commands naming it try only
    /// the secrets of integrations with that id.
    pub app_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
