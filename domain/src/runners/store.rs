//! The writes of a recorded listing: runner rows and the listing row, inside
//! the recording transaction (status-change rows go through the skeleton's
//! [`crate::pipeline::recording::write_change`]).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use super::record::Observation;
use super::{ListedRunner, ListingOutcome, ListingResult, PageTag, RunnerStatus};
use crate::entities::{github_listings, github_runners};
use crate::pipeline::transitions::State;

pub(super) async fn save_runner(
    txn: &DatabaseTransaction,
    monitor_id: Uuid,
    at: DateTime<Utc>,
    observation: &Observation,
    health: State,
) -> Result<(), DbErr> {
    let labels =
        |l: &ListedRunner| serde_json::to_string(&l.labels).unwrap_or_else(|_| "[]".into());
    let Some(stored) = &observation.stored else {
        let Some(listed) = &observation.listed else {
            return Ok(());
        };
        github_runners::ActiveModel {
            id: Set(Uuid::now_v7()),
            monitor_id: Set(monitor_id),
            github_id: Set(listed.github_id),
            name: Set(listed.name.clone()),
            status: Set(listed.status),
            busy: Set(listed.busy),
            os: Set(listed.os.clone()),
            labels: Set(labels(listed)),
            health: Set(health.status),
            failures: Set(health.failures),
            successes: Set(health.successes),
            first_seen_at: Set(at),
            last_seen_at: Set(at),
        }
        .insert(txn)
        .await?;
        return Ok(());
    };
    let mut update = github_runners::Entity::update_many()
        .col_expr(github_runners::Column::Status, Expr::value(observation.status))
        .col_expr(github_runners::Column::Health, Expr::value(health.status))
        .col_expr(github_runners::Column::Failures, Expr::value(health.failures))
        .col_expr(github_runners::Column::Successes, Expr::value(health.successes));
    match &observation.listed {
        Some(listed) => {
            update = update
                .col_expr(github_runners::Column::GithubId, Expr::value(listed.github_id))
                .col_expr(github_runners::Column::Busy, Expr::value(listed.busy))
                .col_expr(github_runners::Column::Os, Expr::value(listed.os.clone()))
                .col_expr(github_runners::Column::Labels, Expr::value(labels(listed)))
                .col_expr(github_runners::Column::LastSeenAt, Expr::value(at));
        }
        None if observation.status == RunnerStatus::Unknown => {
            update = update.col_expr(github_runners::Column::Busy, Expr::value(false));
        }
        // Unchanged listing: still there as it was.
        None => update = update.col_expr(github_runners::Column::LastSeenAt, Expr::value(at)),
    }
    update.filter(github_runners::Column::Id.eq(stored.id)).exec(txn).await?;
    Ok(())
}

pub(super) async fn save_listing(
    txn: &DatabaseTransaction,
    monitor_id: Uuid,
    result: &ListingResult,
    current: Option<github_listings::Model>,
    failing: bool,
) -> Result<(), DbErr> {
    let pages: Option<&[PageTag]> = match &result.outcome {
        ListingOutcome::Listed { pages, .. } => Some(pages),
        _ => None,
    };
    let listed =
        matches!(result.outcome, ListingOutcome::Listed { .. } | ListingOutcome::Unchanged);
    let limited = match &result.outcome {
        ListingOutcome::RateLimited { until, .. } => Some(*until),
        _ => None,
    };
    let pages_json = |p: &[PageTag]| serde_json::to_string(p).unwrap_or_else(|_| "[]".into());
    let Some(current) = current else {
        github_listings::ActiveModel {
            monitor_id: Set(monitor_id),
            pages: Set(pages.map_or_else(|| "[]".to_owned(), pages_json)),
            failing: Set(failing),
            listed_at: Set(listed.then_some(result.checked_at)),
            rate_limited_until: Set(limited),
        }
        .insert(txn)
        .await?;
        return Ok(());
    };
    let mut update = github_listings::Entity::update_many()
        .col_expr(github_listings::Column::Failing, Expr::value(failing))
        .col_expr(github_listings::Column::RateLimitedUntil, Expr::value(limited));
    if let Some(pages) = pages {
        update = update.col_expr(github_listings::Column::Pages, Expr::value(pages_json(pages)));
    }
    if listed {
        update = update.col_expr(github_listings::Column::ListedAt, Expr::value(result.checked_at));
    }
    update.filter(github_listings::Column::MonitorId.eq(current.monitor_id)).exec(txn).await?;
    Ok(())
}
