//! The certificate a monitor last saw, kept in `monitor_certificates` and
//! compared with the one before: a crossed expiry threshold and a replaced
//! certificate each notify once. Shared by the `tls` kind and HTTPS checks.
//! A refused certificate is kept (the page shows what the server sends) but
//! notifies nothing here: its incident's alert names the failure.

use chrono::{DateTime, Utc};
use kinds::NotificationEvent;
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseTransaction, DbErr, EntityTrait, Set};
use uuid::Uuid;

use super::record::describe;
use super::{changed, CertSummary, ExpiryThresholds};
use crate::entities::monitor_certificates;
use crate::pipeline::notifications::{fan_out, Fanout};
use crate::text;

/// The chain an HTTPS check was shown, kept with its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenChain {
    pub chain: CertSummary,
    /// The negotiated version; empty when the handshake was refused.
    pub version: String,
    /// Whether it was trusted for the host.
    pub accepted: bool,
}

/// One check's sight of a certificate chain.
pub struct Sighting<'a> {
    pub monitor_id: Uuid,
    pub checked_at: DateTime<Utc>,
    pub region: &'a str,
    pub chain: &'a CertSummary,
    /// The negotiated TLS version (`TLSv1.3`).
    pub version: &'a str,
    /// Whether the chain was trusted for the host.
    pub accepted: bool,
}

impl Sighting<'_> {
    /// Notifies what the sighting means against `previous`, then keeps it.
    pub async fn settle(
        &self,
        txn: &DatabaseTransaction,
        thresholds: &ExpiryThresholds,
        notify_on_change: bool,
        previous: Option<&monitor_certificates::Model>,
    ) -> Result<(), DbErr> {
        if self.accepted {
            self.notify(txn, thresholds, notify_on_change, previous).await?;
        }
        self.keep(txn, previous).await
    }

    /// Whether keeping it would change the kept row beyond its check time:
    /// HTTPS checks run every few seconds, and rewrite the row only then.
    pub fn news(&self, previous: Option<&monitor_certificates::Model>) -> bool {
        previous.is_none_or(|p| {
            p.fingerprint != self.chain.fingerprint()
                || p.days_left != self.chain.days_left(self.checked_at)
                || p.tls_version != self.version
        })
    }

    /// Fans out a crossed threshold and a replaced certificate.
    async fn notify(
        &self,
        txn: &DatabaseTransaction,
        thresholds: &ExpiryThresholds,
        notify_on_change: bool,
        previous: Option<&monitor_certificates::Model>,
    ) -> Result<(), DbErr> {
        let chain = self.chain;
        let days_left = chain.days_left(self.checked_at);
        let mut events = Vec::new();
        if notify_on_change
            && changed(previous.map(|p| p.fingerprint.as_str()), chain.fingerprint())
        {
            let was =
                previous.map(|p| p.not_after.format("%Y-%m-%d").to_string()).unwrap_or_default();
            events.push((
                NotificationEvent::CertificateChanged,
                format!(
                    "The server presents a new certificate: {} (it replaces one valid until {was}).",
                    describe(chain)
                ),
            ));
        }
        if let Some(threshold) = thresholds.crossed(previous.map(|p| p.days_left), days_left) {
            events.push((
                NotificationEvent::CertificateExpiring,
                format!(
                    "The certificate {} (warning at {}): {}.",
                    text::expiry(chain.first_expiry.not_after, self.checked_at),
                    text::days(threshold.into()),
                    describe(chain)
                ),
            ));
        }
        for (event, detail) in events {
            let fanout = Fanout {
                monitor_id: self.monitor_id,
                incident_id: None,
                event,
                prev_status: None,
                current_status: None,
                region: self.region,
                detail: Some(text::remote(&detail)),
            };
            fan_out(txn, fanout).await?;
        }
        Ok(())
    }

    /// Keeps the certificate seen, its first sighting kept while it stays.
    async fn keep(
        &self,
        txn: &DatabaseTransaction,
        previous: Option<&monitor_certificates::Model>,
    ) -> Result<(), DbErr> {
        let chain = self.chain;
        let first_seen_at = previous
            .filter(|p| p.fingerprint == chain.fingerprint())
            .map_or(self.checked_at, |p| p.first_seen_at);
        let row = monitor_certificates::ActiveModel {
            monitor_id: Set(self.monitor_id),
            fingerprint: Set(chain.fingerprint().to_owned()),
            chain: Set(serde_json::to_string(chain).unwrap_or_default()),
            not_after: Set(chain.first_expiry.not_after),
            days_left: Set(chain.days_left(self.checked_at)),
            tls_version: Set(self.version.to_owned()),
            first_seen_at: Set(first_seen_at),
            checked_at: Set(self.checked_at),
        };
        monitor_certificates::Entity::insert(row)
            .on_conflict(
                OnConflict::column(monitor_certificates::Column::MonitorId)
                    .update_columns([
                        monitor_certificates::Column::Fingerprint,
                        monitor_certificates::Column::Chain,
                        monitor_certificates::Column::NotAfter,
                        monitor_certificates::Column::DaysLeft,
                        monitor_certificates::Column::TlsVersion,
                        monitor_certificates::Column::FirstSeenAt,
                        monitor_certificates::Column::CheckedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await
            .map(|_| ())
    }
}
