//! What a rollup row holds, in memory: counts, latency sum and maximum, and
//! the latency histogram; built from checks or merged from finer rows.

use sea_orm::{DbErr, Set};
use uuid::Uuid;

use super::histogram::Histogram;
use super::point::CheckPoint;
use super::Resolution;
use crate::entities::check_rollups;
use crate::probe::PhaseSums;

/// Checks of one monitor over some span, summarised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aggregate {
    pub checks: u64,
    /// Up or degraded, the rule of every uptime figure.
    pub healthy: u64,
    /// Sum of the latencies of healthy checks that measured one.
    pub latency_sum: u64,
    pub latency_max: Option<u32>,
    pub histogram: Histogram,
    /// Per-phase sums of healthy HTTP checks.
    pub phases: PhaseSums,
}

impl Aggregate {
    /// Counts one check as stored in `checks`.
    pub fn add_check(&mut self, point: &CheckPoint) {
        let (status, latency_ms) = (point.status, point.latency_ms);
        self.checks += 1;
        if !status.is_healthy() {
            return;
        }
        self.healthy += 1;
        self.phases.add(&point.phases());
        // Latencies of failed checks measure the failure, not the service.
        if let Some(latency) = latency_ms.and_then(|l| u32::try_from(l).ok()) {
            self.latency_sum += u64::from(latency);
            self.latency_max = Some(self.latency_max.map_or(latency, |m| m.max(latency)));
            self.histogram.record(latency);
        }
    }

    /// Adds `other` to this one.
    pub fn merge(&mut self, other: &Aggregate) {
        self.checks += other.checks;
        self.healthy += other.healthy;
        self.latency_sum += other.latency_sum;
        self.latency_max = match (self.latency_max, other.latency_max) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.histogram.merge(&other.histogram);
        self.phases.merge(&other.phases);
    }

    /// Healthy checks that measured a latency.
    pub fn latency_count(&self) -> u64 {
        self.histogram.len()
    }

    /// Mean latency of those checks.
    pub fn mean_latency(&self) -> Option<u32> {
        let n = self.latency_count();
        (n > 0).then(|| u32::try_from(self.latency_sum / n).unwrap_or(u32::MAX))
    }

    /// Reads a stored row.
    pub fn from_row(row: &check_rollups::Model) -> Result<Self, DbErr> {
        let count = |n: i32| u64::try_from(n).unwrap_or(0);
        let histogram =
            Histogram::decode(&row.histogram).map_err(|e| DbErr::Custom(e.to_string()))?;
        Ok(Self {
            checks: count(row.checks),
            healthy: count(row.healthy),
            latency_sum: u64::try_from(row.latency_sum).unwrap_or(0),
            latency_max: row.latency_max.and_then(|m| u32::try_from(m).ok()),
            histogram,
            phases: PhaseSums {
                count: count(row.phase_count),
                dns: u64::try_from(row.dns_sum).unwrap_or(0),
                connect: u64::try_from(row.connect_sum).unwrap_or(0),
                tls: u64::try_from(row.tls_sum).unwrap_or(0),
                ttfb: u64::try_from(row.ttfb_sum).unwrap_or(0),
                transfer: u64::try_from(row.transfer_sum).unwrap_or(0),
            },
        })
    }

    /// The row to store for `monitor_id`'s bucket at `start`.
    pub fn to_row(
        &self,
        monitor_id: Uuid,
        resolution: Resolution,
        start: chrono::DateTime<chrono::Utc>,
    ) -> check_rollups::ActiveModel {
        let int = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
        let long = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        check_rollups::ActiveModel {
            monitor_id: Set(monitor_id),
            resolution: Set(resolution.seconds()),
            bucket_start: Set(start),
            checks: Set(int(self.checks)),
            healthy: Set(int(self.healthy)),
            latency_count: Set(int(self.latency_count())),
            latency_sum: Set(i64::try_from(self.latency_sum).unwrap_or(i64::MAX)),
            latency_max: Set(self.latency_max.and_then(|m| i32::try_from(m).ok())),
            histogram: Set(self.histogram.encode()),
            phase_count: Set(int(self.phases.count)),
            dns_sum: Set(long(self.phases.dns)),
            connect_sum: Set(long(self.phases.connect)),
            tls_sum: Set(long(self.phases.tls)),
            ttfb_sum: Set(long(self.phases.ttfb)),
            transfer_sum: Set(long(self.phases.transfer)),
        }
    }
}
