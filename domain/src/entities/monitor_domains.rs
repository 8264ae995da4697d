//! `monitor_domains`: the registration a `domain` monitor read last.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "monitor_domains")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub monitor_id: Uuid,
    /// The registration as JSON (`crate::registrations::Registration`).
    pub registration: String,
    pub expires_at: Option<DateTimeUtc>,
    /// Whole days left at the last answer: where thresholds are crossed from.
    pub days_left: Option<i64>,
    /// The RDAP server that answered.
    pub rdap_server: String,
    pub checked_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
