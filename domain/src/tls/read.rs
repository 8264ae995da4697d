//! What a `tls` monitor last saw, for the API and the monitor page.

use chrono::{DateTime, Utc};
use sea_orm::{DbErr, EntityTrait};

use super::CertSummary;
use crate::entities::monitor_certificates;
use crate::monitors::{Access, MonitorRef};

/// The certificate a monitor saw at its last check that got one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenCertificate {
    pub chain: CertSummary,
    /// Whole days until the chain's first expiry, at `now`.
    pub days_left: i64,
    /// `TLSv1.3`; empty when the handshake was refused.
    pub tls_version: String,
    /// When this certificate was first seen (a replacement resets it).
    pub first_seen_at: DateTime<Utc>,
    pub checked_at: DateTime<Utc>,
}

/// The monitor's last certificate, `None` before its first handshake (and
/// for kinds that make none: all but `tls` and HTTP monitors of `https://`).
pub async fn certificate(
    monitor: &MonitorRef<impl Access>,
    now: DateTime<Utc>,
) -> Result<Option<SeenCertificate>, DbErr> {
    let Some(row) =
        monitor_certificates::Entity::find_by_id(monitor.id()).one(monitor.db()).await?
    else {
        return Ok(None);
    };
    let chain: CertSummary = serde_json::from_str(&row.chain)
        .map_err(|e| DbErr::Custom(format!("the stored certificate chain is unreadable: {e}")))?;
    Ok(Some(SeenCertificate {
        days_left: chain.days_left(now),
        chain,
        tls_version: row.tls_version,
        first_seen_at: row.first_seen_at,
        checked_at: row.checked_at,
    }))
}
