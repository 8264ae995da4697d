//! `status_page_domains`: a hostname whose requests are served a page.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "status_page_domains")]
pub struct Model {
    /// Lower case, without a trailing dot or port.
    #[sea_orm(primary_key, auto_increment = false)]
    pub hostname: String,
    pub page_id: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
