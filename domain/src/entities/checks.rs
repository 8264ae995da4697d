//! `checks`: one row per check result.

use kinds::Status;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "checks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub monitor_id: Uuid,
    pub checked_at: DateTimeUtc,
    pub status: Status,
    pub latency_ms: Option<i32>,
    pub http_status: Option<i16>,
    pub error: Option<String>,
    pub region: String,
    /// HTTP checks: the time of each phase (see `domain::probe::Phases`).
    pub dns_ms: Option<i32>,
    pub connect_ms: Option<i32>,
    pub tls_ms: Option<i32>,
    pub ttfb_ms: Option<i32>,
    pub transfer_ms: Option<i32>,
    pub total_ms: Option<i32>,
    /// The address the check reached.
    pub resolved_ip: Option<String>,
    /// `HTTP/1.1` or `HTTP/2`; `TLSv1.2` or `TLSv1.3`.
    pub http_version: Option<String>,
    pub tls_version: Option<String>,
    /// The start of a failing answer's body, bounded and redacted.
    pub excerpt: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
