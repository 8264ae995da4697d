//! `github_listings`: per runner monitor, the state of its last listing.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "github_listings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub monitor_id: Uuid,
    /// JSON array of `{url, etag}`, one per page of the last full listing.
    pub pages: String,
    /// The listing itself is confirmed failing (the monitor's own incident).
    pub failing: bool,
    pub listed_at: Option<DateTimeUtc>,
    pub rate_limited_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
