//! Per-phase sums over many checks: what rollups keep and charts average.

use super::Phases;

/// The phases of healthy HTTP checks, summed. A phase a check did not have
/// (TLS on plain HTTP) adds 0, so the means stack up to the mean total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhaseSums {
    /// Checks that were measured by phase.
    pub count: u64,
    pub dns: u64,
    pub connect: u64,
    pub tls: u64,
    pub ttfb: u64,
    pub transfer: u64,
}

impl PhaseSums {
    /// Adds one check's phases; a check without any (not HTTP, or failed
    /// before its first phase ended) adds nothing.
    pub fn add(&mut self, phases: &Phases) {
        let parts =
            [phases.dns_ms, phases.connect_ms, phases.tls_ms, phases.ttfb_ms, phases.transfer_ms];
        if parts.iter().all(Option::is_none) {
            return;
        }
        let ms = |p: Option<u32>| u64::from(p.unwrap_or(0));
        self.count += 1;
        self.dns += ms(phases.dns_ms);
        self.connect += ms(phases.connect_ms);
        self.tls += ms(phases.tls_ms);
        self.ttfb += ms(phases.ttfb_ms);
        self.transfer += ms(phases.transfer_ms);
    }

    pub fn merge(&mut self, other: &PhaseSums) {
        self.count += other.count;
        self.dns += other.dns;
        self.connect += other.connect;
        self.tls += other.tls;
        self.ttfb += other.ttfb;
        self.transfer += other.transfer;
    }

    /// The mean of each phase, and their sum as the total; `None` without checks.
    pub fn means(&self) -> Option<Phases> {
        if self.count == 0 {
            return None;
        }
        let mean = |sum: u64| u32::try_from(sum / self.count).unwrap_or(u32::MAX);
        let parts = [self.dns, self.connect, self.tls, self.ttfb, self.transfer].map(mean);
        let [dns, connect, tls, ttfb, transfer] = parts;
        Some(Phases {
            dns_ms: Some(dns),
            connect_ms: Some(connect),
            tls_ms: Some(tls),
            ttfb_ms: Some(ttfb),
            transfer_ms: Some(transfer),
            total_ms: Some(parts.iter().fold(0u32, |a, b| a.saturating_add(*b))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn means_stack_up_and_checks_without_phases_do_not_count() {
        let mut sums = PhaseSums::default();
        let https = Phases {
            dns_ms: Some(2),
            connect_ms: Some(10),
            tls_ms: Some(30),
            ttfb_ms: Some(100),
            transfer_ms: Some(8),
            total_ms: Some(150),
        };
        let http = Phases { tls_ms: None, ..https };
        sums.add(&https);
        sums.add(&http);
        sums.add(&Phases::default());
        assert_eq!(sums.count, 2);
        let means = sums.means().unwrap();
        assert_eq!((means.tls_ms, means.ttfb_ms, means.total_ms), (Some(15), Some(100), Some(135)));
        let mut merged = PhaseSums::default();
        merged.merge(&sums);
        merged.merge(&sums);
        assert_eq!(merged.means(), sums.means());
        assert_eq!(PhaseSums::default().means(), None);
    }
}
