//! The pipeline's Prometheus series: every name in one place, with its help
//! text and unit. Names carry the `runstate_` prefix; a label means the same
//! thing whatever the check's kind (docs/pipeline.md#metrics lists them).

use ::metrics::{describe_counter, describe_gauge, describe_histogram, Unit};

/// Checks performed, by `kind` and `result` (see [`ResultLabel`]).
pub const CHECKS: &str = "runstate_checks_total";
/// Wall time of one check, by `kind`.
pub const CHECK_DURATION: &str = "runstate_check_duration_seconds";
/// Runner listings of `github_runners` monitors, by `outcome`.
pub const RUNNER_LISTINGS: &str = "runstate_runner_listings_total";
/// Results recorded per transaction by a process's result writer.
pub const RESULT_BATCH_SIZE: &str = "runstate_check_result_batch_size";
/// Scheduling ticks that claimed nothing because the check queue was full.
pub const SCHEDULER_BACKPRESSURE: &str = "runstate_scheduler_backpressure_total";
/// Per claimed batch: now minus the oldest claimed slot.
pub const SCHEDULER_LAG: &str = "runstate_scheduler_lag_seconds";
/// Open incidents, measured on each sweep.
pub const INCIDENTS_OPEN: &str = "runstate_incidents_open";
/// Jobs not yet taken by a worker, by `queue`.
pub const QUEUE_DEPTH: &str = "runstate_queue_depth";
/// Jobs re-queued for a retry, by `queue`.
pub const JOBS_RETRIED: &str = "runstate_jobs_retried_total";
/// Jobs dropped for good, by `queue`.
pub const JOBS_DEAD: &str = "runstate_jobs_dead_total";
/// Time of each phase of HTTP checks, by `phase` (dns, connect, tls, ttfb, transfer).
pub const HTTP_PHASE: &str = "runstate_http_phase_seconds";
/// Notification delivery attempts, by `channel` and `outcome`.
pub const NOTIFICATIONS: &str = "runstate_notifications_total";
/// Status page subscribers' delivery attempts, by `kind` and `outcome`.
pub const SUBSCRIBER_DELIVERIES: &str = "runstate_subscriber_deliveries_total";

/// The `result` label of [`CHECKS`]: how the check's request to its target
/// went, in one vocabulary for every kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultLabel {
    /// The target answered as expected.
    Up,
    /// The target answered as expected, but slowly.
    Degraded,
    /// The target did not answer, or answered wrongly.
    Down,
    /// The target refused for its rate limit: nothing was learnt.
    Throttled,
}

impl ResultLabel {
    /// The label of a check that ended `status`; `None` when it says
    /// nothing about the target (unknown, paused).
    pub fn of(status: kinds::Status) -> Option<Self> {
        match status {
            kinds::Status::Up => Some(Self::Up),
            kinds::Status::Degraded => Some(Self::Degraded),
            kinds::Status::Down => Some(Self::Down),
            kinds::Status::Unknown | kinds::Status::Paused => None,
        }
    }

    /// The label value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Degraded => "degraded",
            Self::Down => "down",
            Self::Throttled => "throttled",
        }
    }
}

/// Counts one check of `kind` with its result and wall time ([`CHECKS`],
/// [`CHECK_DURATION`]): every kind's worker calls this, so the series agree.
pub fn count_check(kind: kinds::MonitorKind, result: ResultLabel, took: std::time::Duration) {
    metrics::counter!(CHECKS, "kind" => kind.as_str(), "result" => result.as_str()).increment(1);
    metrics::histogram!(CHECK_DURATION, "kind" => kind.as_str()).record(took.as_secs_f64());
}

/// Records the phases one HTTP check completed (not per monitor: the
/// series stays small; a monitor's own phases are in its history).
pub fn record_phases(phases: &domain::probe::Phases) {
    use kinds::HttpPhase;
    for phase in
        [HttpPhase::Dns, HttpPhase::Connect, HttpPhase::Tls, HttpPhase::Ttfb, HttpPhase::Transfer]
    {
        if let Some(ms) = phases.get(phase) {
            metrics::histogram!(HTTP_PHASE, "phase" => phase.as_str())
                .record(f64::from(ms) / 1000.0);
        }
    }
}

/// Registers the help text and unit of every pipeline series; call once,
/// after the recorder is installed.
pub fn describe() {
    describe_counter!(
        CHECKS,
        Unit::Count,
        "Checks performed, by kind and result (up, degraded, down, throttled)"
    );
    describe_histogram!(CHECK_DURATION, Unit::Seconds, "Wall time of one check, by kind");
    describe_counter!(
        RUNNER_LISTINGS,
        Unit::Count,
        "Runner listings of github_runners monitors, by outcome (listed, unchanged, rate_limited, failed)"
    );
    describe_histogram!(
        RESULT_BATCH_SIZE,
        Unit::Count,
        "Check results recorded per transaction by a process's result writer"
    );
    describe_counter!(
        SCHEDULER_BACKPRESSURE,
        Unit::Count,
        "Scheduling ticks that claimed nothing because the check queue was full"
    );
    describe_histogram!(
        SCHEDULER_LAG,
        Unit::Seconds,
        "Per claimed batch of checks: now minus the oldest claimed slot"
    );
    describe_histogram!(
        HTTP_PHASE,
        Unit::Seconds,
        "Time of each phase of HTTP checks that reached it, by phase (dns, connect, tls, ttfb, transfer)"
    );
    describe_gauge!(INCIDENTS_OPEN, Unit::Count, "Open incidents, measured on each sweep");
    describe_gauge!(
        QUEUE_DEPTH,
        Unit::Count,
        "Jobs not yet taken by a worker (delayed retries included), by queue"
    );
    describe_counter!(
        JOBS_RETRIED,
        Unit::Count,
        "Jobs re-queued with backoff for a retry, by queue"
    );
    describe_counter!(
        JOBS_DEAD,
        Unit::Count,
        "Jobs dropped for good (a fatal error or out of attempts), by queue"
    );
    describe_counter!(
        NOTIFICATIONS,
        Unit::Count,
        "Notification delivery attempts, by channel and outcome (delivered, retry, failed)"
    );
    describe_counter!(
        SUBSCRIBER_DELIVERIES,
        Unit::Count,
        "Status page subscribers' delivery attempts, by kind (email, webhook) and outcome"
    );
}
