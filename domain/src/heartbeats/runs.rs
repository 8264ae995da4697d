//! Runs made of pings: a start paired with the finish that ends it (by run
//! id when the job gives one, else the latest open start), so each run has
//! its duration; a finish with no start is a run of unknown duration.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Ping;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    Success,
    /// `/fail` (no code) or a non-zero exit status.
    Failure {
        exit_code: Option<u8>,
    },
}

/// One run of the job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    /// When it started; `None` when the job sent only its finish.
    pub started: Option<DateTime<Utc>>,
    /// When it finished and how; `None` while it is open (or was given up:
    /// see `superseded`).
    pub finished: Option<(DateTime<Utc>, Outcome)>,
    /// The run id the job gave.
    pub rid: Option<Uuid>,
    /// A later start with the same run id (or, without ids, any later
    /// start) replaced this one before it finished: it will never finish.
    pub superseded: bool,
}

impl Run {
    /// How long it took, when both ends are known.
    pub fn duration(&self) -> Option<Duration> {
        Some(self.finished?.0 - self.started?)
    }

    /// Started, not finished, not given up.
    pub fn is_open(&self) -> bool {
        self.finished.is_none() && !self.superseded
    }
}

/// Pairs pings, given oldest first, into runs, oldest first (by start, or by
/// finish for a run without start). Logs are not runs and are skipped.
pub fn pair(pings: &[Ping]) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for ping in pings {
        if let Some(outcome) = ping.kind.outcome() {
            let open =
                runs.iter().rposition(|r| r.is_open() && (ping.rid.is_none() || r.rid == ping.rid));
            match open {
                Some(i) => runs[i].finished = Some((ping.at, outcome)),
                None => runs.push(Run {
                    started: None,
                    finished: Some((ping.at, outcome)),
                    rid: ping.rid,
                    superseded: false,
                }),
            }
        } else if ping.kind == super::PingKind::Start {
            // A start without an id restarts the job: an earlier open start
            // without id will not be finished. With an id, only the same id.
            for run in runs.iter_mut().filter(|r| r.is_open() && r.rid == ping.rid) {
                run.superseded = true;
            }
            runs.push(Run {
                started: Some(ping.at),
                finished: None,
                rid: ping.rid,
                superseded: false,
            });
        }
    }
    runs
}

/// What the evaluator needs to know about a monitor: since when it has
/// been watched (created or resumed: the first slot counts from there) and
/// its recent runs, oldest first. The last few dozen pings are enough.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct History {
    pub watched_since: DateTime<Utc>,
    pub runs: Vec<Run>,
}

impl History {
    /// The history of these pings, given oldest first.
    pub fn from_pings(watched_since: DateTime<Utc>, pings: &[Ping]) -> Self {
        Self { watched_since, runs: pair(pings) }
    }

    /// Finished runs, most recent finish first.
    pub(crate) fn finished(&self) -> Vec<(&Run, DateTime<Utc>, Outcome)> {
        let mut done: Vec<_> = self
            .runs
            .iter()
            .filter_map(|r| r.finished.map(|(at, outcome)| (r, at, outcome)))
            .collect();
        done.sort_by_key(|(_, at, _)| std::cmp::Reverse(*at));
        done
    }

    /// When the latest success finished.
    pub(crate) fn last_success(&self) -> Option<DateTime<Utc>> {
        self.finished().into_iter().find(|(_, _, o)| *o == Outcome::Success).map(|(_, at, _)| at)
    }

    /// The starts of open runs, earliest first.
    pub(crate) fn open_starts(&self) -> Vec<DateTime<Utc>> {
        let mut starts: Vec<_> =
            self.runs.iter().filter(|r| r.is_open()).filter_map(|r| r.started).collect();
        starts.sort();
        starts
    }
}

#[cfg(test)]
#[path = "runs_tests.rs"]
mod tests;
