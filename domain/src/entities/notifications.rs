//! `notifications`: every notification and the outcome of its delivery.

use kinds::{ChannelKind, DeliveryStatus, NotificationEvent};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub monitor_id: Uuid,
    pub incident_id: Option<Uuid>,
    pub channel_id: Option<Uuid>,
    pub event: NotificationEvent,
    pub prev_status: Option<String>,
    pub current_status: Option<String>,
    pub channel: ChannelKind,
    pub recipient: String,
    pub delivery_status: DeliveryStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub region: String,
    pub created_at: DateTimeUtc,
    pub next_attempt_at: Option<DateTimeUtc>,
    pub sent_at: Option<DateTimeUtc>,
    /// What happened, for an event that is not about an incident
    /// (a certificate expiring or changed).
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
