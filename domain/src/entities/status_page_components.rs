//! `status_page_components`: a status page's entries in order: monitors
//! under a public name, static components and groups over them.

use kinds::{ComponentKind, ComponentState};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "status_page_components")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub page_id: Uuid,
    /// Order among its siblings.
    pub position: i32,
    /// The group it belongs to (of the same page); `None` at the top level.
    pub parent_id: Option<Uuid>,
    pub kind: ComponentKind,
    /// For a monitor component: the page owner's monitor it shows.
    pub monitor_id: Option<Uuid>,
    pub public_name: String,
    /// For a static component: its state, set by hand.
    pub static_state: Option<ComponentState>,
    pub description: Option<String>,
    /// Whether the public page shows the monitor's recent response times.
    pub show_latency: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
