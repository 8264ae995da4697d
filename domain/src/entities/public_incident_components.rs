//! `public_incident_components`: the components a public incident affects
//! and how badly, with the component's public name kept for history.

use kinds::ComponentImpact;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "public_incident_components")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub incident_id: Uuid,
    /// `None` once the page's components were replaced.
    pub component_id: Option<Uuid>,
    /// The component's public name when the impact was set.
    pub component_name: String,
    pub impact: ComponentImpact,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
