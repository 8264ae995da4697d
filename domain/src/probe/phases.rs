//! Where one HTTP exchange spent its time.

use kinds::HttpPhase;
use serde::{Deserialize, Serialize};

/// The time of each phase of one check, in milliseconds. A phase that did
/// not happen (no TLS on plain HTTP, no body read) or was not reached (the
/// check failed before it) is `None`. With redirects followed, each phase is
/// the sum over the hops, so the phases add up to about the total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phases {
    pub dns_ms: Option<u32>,
    pub connect_ms: Option<u32>,
    pub tls_ms: Option<u32>,
    pub ttfb_ms: Option<u32>,
    pub transfer_ms: Option<u32>,
    pub total_ms: Option<u32>,
}

impl Phases {
    /// The time of one phase, if it was measured.
    pub fn get(&self, phase: HttpPhase) -> Option<u32> {
        match phase {
            HttpPhase::Dns => self.dns_ms,
            HttpPhase::Connect => self.connect_ms,
            HttpPhase::Tls => self.tls_ms,
            HttpPhase::Ttfb => self.ttfb_ms,
            HttpPhase::Transfer => self.transfer_ms,
            HttpPhase::Total => self.total_ms,
        }
    }

    /// Adds `ms` to a phase (a redirect's hop adds to the hops before it).
    pub fn add(&mut self, phase: HttpPhase, ms: u32) {
        let slot = match phase {
            HttpPhase::Dns => &mut self.dns_ms,
            HttpPhase::Connect => &mut self.connect_ms,
            HttpPhase::Tls => &mut self.tls_ms,
            HttpPhase::Ttfb => &mut self.ttfb_ms,
            HttpPhase::Transfer => &mut self.transfer_ms,
            HttpPhase::Total => &mut self.total_ms,
        };
        *slot = Some(slot.unwrap_or(0).saturating_add(ms));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hops_add_up_per_phase_and_unmeasured_phases_stay_absent() {
        let mut phases = Phases::default();
        phases.add(HttpPhase::Connect, 3);
        phases.add(HttpPhase::Connect, 4);
        phases.add(HttpPhase::Ttfb, u32::MAX);
        phases.add(HttpPhase::Ttfb, 1);
        assert_eq!(phases.get(HttpPhase::Connect), Some(7));
        assert_eq!(phases.get(HttpPhase::Ttfb), Some(u32::MAX));
        assert_eq!(phases.get(HttpPhase::Tls), None);
    }
}
