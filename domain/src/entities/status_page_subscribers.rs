//! `status_page_subscribers`: who follows a status page, and how.

use kinds::{SubscriberKind, SubscriberState};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "status_page_subscribers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub page_id: Uuid,
    pub kind: SubscriberKind,
    /// An email in lower case, or a webhook's URL.
    pub address: String,
    /// A webhook's signing secret, sealed.
    pub secret: Option<String>,
    /// A JSON array of component ids; `None`: the whole page.
    pub component_ids: Option<String>,
    pub state: SubscriberState,
    pub created_at: DateTimeUtc,
    pub confirmed_at: Option<DateTimeUtc>,
    pub unsubscribed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
