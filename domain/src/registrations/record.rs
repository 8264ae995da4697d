//! A `domain` check's step in the recording skeleton: the history row (up,
//! degraded while the renewal is due, down once expired or unknown to the
//! registry), the monitor's state by its thresholds, and, once the state
//! moved, the registration kept in `monitor_domains`, so that each expiry
//! threshold notifies once (`domain_expiring`). A registry that asks us to
//! wait (HTTP 429, `Retry-After`) moves nothing and pushes the next check
//! past the wait.

use chrono::{DateTime, Utc};
use kinds::NotificationEvent;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::{DomainSpec, Registration};
use crate::entities::{monitor_domains, monitor_state, monitors};
use crate::monitors::Status;
use crate::pipeline::notifications::{fan_out, Fanout};
use crate::pipeline::recording::{
    counters, monitor_advance, monitor_change, Advance, Check, Step, Transition,
};
use crate::pipeline::scheduling::to_millis;
use crate::text;

/// What one RDAP lookup showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainOutcome {
    /// The registry answered for the domain.
    Found { registration: Registration, server: String },
    /// The registry does not know the domain (RDAP 404).
    NotFound { server: String },
    /// The registry asked us to wait until `until`.
    RateLimited { until: DateTime<Utc>, error: String },
    /// No answer that could be read: the guard, DNS, a timeout, a 5xx, not RDAP.
    Failed { error: String },
}

/// The result of one `domain` check of one slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainResult {
    pub monitor_id: Uuid,
    pub slot: i64,
    pub checked_at: DateTime<Utc>,
    pub latency_ms: Option<i32>,
    pub outcome: DomainOutcome,
    pub region: String,
}

/// What the step reads first: the settings and the last registration kept.
pub struct Seen {
    spec: Option<DomainSpec>,
    previous: Option<monitor_domains::Model>,
}

/// "on 2027-08-13 (registrar Example Registrar)".
fn describe(registration: &Registration) -> String {
    let on = registration
        .expires_at
        .map(|at| format!("on {}", at.format("%Y-%m-%d %H:%M UTC")))
        .unwrap_or_default();
    match &registration.registrar {
        Some(registrar) => format!("{on} (registrar {registrar})"),
        None => on,
    }
}

impl DomainResult {
    fn days_left(&self) -> Option<i64> {
        match &self.outcome {
            DomainOutcome::Found { registration, .. } => registration.days_left(self.checked_at),
            _ => None,
        }
    }
}

impl Step for DomainResult {
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
        let spec = serde_json::from_str::<DomainSpec>(&monitor.config).ok();
        let previous = monitor_domains::Entity::find_by_id(self.monitor_id).one(txn).await?;
        Ok(Seen { spec, previous })
    }

    fn check(&self, seen: &Seen) -> Check {
        let name = seen.spec.as_ref().map_or_else(String::new, |s| s.name.clone());
        let (status, error) = match &self.outcome {
            DomainOutcome::Found { registration, .. } => {
                let said = |expires| {
                    let expiry = text::expiry(expires, self.checked_at);
                    Some(format!("the registration {expiry} {}", describe(registration)))
                };
                match (registration.expires_at, self.days_left()) {
                    (Some(expires), Some(days)) if days < 0 => (Status::Down, said(expires)),
                    (Some(expires), Some(days))
                        if seen.spec.as_ref().is_some_and(|s| s.expiry_days.is_due(days)) =>
                    {
                        (Status::Degraded, said(expires))
                    }
                    _ => (Status::Up, None),
                }
            }
            DomainOutcome::NotFound { server } => {
                (Status::Down, Some(format!("{server} has no registration for {name} (RDAP 404)")))
            }
            DomainOutcome::RateLimited { error, .. } => (Status::Unknown, Some(error.clone())),
            DomainOutcome::Failed { error } => (Status::Down, Some(error.clone())),
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
        let next = match self.outcome {
            // Not an answer: nothing learnt, nothing moves.
            DomainOutcome::RateLimited { .. } => counters(state),
            _ => monitor_advance(monitor, state, check.status),
        };
        Ok(Advance { next, plan: seen })
    }

    async fn settle(
        &self,
        txn: &DatabaseTransaction,
        monitor: &monitors::Model,
        transition: Transition,
        check: &Check,
        seen: Seen,
    ) -> Result<Vec<Uuid>, DbErr> {
        let changes = monitor_change(txn, self, transition, check).await?.into_iter().collect();
        match &self.outcome {
            DomainOutcome::Found { registration, server } => {
                self.notify(txn, &seen, registration).await?;
                self.keep(txn, registration, server).await?;
            }
            DomainOutcome::RateLimited { until, .. } => {
                // Back off: the next check waits for the registry.
                monitors::Entity::update_many()
                    .col_expr(monitors::Column::NextCheckAt, Expr::value(to_millis(*until)))
                    .filter(monitors::Column::Id.eq(monitor.id))
                    .filter(monitors::Column::NextCheckAt.lt(to_millis(*until)))
                    .exec(txn)
                    .await?;
            }
            DomainOutcome::NotFound { .. } | DomainOutcome::Failed { .. } => {}
        }
        Ok(changes)
    }
}

impl DomainResult {
    /// One `domain_expiring` per channel when a threshold is crossed.
    async fn notify(
        &self,
        txn: &DatabaseTransaction,
        seen: &Seen,
        registration: &Registration,
    ) -> Result<(), DbErr> {
        let (Some(spec), Some(days)) = (&seen.spec, self.days_left()) else { return Ok(()) };
        let previous = seen.previous.as_ref().and_then(|p| p.days_left);
        let Some(threshold) = spec.expiry_days.crossed(previous, days) else { return Ok(()) };
        let Some(expires) = registration.expires_at else { return Ok(()) };
        let detail = format!(
            "The registration of {} {} (warning at {}), {}.",
            spec.name,
            text::expiry(expires, self.checked_at),
            text::days(threshold.into()),
            describe(registration)
        );
        let fanout = Fanout {
            monitor_id: self.monitor_id,
            incident_id: None,
            event: NotificationEvent::DomainExpiring,
            prev_status: None,
            current_status: None,
            region: &self.region,
            detail: Some(text::remote(&detail)),
        };
        fan_out(txn, fanout).await.map(|_| ())
    }

    /// Keeps the registration read.
    async fn keep(
        &self,
        txn: &DatabaseTransaction,
        registration: &Registration,
        server: &str,
    ) -> Result<(), DbErr> {
        let row = monitor_domains::ActiveModel {
            monitor_id: Set(self.monitor_id),
            registration: Set(serde_json::to_string(registration).unwrap_or_default()),
            expires_at: Set(registration.expires_at),
            days_left: Set(self.days_left()),
            rdap_server: Set(text::remote(server)),
            checked_at: Set(self.checked_at),
        };
        monitor_domains::Entity::insert(row)
            .on_conflict(
                OnConflict::column(monitor_domains::Column::MonitorId)
                    .update_columns([
                        monitor_domains::Column::Registration,
                        monitor_domains::Column::ExpiresAt,
                        monitor_domains::Column::DaysLeft,
                        monitor_domains::Column::RdapServer,
                        monitor_domains::Column::CheckedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await
            .map(|_| ())
    }
}
