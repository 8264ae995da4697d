//! A listing's step in the recording skeleton ([`crate::pipeline::recording`]):
//! the check row, each runner's row and confirmed health, the monitor's
//! state, and one status-change row per runner that crosses between healthy
//! and unhealthy (plus one for the listing itself starting or stopping to
//! fail) — in one transaction, like a check result. A redelivered listing
//! changes nothing; an older one is history only.

use std::collections::HashMap;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
};
use uuid::Uuid;

use super::store::{save_listing, save_runner};
use super::{ListedRunner, ListingOutcome, ListingResult, RunnerStatus};
use crate::entities::{github_listings, github_runners, monitor_state, monitors};
use crate::monitors::Status;
use crate::pipeline::recording::{
    self, counters, thresholds, write_change, Advance, Check, Recorded, StatusChange, Step,
    Transition,
};
use crate::pipeline::scheduling::to_millis;
use crate::pipeline::transitions::{self, State};
use crate::text;

/// How many unhealthy runners the monitor's error names.
const NAMED_IN_ERROR: usize = 5;

/// Records `result`: the skeleton with the listing step.
pub async fn record_listing(
    db: &DatabaseConnection,
    result: &ListingResult,
) -> Result<Recorded, DbErr> {
    recording::record(db, result).await
}

/// One runner as this listing sees it.
pub(super) struct Observation {
    pub(super) name: String,
    pub(super) status: RunnerStatus,
    pub(super) listed: Option<ListedRunner>,
    pub(super) stored: Option<github_runners::Model>,
}

/// Every runner this listing says something about: all listed ones, and
/// stored ones missing from a complete listing. `None` when the listing
/// says nothing (rate limited, failed).
fn observe(stored: &[github_runners::Model], outcome: &ListingOutcome) -> Option<Vec<Observation>> {
    let by_name: HashMap<&str, &github_runners::Model> =
        stored.iter().map(|r| (r.name.as_str(), r)).collect();
    match outcome {
        ListingOutcome::Listed { runners, .. } => {
            let mut seen: HashMap<&str, ()> = HashMap::new();
            let mut out = Vec::with_capacity(runners.len());
            for runner in runners {
                if seen.insert(runner.name.as_str(), ()).is_some() {
                    continue;
                }
                out.push(Observation {
                    name: runner.name.clone(),
                    status: runner.status,
                    listed: Some(runner.clone()),
                    stored: by_name.get(runner.name.as_str()).map(|r| (*r).clone()),
                });
            }
            for runner in stored.iter().filter(|r| !seen.contains_key(r.name.as_str())) {
                out.push(Observation {
                    name: runner.name.clone(),
                    status: RunnerStatus::Unknown,
                    listed: None,
                    stored: Some(runner.clone()),
                });
            }
            Some(out)
        }
        ListingOutcome::Unchanged => Some(
            stored
                .iter()
                .map(|r| Observation {
                    name: r.name.clone(),
                    status: r.status,
                    listed: None,
                    stored: Some(r.clone()),
                })
                .collect(),
        ),
        ListingOutcome::RateLimited { .. } | ListingOutcome::Failed { .. } => None,
    }
}

/// The status and error of this listing alone, for the check row.
fn own_status(
    outcome: &ListingOutcome,
    observed: Option<&[Observation]>,
) -> (Status, Option<String>) {
    match outcome {
        // GitHub's (or a look-alike's) words: bounded before they are stored.
        ListingOutcome::RateLimited { error, .. } => (Status::Unknown, Some(text::remote(error))),
        ListingOutcome::Failed { error } => (Status::Down, Some(text::remote(error))),
        ListingOutcome::Listed { .. } | ListingOutcome::Unchanged => {
            let unhealthy: Vec<String> = observed
                .unwrap_or_default()
                .iter()
                .filter(|o| !o.status.is_healthy())
                .map(|o| format!("{} ({})", o.name, o.status))
                .collect();
            if unhealthy.is_empty() {
                return (Status::Up, None);
            }
            let mut named = unhealthy.iter().take(NAMED_IN_ERROR).cloned().collect::<Vec<_>>();
            if unhealthy.len() > NAMED_IN_ERROR {
                named.push(format!("{} more", unhealthy.len() - NAMED_IN_ERROR));
            }
            (Status::Down, Some(format!("unhealthy runners: {}", named.join(", "))))
        }
    }
}

/// What a listing found before anything is written: the runners stored so
/// far, and what this listing says about each (`None`: it says nothing).
pub struct Seen {
    stored: Vec<github_runners::Model>,
    observed: Option<Vec<Observation>>,
}

/// What a listing decided before the state swap, written after it.
pub struct Plan {
    /// Each runner this listing saw, with its confirmed health after it.
    runners: Vec<(Observation, State)>,
    listing: Option<github_listings::Model>,
    was_failing: bool,
    failing: bool,
}

/// Many targets in one result: each runner's health moves by the monitor's
/// thresholds, the listing's own failing too, and the monitor's status
/// follows from both.
impl Step for ListingResult {
    type Seen = Seen;
    type Plan = Plan;

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
        let stored = github_runners::Entity::find()
            .filter(github_runners::Column::MonitorId.eq(monitor.id))
            .all(txn)
            .await?;
        let observed = observe(&stored, &self.outcome);
        Ok(Seen { stored, observed })
    }

    fn check(&self, seen: &Seen) -> Check {
        let (status, error) = own_status(&self.outcome, seen.observed.as_deref());
        Check {
            checked_at: self.checked_at,
            status,
            latency_ms: self.latency_ms,
            http_status: self.http_status,
            error,
            region: self.region.clone(),
        }
    }

    async fn plan(
        &self,
        txn: &DatabaseTransaction,
        monitor: &monitors::Model,
        state: &monitor_state::Model,
        seen: Seen,
        _: &Check,
    ) -> Result<Advance<Plan>, DbErr> {
        let listing = github_listings::Entity::find_by_id(monitor.id).one(txn).await?;
        let limits = thresholds(monitor);
        // The listing itself: failing once confirmed, like a monitor going down.
        let was_failing = listing.as_ref().is_some_and(|l| l.failing);
        let before = State {
            status: if was_failing { Status::Down } else { Status::Up },
            ..counters(state)
        };
        let after = match &self.outcome {
            ListingOutcome::RateLimited { .. } => before,
            ListingOutcome::Failed { .. } => transitions::next(before, Status::Down, limits),
            ListingOutcome::Listed { .. } | ListingOutcome::Unchanged => {
                transitions::next(before, Status::Up, limits)
            }
        };
        let failing = after.status == Status::Down;
        // Each runner: its confirmed health after this listing.
        let runners: Vec<(Observation, State)> = seen
            .observed
            .unwrap_or_default()
            .into_iter()
            .map(|o| {
                let before = o
                    .stored
                    .as_ref()
                    .map_or(State { status: Status::Unknown, failures: 0, successes: 0 }, |r| {
                        State { status: r.health, failures: r.failures, successes: r.successes }
                    });
                let seen = if o.status.is_healthy() { Status::Up } else { Status::Down };
                (o, transitions::next(before, seen, limits))
            })
            .collect();
        let listed_ever = listing.as_ref().is_some_and(|l| l.listed_at.is_some())
            || matches!(self.outcome, ListingOutcome::Listed { .. });
        let status = overall(failing, listed_ever, &seen.stored, &runners);
        Ok(Advance {
            next: State { status, ..after },
            plan: Plan { runners, listing, was_failing, failing },
        })
    }

    async fn settle(
        &self,
        txn: &DatabaseTransaction,
        monitor: &monitors::Model,
        _: Transition,
        check: &Check,
        plan: Plan,
    ) -> Result<Vec<Uuid>, DbErr> {
        let mut changes = Vec::new();
        for (observation, health) in &plan.runners {
            save_runner(txn, monitor.id, self.checked_at, observation, *health).await?;
            let before = observation.stored.as_ref().map_or(Status::Unknown, |r| r.health);
            if transitions::is_incident_boundary(before, health.status) {
                let change = StatusChange {
                    subject: observation.name.clone(),
                    from: observation
                        .stored
                        .as_ref()
                        .map_or("new", |r| r.status.as_str())
                        .to_owned(),
                    to: observation.status.as_str().to_owned(),
                    cause: Some(super::describe(observation.status, &observation.name)),
                };
                changes.push(write_change(txn, self, check, change).await?);
            }
        }
        if plan.failing != plan.was_failing {
            let (from, to) =
                if plan.failing { (Status::Up, Status::Down) } else { (Status::Down, Status::Up) };
            let change = StatusChange {
                subject: String::new(),
                from: from.as_str().to_owned(),
                to: to.as_str().to_owned(),
                cause: check.error.clone(),
            };
            changes.push(write_change(txn, self, check, change).await?);
        }
        save_listing(txn, monitor.id, self, plan.listing, plan.failing).await?;
        if let ListingOutcome::RateLimited { until, .. } = &self.outcome {
            // Back off: the next check waits for GitHub's reset.
            monitors::Entity::update_many()
                .col_expr(monitors::Column::NextCheckAt, Expr::value(to_millis(*until)))
                .filter(monitors::Column::Id.eq(monitor.id))
                .filter(monitors::Column::NextCheckAt.lt(to_millis(*until)))
                .exec(txn)
                .await?;
        }
        Ok(changes)
    }
}

/// Down while the listing fails or any runner is confirmed down; up when
/// every runner is confirmed up; unknown before the first listing.
fn overall(
    failing: bool,
    listed_ever: bool,
    stored: &[github_runners::Model],
    plans: &[(Observation, State)],
) -> Status {
    if failing {
        return Status::Down;
    }
    if !listed_ever {
        return Status::Unknown;
    }
    let healths: Vec<Status> = if plans.is_empty() {
        stored.iter().map(|r| r.health).collect()
    } else {
        plans.iter().map(|(_, health)| health.status).collect()
    };
    if healths.contains(&Status::Down) {
        Status::Down
    } else if healths.iter().all(|h| *h == Status::Up) {
        Status::Up
    } else {
        Status::Unknown
    }
}
