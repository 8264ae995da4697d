//! `public_incident_updates`: a public incident's timeline, in markdown.

use kinds::IncidentPhase;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "public_incident_updates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub incident_id: Uuid,
    pub phase: IncidentPhase,
    /// Markdown, rendered safely when read.
    pub body: String,
    pub posted_at: DateTimeUtc,
    /// Set by an edit; `posted_at` stays.
    pub edited_at: Option<DateTimeUtc>,
    /// `None` when automation wrote it (never shown publicly).
    pub author_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
