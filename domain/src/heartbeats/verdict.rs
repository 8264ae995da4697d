//! A heartbeat monitor's state at an instant, from its settings and its
//! recent runs. The caller passes `now` (the sweep its clock's time), so
//! every boundary is tested with explicit instants.

use chrono::{DateTime, Utc};

use super::schedule::secs;
use super::{HeartbeatSpec, History, Outcome, Schedule};

/// Why a heartbeat monitor is down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownReason {
    /// No ping for the slot expected at `slot`, and its grace has passed.
    /// The slot names the lateness: the sweep reports each slot once.
    Missed { slot: DateTime<Utc> },
    /// The latest run failed (`/fail`: no code; `/{n}`: exit status n).
    Failed { exit_code: Option<u8> },
    /// A run started at `since` and has not finished within `max_runtime`.
    RanTooLong { since: DateTime<Utc> },
}

/// Why a heartbeat monitor is degraded: it runs, but not as it should.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DegradedReason {
    /// The latest run took less than `min_runtime` (`took`, in seconds).
    RanTooFast { took: i64 },
    /// The latest success came more than the grace before the slot after
    /// the success just before it: the job ran twice for one slot. (A
    /// success after a failure is a retry and does not count.)
    RanTooOften { previous: DateTime<Utc>, latest: DateTime<Utc> },
}

/// The state of a heartbeat monitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Up,
    /// A run is under way (and within its bounds).
    Running {
        since: DateTime<Utc>,
    },
    /// The expected ping is overdue but still within the grace: up, for now.
    Late {
        due: DateTime<Utc>,
        grace_ends: DateTime<Utc>,
    },
    Down(DownReason),
    Degraded(DegradedReason),
}

impl Verdict {
    /// Up, running or late: nothing to report.
    pub fn is_up(&self) -> bool {
        matches!(self, Self::Up | Self::Running { .. } | Self::Late { .. })
    }
}

/// When the next ping is expected: the first slot after the last success,
/// or after `now` for a monitor that has none. `None` only past the year
/// 5000.
pub fn next_due(
    schedule: &Schedule,
    last_success: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    schedule.next_after(last_success.unwrap_or(now))
}

/// The monitor's state at `now`. In order: an open run past `max_runtime`
/// is down; so is a latest run that failed; then the expected slot — the
/// first after the last success, the latest open start or `watched_since`,
/// whichever is latest — is down once its grace has passed (at exactly the
/// grace's end) and late from the slot on; an open run is running; a run
/// faster than `min_runtime`, or two successes in a row for one slot, degrade.
pub fn evaluate(spec: &HeartbeatSpec, history: &History, now: DateTime<Utc>) -> Verdict {
    let open = history.open_starts();
    if let (Some(max), Some(&earliest)) = (spec.max_runtime, open.first()) {
        if now >= earliest + secs(max) {
            return Verdict::Down(DownReason::RanTooLong { since: earliest });
        }
    }
    let finished = history.finished();
    if let Some((_, _, Outcome::Failure { exit_code })) = finished.first() {
        return Verdict::Down(DownReason::Failed { exit_code: *exit_code });
    }
    let latest_start = open.last().copied();
    if let Some(due) = expected_slot(spec, history) {
        let grace_ends = due + spec.grace();
        if now >= grace_ends {
            return Verdict::Down(DownReason::Missed { slot: due });
        }
        if now >= due {
            return Verdict::Late { due, grace_ends };
        }
    }
    if let Some(since) = latest_start {
        return Verdict::Running { since };
    }
    degraded(spec, &finished).map_or(Verdict::Up, Verdict::Degraded)
}

/// The slot the next ping is expected for: the first after the latest of
/// the last success, the latest open start and `watched_since`.
pub fn expected_slot(spec: &HeartbeatSpec, history: &History) -> Option<DateTime<Utc>> {
    let anchor = [history.last_success(), history.open_starts().last().copied()]
        .into_iter()
        .flatten()
        .fold(history.watched_since, DateTime::max);
    spec.schedule.next_after(anchor)
}

/// The first instant after `now` at which the verdict can change with no
/// new ping: the expected slot's grace ending, or an open run reaching
/// `max_runtime`. The sweep looks at the monitor then (decision 76).
/// `None` when time alone changes nothing (a failure waits for a ping).
pub fn wake_at(
    spec: &HeartbeatSpec,
    history: &History,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let grace_ends = expected_slot(spec, history).map(|due| due + spec.grace());
    let too_long = spec
        .max_runtime
        .and_then(|max| history.open_starts().first().map(|start| *start + secs(max)));
    [grace_ends, too_long].into_iter().flatten().filter(|t| *t > now).min()
}

/// The degraded reasons, judged on the latest finished run.
fn degraded(
    spec: &HeartbeatSpec,
    finished: &[(&super::Run, DateTime<Utc>, Outcome)],
) -> Option<DegradedReason> {
    let (latest_run, _, _) = finished.first()?;
    if let (Some(min), Some(took)) = (spec.min_runtime, latest_run.duration()) {
        if took < secs(min) {
            return Some(DegradedReason::RanTooFast { took: took.num_seconds() });
        }
    }
    // A success after a failure is a retry, not a second run for the slot.
    let [(_, latest, Outcome::Success), (_, previous, Outcome::Success), ..] = finished else {
        return None;
    };
    let expected = spec.schedule.next_after(*previous)?;
    (*latest < expected - spec.grace())
        .then_some(DegradedReason::RanTooOften { previous: *previous, latest: *latest })
}
