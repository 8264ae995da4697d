//! `monitor_certificates`: the certificate a `tls` monitor saw last.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "monitor_certificates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub monitor_id: Uuid,
    /// The leaf's SHA-256, lower-case hex.
    pub fingerprint: String,
    /// The chain's summary as JSON (`crate::tls::CertSummary`).
    pub chain: String,
    /// The earliest `notAfter` of the chain.
    pub not_after: DateTimeUtc,
    /// Whole days left at the last check: where thresholds are crossed from.
    pub days_left: i64,
    pub tls_version: String,
    /// When this certificate (this fingerprint) was first seen.
    pub first_seen_at: DateTimeUtc,
    pub checked_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
