//! `status_page_events`: what a page told its subscribers, once per event.

use kinds::PageEventKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "status_page_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub page_id: Uuid,
    pub kind: PageEventKind,
    /// What it is about; unique per page, so an event is recorded once.
    pub dedupe_key: String,
    /// A JSON array of the components it concerns; `None`: the whole page.
    pub component_ids: Option<String>,
    pub title: String,
    /// Plain text (an update's markdown as written).
    pub body: String,
    pub occurred_at: DateTimeUtc,
    /// When one delivery per matching subscriber was written.
    pub fanned_out_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
