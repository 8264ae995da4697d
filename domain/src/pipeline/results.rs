//! The result of an HTTP or TCP check, and its step in the recording
//! skeleton ([`super::recording`]): the history row, the monitor's new state
//! by its thresholds and, when the status crosses into or out of `down`, a
//! status-change row. A redelivered result changes nothing; an older one
//! than the state already holds adds history but never overwrites state.

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait};
use uuid::Uuid;

use super::recording::{self, monitor_advance, monitor_change, Advance, Check, Step, Transition};
use crate::entities::{monitor_certificates, monitor_state, monitors};
use crate::monitors::{Status, Target};
use crate::probe::HttpFacts;
use crate::tls::{ExpiryThresholds, SeenChain, Sighting};

pub use super::recording::{check_id, Recorded};

/// The outcome of one check of one slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    pub monitor_id: Uuid,
    /// The slot the check was scheduled for (unix ms): the result's identity.
    pub slot: i64,
    pub checked_at: DateTime<Utc>,
    /// Up, Degraded or Down.
    pub status: Status,
    pub latency_ms: Option<i32>,
    pub http_status: Option<i16>,
    pub error: Option<String>,
    pub region: String,
    /// What an HTTP check measured (phases, address, versions, excerpt).
    pub http: Option<HttpFacts>,
}

/// Records `result`: the skeleton with the HTTP/TCP step.
pub async fn record_result(
    db: &DatabaseConnection,
    result: &CheckResult,
) -> Result<Recorded, DbErr> {
    recording::record(db, result).await
}

/// One target, one status: the monitor moves by its thresholds.
impl Step for CheckResult {
    /// The certificate kept before, when this is an HTTPS check that saw one.
    type Seen = Option<monitor_certificates::Model>;
    type Plan = Option<monitor_certificates::Model>;

    fn monitor_id(&self) -> Uuid {
        self.monitor_id
    }

    fn slot(&self) -> i64 {
        self.slot
    }

    async fn observe(
        &self,
        txn: &DatabaseTransaction,
        _: &monitors::Model,
    ) -> Result<Self::Seen, DbErr> {
        if self.certificate().is_none() {
            return Ok(None);
        }
        monitor_certificates::Entity::find_by_id(self.monitor_id).one(txn).await
    }

    fn http(&self) -> Option<&HttpFacts> {
        self.http.as_ref()
    }

    fn check(&self, _: &Self::Seen) -> Check {
        Check {
            checked_at: self.checked_at,
            status: self.status,
            latency_ms: self.latency_ms,
            http_status: self.http_status,
            // A remote server's words, often: bounded before they are stored.
            error: self.error.as_deref().map(crate::text::remote),
            region: self.region.clone(),
        }
    }

    async fn plan(
        &self,
        _: &DatabaseTransaction,
        monitor: &monitors::Model,
        state: &monitor_state::Model,
        previous: Self::Seen,
        check: &Check,
    ) -> Result<Advance<Self::Plan>, DbErr> {
        Ok(Advance { next: monitor_advance(monitor, state, check.status), plan: previous })
    }

    async fn settle(
        &self,
        txn: &DatabaseTransaction,
        monitor: &monitors::Model,
        transition: Transition,
        check: &Check,
        previous: Self::Plan,
    ) -> Result<Vec<Uuid>, DbErr> {
        let changes = monitor_change(txn, self, transition, check).await?.into_iter().collect();
        if let Some(seen) = self.certificate() {
            let sighting = Sighting {
                monitor_id: self.monitor_id,
                checked_at: self.checked_at,
                region: &self.region,
                chain: &seen.chain,
                version: &seen.version,
                accepted: seen.accepted,
            };
            // Checked every few seconds: the kept row changes (and a threshold
            // can be crossed) only when the certificate or its days left do,
            // so the monitor's settings are read then and not on every check.
            if sighting.news(previous.as_ref()) {
                let (thresholds, on_change) = certificate_settings(monitor);
                sighting.settle(txn, &thresholds, on_change, previous.as_ref()).await?;
            }
        }
        Ok(changes)
    }
}

/// An HTTP monitor's certificate thresholds and change notices; the
/// defaults for settings that cannot be read (they were valid when stored).
fn certificate_settings(monitor: &monitors::Model) -> (ExpiryThresholds, bool) {
    match Target::from_config(monitor.kind, &monitor.config) {
        Ok(Target::Http(spec)) => (spec.cert_expiry_days, spec.cert_notify_on_change),
        _ => (ExpiryThresholds::default(), false),
    }
}

impl CheckResult {
    fn certificate(&self) -> Option<&SeenChain> {
        self.http.as_ref().and_then(|h| h.certificate.as_deref())
    }
}
