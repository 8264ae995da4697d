//! The status state machine: a monitor goes down only after its configured
//! number of consecutive failures, and up again after its number of
//! consecutive successes. Pure, so every rule is unit tested.

use crate::monitors::Status;

/// A monitor's status and its run counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub status: Status,
    pub failures: i32,
    pub successes: i32,
}

/// How many results confirm a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// Consecutive failures before `down`.
    pub confirmations: i32,
    /// Consecutive successes before `up` again after `down`.
    pub recoveries: i32,
}

/// The state after one check whose own result is `result` (up, degraded or down).
pub fn next(state: State, result: Status, limits: Thresholds) -> State {
    if result.is_healthy() {
        let successes = state.successes.saturating_add(1);
        let status = match state.status {
            Status::Down if successes < limits.recoveries => Status::Down,
            _ => result,
        };
        State { status, failures: 0, successes }
    } else {
        let failures = state.failures.saturating_add(1);
        let status = if failures >= limits.confirmations { Status::Down } else { state.status };
        State { status, failures, successes: 0 }
    }
}

/// Whether a change between two statuses opens or resolves an incident (a
/// move between up and degraded does neither).
pub fn is_incident_boundary(from: Status, to: Status) -> bool {
    (to == Status::Down) != (from == Status::Down)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Thresholds = Thresholds { confirmations: 3, recoveries: 2 };

    fn run(start: Status, results: &[Status]) -> Vec<Status> {
        let mut state = State { status: start, failures: 0, successes: 0 };
        results
            .iter()
            .map(|r| {
                state = next(state, *r, LIMITS);
                state.status
            })
            .collect()
    }

    #[test]
    fn down_needs_the_configured_consecutive_failures() {
        use Status::*;
        assert_eq!(run(Up, &[Down, Down, Down]), [Up, Up, Down]);
    }

    #[test]
    fn flapping_below_the_confirmations_never_goes_down() {
        use Status::*;
        let statuses = run(Up, &[Down, Down, Up, Down, Down, Up, Down, Down]);
        assert!(statuses.iter().all(|s| *s == Up), "{statuses:?}");
    }

    #[test]
    fn recovery_needs_the_configured_successes() {
        use Status::*;
        assert_eq!(run(Down, &[Up, Up]), [Down, Up]);
        assert_eq!(run(Down, &[Up, Down, Up, Up]), [Down, Down, Down, Up]);
    }

    #[test]
    fn the_first_success_decides_an_unknown_monitor_and_degraded_is_healthy() {
        use Status::*;
        assert_eq!(run(Unknown, &[Up]), [Up]);
        assert_eq!(run(Unknown, &[Degraded, Up]), [Degraded, Up]);
        assert_eq!(run(Unknown, &[Down, Down, Down]), [Unknown, Unknown, Down]);
    }

    #[test]
    fn only_moves_across_down_are_incident_boundaries() {
        use Status::*;
        assert!(is_incident_boundary(Up, Down));
        assert!(is_incident_boundary(Unknown, Down));
        assert!(is_incident_boundary(Down, Degraded));
        assert!(!is_incident_boundary(Up, Degraded));
        assert!(!is_incident_boundary(Unknown, Up));
    }
}
