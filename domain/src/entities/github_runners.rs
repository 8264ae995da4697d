//! `github_runners`: the self-hosted runners a runner monitor has seen.

use kinds::{RunnerStatus, Status};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "github_runners")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub monitor_id: Uuid,
    pub github_id: i64,
    pub name: String,
    /// online, offline, or unknown (missing from the last complete listing).
    pub status: RunnerStatus,
    pub busy: bool,
    pub os: String,
    /// JSON array of label names.
    pub labels: String,
    /// The confirmed health: up, down or unknown.
    pub health: Status,
    pub failures: i32,
    pub successes: i32,
    pub first_seen_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
