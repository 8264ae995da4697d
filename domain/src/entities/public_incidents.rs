//! `public_incidents`: what a status page tells its visitors about an
//! outage (a draft until published), separate from the internal incident.

use kinds::{IncidentPhase, PublicIncidentState};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "public_incidents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub page_id: Uuid,
    /// The internal incident it was drafted from (never shown publicly).
    pub incident_id: Option<Uuid>,
    pub title: String,
    pub state: PublicIncidentState,
    /// The phase of the latest update.
    pub phase: IncidentPhase,
    /// When a draft publishes itself; `None` once a person touched it.
    pub publish_at: Option<DateTimeUtc>,
    pub published_at: Option<DateTimeUtc>,
    pub resolved_at: Option<DateTimeUtc>,
    /// Markdown, only after resolution.
    pub postmortem: Option<String>,
    pub postmortem_at: Option<DateTimeUtc>,
    /// The last change by a person; automation leaves a touched incident alone.
    pub person_edited_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
