//! `heartbeat_pings`: every ping a heartbeat monitor received (the newest
//! [`crate::heartbeats::store::PINGS_KEPT`] per monitor are kept).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "heartbeat_pings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub monitor_id: Uuid,
    /// When it arrived, by the server's clock.
    pub at: DateTimeUtc,
    /// success, start, fail, log or exit.
    pub kind: String,
    /// The exit status of an `exit` ping.
    pub exit_code: Option<i16>,
    /// The run id the job gave (`?rid=`).
    pub rid: Option<Uuid>,
    /// The kept start of the body, or Uptime Kuma's `msg`.
    pub body: String,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
