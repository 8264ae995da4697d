//! A `tls` check's step in the recording skeleton: the history row (up,
//! degraded while the renewal is due, down when the handshake is refused),
//! the monitor's state by its thresholds, and, once the state moved, the
//! certificate it saw: kept in `monitor_certificates`, compared with the one
//! before, so that a crossed expiry threshold and a replaced certificate
//! each notify once. A refused certificate notifies through its incident
//! only (down, with the failure named), not as an expiry or a replacement.

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseTransaction, DbErr, EntityTrait};
use uuid::Uuid;

use super::watch::Sighting;
use super::{CertSummary, ExpiryThresholds, TlsFailure, TlsSpec};
use crate::entities::{monitor_certificates, monitor_state, monitors};
use crate::monitors::Status;
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
pub(super) fn describe(chain: &CertSummary) -> String {
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
        if let Some(chain) = self.chain() {
            let sighting = Sighting {
                monitor_id: self.monitor_id,
                checked_at: self.checked_at,
                region: &self.region,
                chain,
                version: self.version(),
                accepted: matches!(self.outcome, TlsOutcome::Valid { .. }),
            };
            let (thresholds, on_change) = match &seen.spec {
                Some(spec) => (spec.expiry_days.clone(), spec.notify_on_change),
                None => (ExpiryThresholds::default(), false),
            };
            sighting.settle(txn, &thresholds, on_change, seen.previous.as_ref()).await?;
        }
        Ok(changes)
    }
}
