//! A `tls` check's step in the recording skeleton: the history row (up,
//! degraded while the renewal is due, down when the handshake is refused),
//! the monitor's state by its thresholds, and, once the state moved, the
//! certificate it saw: kept in `monitor_certificates`, compared with the one
//! before, so that a crossed expiry threshold and a replaced certificate
//! each notify once. A refused certificate notifies through its incident
//! only (down, with the failure named), not as an expiry or a replacement.

use chrono::{DateTime, Utc};
use kinds::NotificationEvent;
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseTransaction, DbErr, EntityTrait, Set};
use uuid::Uuid;

use super::{changed, CertSummary, TlsFailure, TlsSpec};
use crate::entities::{monitor_certificates, monitor_state, monitors};
use crate::monitors::Status;
use crate::pipeline::notifications::{fan_out, Fanout};
use crate::pipeline::recording::{
    monitor_advance, monitor_change, Advance, Check, Step, Transition,
};
use crate::text;

/// What one handshake showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsOutcome {
    /// The chain was accepted.
    Valid { chain: CertSummary, version: String },
    /// The chain (when the server sent one) was refused for `failure`.
    Refused { failure: TlsFailure, chain: Option<CertSummary> },
    /// No handshake: the connection failed, was refused by the guard, or timed out.
    Unreachable { error: String },
}

/// The result of one `tls` check of one slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsResult {
    pub monitor_id: Uuid,
    pub slot: i64,
    pub checked_at: DateTime<Utc>,
    /// Connection and handshake, when they happened.
    pub latency_ms: Option<i32>,
    pub outcome: TlsOutcome,
    pub region: String,
}

/// What the step reads before writing: the settings and the last certificate.
pub struct Seen {
    spec: Option<TlsSpec>,
    previous: Option<monitor_certificates::Model>,
}

impl TlsResult {
    fn chain(&self) -> Option<&CertSummary> {
        match &self.outcome {
            TlsOutcome::Valid { chain, .. } => Some(chain),
            TlsOutcome::Refused { chain, .. } => chain.as_ref(),
            TlsOutcome::Unreachable { .. } => None,
        }
    }

    fn version(&self) -> &str {
        match &self.outcome {
            TlsOutcome::Valid { version, .. } => version,
            _ => "",
        }
    }
}

/// "CN=example.org, issued by CN=R11, expires on 2027-01-05".
fn describe(chain: &CertSummary) -> String {
    let first = &chain.first_expiry;
    let which = if first.index == 0 {
        String::new()
    } else {
        format!(" (its issuer {} expires first)", first.subject)
    };
    format!(
        "{}, issued by {}, expires on {}{which}",
        chain.leaf.subject,
        chain.leaf.issuer,
        first.not_after.format("%Y-%m-%d %H:%M UTC")
    )
}

impl Step for TlsResult {
    type Seen = Seen;
    type Plan = Seen;

    fn monitor_id(&self) -> Uuid {
        self.monitor_id
    }

    fn slot(&self) -> i64 {
        self.slot
    }

    async fn observe(
        &self,
        txn: &DatabaseTransaction,
        monitor: &monitors::Model,
    ) -> Result<Seen, DbErr> {
        let spec = serde_json::from_str::<TlsSpec>(&monitor.config).ok();
        let previous = monitor_certificates::Entity::find_by_id(self.monitor_id).one(txn).await?;
        Ok(Seen { spec, previous })
    }

    fn check(&self, seen: &Seen) -> Check {
        let (status, error) = match &self.outcome {
            TlsOutcome::Valid { chain, .. } => {
                let days_left = chain.days_left(self.checked_at);
                let expiry = text::expiry(chain.first_expiry.not_after, self.checked_at);
                match &seen.spec {
                    Some(spec) if spec.expiry_days.is_due(days_left) => (
                        Status::Degraded,
                        Some(format!("the certificate {expiry}: {}", describe(chain))),
                    ),
                    _ => (Status::Up, None),
                }
            }
            TlsOutcome::Refused { failure, chain } => {
                let about = chain.as_ref().map(|c| format!(" ({})", describe(c)));
                (Status::Down, Some(format!("{failure}{}", about.unwrap_or_default())))
            }
            TlsOutcome::Unreachable { error } => (Status::Down, Some(error.clone())),
        };
        Check {
            checked_at: self.checked_at,
            status,
            latency_ms: self.latency_ms,
            http_status: None,
            error: error.as_deref().map(text::remote),
            region: self.region.clone(),
        }
    }

    async fn plan(
        &self,
        _: &DatabaseTransaction,
        monitor: &monitors::Model,
        state: &monitor_state::Model,
        seen: Seen,
        check: &Check,
    ) -> Result<Advance<Seen>, DbErr> {
        // The same transaction as `observe`: what it read is still true.
        Ok(Advance { next: monitor_advance(monitor, state, check.status), plan: seen })
    }

    async fn settle(
        &self,
        txn: &DatabaseTransaction,
        _: &monitors::Model,
        transition: Transition,
        check: &Check,
        seen: Seen,
    ) -> Result<Vec<Uuid>, DbErr> {
        let changes = monitor_change(txn, self, transition, check).await?.into_iter().collect();
        // A refused chain is kept (the page shows what the server sends) but
        // says nothing more: its incident's alert names the failure.
        if let TlsOutcome::Valid { chain, .. } = &self.outcome {
            self.notify(txn, seen.spec.as_ref(), seen.previous.as_ref(), chain).await?;
        }
        if let Some(chain) = self.chain() {
            self.keep(txn, seen.previous.as_ref(), chain).await?;
        }
        Ok(changes)
    }
}

impl TlsResult {
    /// Fans out a crossed threshold and a replaced certificate.
    async fn notify(
        &self,
        txn: &DatabaseTransaction,
        spec: Option<&TlsSpec>,
        previous: Option<&monitor_certificates::Model>,
        chain: &CertSummary,
    ) -> Result<(), DbErr> {
        let Some(spec) = spec else { return Ok(()) };
        let days_left = chain.days_left(self.checked_at);
        let mut events = Vec::new();
        if spec.notify_on_change
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
        if let Some(threshold) = spec.expiry_days.crossed(previous.map(|p| p.days_left), days_left)
        {
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
                region: &self.region,
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
        chain: &CertSummary,
    ) -> Result<(), DbErr> {
        let first_seen_at = previous
            .filter(|p| p.fingerprint == chain.fingerprint())
            .map_or(self.checked_at, |p| p.first_seen_at);
        let row = monitor_certificates::ActiveModel {
            monitor_id: Set(self.monitor_id),
            fingerprint: Set(chain.fingerprint().to_owned()),
            chain: Set(serde_json::to_string(chain).unwrap_or_default()),
            not_after: Set(chain.first_expiry.not_after),
            days_left: Set(chain.days_left(self.checked_at)),
            tls_version: Set(self.version().to_owned()),
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
