//! Counts of monitors by status: one definition for the domain that counts
//! them, the REST API and the pages that show them.

use serde::{Deserialize, Serialize};

use crate::Status;

/// How many monitors are in each status (over all of them, not a filter).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct StatusCounts {
    pub total: u64,
    pub up: u64,
    pub down: u64,
    pub degraded: u64,
    pub paused: u64,
    pub unknown: u64,
}

impl StatusCounts {
    /// Counts `n` more monitors in `status`.
    pub fn add(&mut self, status: Status, n: u64) {
        self.total += n;
        *self.slot(status) += n;
    }

    /// How many are in `status`.
    pub fn of(&self, status: Status) -> u64 {
        match status {
            Status::Up => self.up,
            Status::Down => self.down,
            Status::Degraded => self.degraded,
            Status::Paused => self.paused,
            Status::Unknown => self.unknown,
        }
    }

    fn slot(&mut self, status: Status) -> &mut u64 {
        match status {
            Status::Up => &mut self.up,
            Status::Down => &mut self.down,
            Status::Degraded => &mut self.degraded,
            Status::Paused => &mut self.paused,
            Status::Unknown => &mut self.unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_lands_in_its_own_count_and_the_total() {
        let mut counts = StatusCounts::default();
        for (i, &status) in Status::ALL.iter().enumerate() {
            counts.add(status, i as u64 + 1);
        }
        for (i, &status) in Status::ALL.iter().enumerate() {
            assert_eq!(counts.of(status), i as u64 + 1, "{status}");
        }
        assert_eq!(counts.total, (1..=Status::ALL.len() as u64).sum::<u64>());
    }
}
