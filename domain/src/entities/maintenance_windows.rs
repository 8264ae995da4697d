//! `maintenance_windows`: planned work on a user's monitors, one-off or
//! recurring, in an IANA zone.

use kinds::MaintenanceKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "maintenance_windows")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_id: Uuid,
    pub title: String,
    pub description: String,
    /// An IANA zone name (`Europe/Berlin`).
    pub time_zone: String,
    pub kind: MaintenanceKind,
    /// One-off: the start. Recurring: the first start, whose wall-clock
    /// time every occurrence keeps.
    pub starts_at: DateTimeUtc,
    /// One-off: the end. Recurring: no occurrence starts after it (optional).
    pub ends_at: Option<DateTimeUtc>,
    /// The RRULE or cron pattern of a recurring window.
    pub rule: Option<String>,
    /// How long each occurrence of a recurring window lasts.
    pub duration_secs: Option<i64>,
    /// Whether the subscribers of the status pages it concerns are told
    /// when it is created, starts and ends.
    pub announce: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
