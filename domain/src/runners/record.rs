//! Recording a listing: the check row, each runner's row and confirmed
//! health, the monitor's state, and one status-change row per runner that
//! crosses between healthy and unhealthy (plus one for the listing itself
//! starting or stopping to fail) — in one transaction, like a check result.
//! A redelivered listing changes nothing; an older one is history only.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::store::{change, insert_change, pending_changes, save_listing, save_runner};
use super::{ListedRunner, ListingOutcome, ListingResult, RunnerStatus};
use crate::entities::{checks, github_listings, github_runners, monitor_state, monitors};
use crate::monitors::Status;
use crate::pipeline::results::check_id;
use crate::pipeline::scheduling::to_millis;
use crate::pipeline::transitions::{self, State, Thresholds};
use crate::text;

/// What recording did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordedListing {
    /// The same slot was recorded before (a redelivered job).
    pub duplicate: bool,
    /// A newer result was already applied; this one is history only.
    pub stale: bool,
    /// The monitor no longer exists.
    pub gone: bool,
    /// Status changes awaiting incident work, to enqueue.
    pub changes: Vec<Uuid>,
}

const STATE_RETRIES: usize = 5;
/// How many unhealthy runners the monitor's error names.
const NAMED_IN_ERROR: usize = 5;

/// Records `result`; see the module docs for the guarantees.
pub async fn record_listing(
    db: &DatabaseConnection,
    result: &ListingResult,
) -> Result<RecordedListing, DbErr> {
    for _ in 0..STATE_RETRIES {
        if let Some(recorded) = try_record(db, result).await? {
            return Ok(recorded);
        }
    }
    Err(DbErr::Custom(format!("monitor {} state kept changing under us", result.monitor_id)))
}

/// One runner as this listing sees it.
pub(super) struct Observation<'a> {
    pub(super) name: String,
    pub(super) status: RunnerStatus,
    pub(super) listed: Option<&'a ListedRunner>,
    pub(super) stored: Option<&'a github_runners::Model>,
}

/// Every runner this listing says something about: all listed ones, and
/// stored ones missing from a complete listing. `None` when the listing
/// says nothing (rate limited, failed).
fn observe<'a>(
    stored: &'a [github_runners::Model],
    outcome: &'a ListingOutcome,
) -> Option<Vec<Observation<'a>>> {
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
                    listed: Some(runner),
                    stored: by_name.get(runner.name.as_str()).copied(),
                });
            }
            for runner in stored.iter().filter(|r| !seen.contains_key(r.name.as_str())) {
                out.push(Observation {
                    name: runner.name.clone(),
                    status: RunnerStatus::Unknown,
                    listed: None,
                    stored: Some(runner),
                });
            }
            Some(out)
        }
        ListingOutcome::Unchanged => Some(
            stored
                .iter()
                .map(|r| Observation {
                    name: r.name.clone(),
                    status: RunnerStatus::from_stored(&r.status),
                    listed: None,
                    stored: Some(r),
                })
                .collect(),
        ),
        ListingOutcome::RateLimited { .. } | ListingOutcome::Failed { .. } => None,
    }
}

/// The status and error of this listing alone, for the check row.
fn own_status(
    outcome: &ListingOutcome,
    observed: Option<&[Observation<'_>]>,
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

/// One attempt; `None` when another writer changed the state first.
async fn try_record(
    db: &DatabaseConnection,
    result: &ListingResult,
) -> Result<Option<RecordedListing>, DbErr> {
    let Some(monitor) = monitors::Entity::find_by_id(result.monitor_id).one(db).await? else {
        return Ok(Some(RecordedListing { gone: true, ..Default::default() }));
    };
    let txn = crate::db::begin_write(db).await?;
    let stored = github_runners::Entity::find()
        .filter(github_runners::Column::MonitorId.eq(monitor.id))
        .all(&txn)
        .await?;
    let observed = observe(&stored, &result.outcome);
    let (own, error) = own_status(&result.outcome, observed.as_deref());
    let inserted = checks::Entity::insert(checks::ActiveModel {
        id: Set(check_id(monitor.id, result.slot)),
        monitor_id: Set(monitor.id),
        checked_at: Set(result.checked_at),
        status: Set(own.as_str().to_owned()),
        latency_ms: Set(result.latency_ms),
        http_status: Set(result.http_status),
        error: Set(error.clone()),
        region: Set(result.region.clone()),
    })
    .on_conflict(OnConflict::column(checks::Column::Id).do_nothing().to_owned())
    .exec_without_returning(&txn)
    .await?;
    if inserted == 0 {
        txn.rollback().await?;
        let changes = pending_changes(db, monitor.id, result.slot).await?;
        return Ok(Some(RecordedListing { duplicate: true, changes, ..Default::default() }));
    }
    let Some(state) = monitor_state::Entity::find_by_id(monitor.id).one(&txn).await? else {
        txn.commit().await?;
        return Ok(Some(RecordedListing { gone: true, ..Default::default() }));
    };
    if state.last_check_seq >= result.slot || monitor.paused {
        txn.commit().await?;
        return Ok(Some(RecordedListing { stale: true, ..Default::default() }));
    }
    let listing = github_listings::Entity::find_by_id(monitor.id).one(&txn).await?;
    let limits =
        Thresholds { confirmations: monitor.confirmations, recoveries: monitor.recoveries };

    // The listing itself: failing once confirmed, like a monitor going down.
    let was_failing = listing.as_ref().is_some_and(|l| l.failing);
    let before = State {
        status: if was_failing { Status::Down } else { Status::Up },
        failures: state.consecutive_failures,
        successes: state.consecutive_successes,
    };
    let after = match &result.outcome {
        ListingOutcome::RateLimited { .. } => before,
        ListingOutcome::Failed { .. } => transitions::next(before, Status::Down, limits),
        ListingOutcome::Listed { .. } | ListingOutcome::Unchanged => {
            transitions::next(before, Status::Up, limits)
        }
    };
    let failing = after.status == Status::Down;

    // Each runner: its confirmed health after this listing.
    let plans: Vec<(Observation<'_>, State)> = observed
        .unwrap_or_default()
        .into_iter()
        .map(|o| {
            let before = o.stored.map_or(
                State { status: Status::Unknown, failures: 0, successes: 0 },
                |r| State {
                    status: Status::from_stored(&r.health),
                    failures: r.failures,
                    successes: r.successes,
                },
            );
            let seen = if o.status.is_healthy() { Status::Up } else { Status::Down };
            (o, transitions::next(before, seen, limits))
        })
        .collect();
    let listed_ever = listing.as_ref().is_some_and(|l| l.listed_at.is_some())
        || matches!(result.outcome, ListingOutcome::Listed { .. });
    let status = overall(failing, listed_ever, &stored, &plans);

    let changed = status.as_str() != state.status;
    let mut update = monitor_state::Entity::update_many()
        .col_expr(monitor_state::Column::ConsecutiveFailures, Expr::value(after.failures))
        .col_expr(monitor_state::Column::ConsecutiveSuccesses, Expr::value(after.successes))
        .col_expr(monitor_state::Column::LastCheckSeq, Expr::value(result.slot))
        .col_expr(monitor_state::Column::LastCheckedAt, Expr::value(result.checked_at))
        .col_expr(monitor_state::Column::LastLatencyMs, Expr::value(result.latency_ms))
        .col_expr(monitor_state::Column::LastError, Expr::value(error.clone()));
    if changed {
        update = update
            .col_expr(monitor_state::Column::Status, Expr::value(status.as_str()))
            .col_expr(monitor_state::Column::StatusSince, Expr::value(result.checked_at));
    }
    let applied = update
        .filter(monitor_state::Column::MonitorId.eq(monitor.id))
        .filter(monitor_state::Column::LastCheckSeq.eq(state.last_check_seq))
        .exec(&txn)
        .await?;
    if applied.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(None);
    }

    let mut changes = Vec::new();
    for (observation, health) in &plans {
        save_runner(&txn, monitor.id, result.checked_at, observation, *health).await?;
        let before = observation.stored.map_or(Status::Unknown, |r| Status::from_stored(&r.health));
        if transitions::is_incident_boundary(before, health.status) {
            let from = observation.stored.map_or("new", |r| r.status.as_str());
            let cause = observation.status.describe(&observation.name);
            let change =
                change(result, &observation.name, from, observation.status.as_str(), Some(cause));
            changes.push(insert_change(&txn, change).await?);
        }
    }
    if failing != was_failing {
        let (from, to) = if failing { ("up", "down") } else { ("down", "up") };
        changes.push(insert_change(&txn, change(result, "", from, to, error.clone())).await?);
    }
    save_listing(&txn, monitor.id, result, listing, failing).await?;
    if let ListingOutcome::RateLimited { until, .. } = &result.outcome {
        // Back off: the next check waits for GitHub's reset.
        monitors::Entity::update_many()
            .col_expr(monitors::Column::NextCheckAt, Expr::value(to_millis(*until)))
            .filter(monitors::Column::Id.eq(monitor.id))
            .filter(monitors::Column::NextCheckAt.lt(to_millis(*until)))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(Some(RecordedListing { changes, ..Default::default() }))
}

/// Down while the listing fails or any runner is confirmed down; up when
/// every runner is confirmed up; unknown before the first listing.
fn overall(
    failing: bool,
    listed_ever: bool,
    stored: &[github_runners::Model],
    plans: &[(Observation<'_>, State)],
) -> Status {
    if failing {
        return Status::Down;
    }
    if !listed_ever {
        return Status::Unknown;
    }
    let healths: Vec<Status> = if plans.is_empty() {
        stored.iter().map(|r| Status::from_stored(&r.health)).collect()
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
