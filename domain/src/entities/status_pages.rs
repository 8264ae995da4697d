//! `status_pages`: a public status page, its texts and whether it is published.

use kinds::PageTheme;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "status_pages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_id: Uuid,
    /// Unique: the public address `/status/{slug}`.
    pub slug: String,
    pub title: String,
    pub description: String,
    pub logo_url: Option<String>,
    pub theme: PageTheme,
    pub footer: String,
    /// Only a published page is readable without a session.
    pub published: bool,
    /// Whether search engines may index it.
    pub indexable: bool,
    /// Seconds after which a draft made from a monitor's incident publishes itself.
    pub auto_publish_delay_secs: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
