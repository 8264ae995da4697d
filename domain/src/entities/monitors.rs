//! `monitors`: what to check, how often, and who owns it.

use kinds::MonitorKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "monitors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    pub kind: MonitorKind,
    /// The normalised target (URL, host:port, owner/repo), for search and uniqueness.
    pub target: String,
    /// The kind's own settings as JSON.
    pub config: String,
    pub interval_seconds: i32,
    pub timeout_ms: i32,
    pub confirmations: i32,
    pub recoveries: i32,
    pub paused: bool,
    pub next_check_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Kind-specific secrets (the GitHub token), sealed; never shown.
    pub secret: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
