//! The clock of one probe: a deadline for the whole exchange, and the time
//! each phase took, summed over the hops.

use std::future::Future;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use domain::probe::Phases;
use domain::tls::{CertSummary, TlsFailure};
use kinds::HttpPhase;

use super::{ProbeFailure, TlsSeen};
use crate::outbound::OutboundError;

pub(super) struct Run {
    started: Instant,
    deadline: tokio::time::Instant,
    pub(super) phases: Phases,
    pub(super) resolved_ip: Option<IpAddr>,
    pub(super) tls: Option<TlsSeen>,
    pub(super) refused: Option<(TlsFailure, Option<CertSummary>)>,
}

impl Run {
    pub(super) fn new(timeout: Duration) -> Self {
        Self {
            started: Instant::now(),
            deadline: tokio::time::Instant::now() + timeout,
            phases: Phases::default(),
            resolved_ip: None,
            tls: None,
            refused: None,
        }
    }

    /// Runs one phase within what is left of the deadline and adds its time;
    /// a phase that fails is not added: the phases kept are the completed ones.
    pub(super) async fn phase<T>(
        &mut self,
        phase: HttpPhase,
        work: impl Future<Output = Result<T, OutboundError>>,
    ) -> Result<T, Box<ProbeFailure>> {
        let began = Instant::now();
        match tokio::time::timeout_at(self.deadline, work).await {
            Ok(Ok(value)) => {
                self.phases.add(phase, millis(began.elapsed()));
                Ok(value)
            }
            Ok(Err(error)) => Err(self.fail(phase, error)),
            Err(_) => Err(self.fail(phase, OutboundError::Timeout)),
        }
    }

    /// What is left of the deadline.
    pub(super) fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(tokio::time::Instant::now())
    }

    /// From the start until now.
    pub(super) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Ends the probe in `phase`, keeping what was measured.
    pub(super) fn fail(&mut self, phase: HttpPhase, error: OutboundError) -> Box<ProbeFailure> {
        let elapsed = self.elapsed();
        let mut phases = self.phases;
        phases.total_ms = Some(millis(elapsed));
        Box::new(ProbeFailure {
            phase,
            error,
            elapsed,
            phases,
            resolved_ip: self.resolved_ip,
            refused: self.refused.take(),
        })
    }
}

pub(super) fn millis(elapsed: Duration) -> u32 {
    u32::try_from(elapsed.as_millis()).unwrap_or(u32::MAX)
}
