//! `dns_answers`: a DNS monitor's accepted baseline and last answer.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dns_answers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub monitor_id: Uuid,
    /// `TYPE name.`: the question both answers are to.
    pub query: String,
    /// JSON of `domain::dns::AnswerSet`.
    pub baseline: Option<String>,
    pub baseline_at: Option<DateTimeUtc>,
    pub last_answer: Option<String>,
    pub last_answer_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
