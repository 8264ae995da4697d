//! The retention pass: deletes check results, processed status changes,
//! resolved outages and check rollups past their retention, in small batches with a pause
//! between them so that check results keep being recorded meanwhile. The
//! scheduler runs a pass at start and every hour.

use std::time::Duration;

use chrono::Utc;
use domain::pipeline::retention::{prune_batch, Pruned, Retention};
use sea_orm::DatabaseConnection;

/// Rows per delete statement.
pub const BATCH: u64 = 500;
/// Between batches: other writers get the database (one writer on SQLite).
const PAUSE: Duration = Duration::from_millis(50);
/// A pass stops after this many batches; the next one continues.
const MAX_BATCHES: usize = 1000;

/// One pass; returns what it deleted. Errors are logged, not fatal.
pub async fn run_pass(db: DatabaseConnection, retention: Retention) -> Pruned {
    let mut total = Pruned::default();
    for _ in 0..MAX_BATCHES {
        match prune_batch(&db, retention, Utc::now(), BATCH).await {
            Ok(pruned) => {
                total.add(pruned);
                if !pruned.more(BATCH) {
                    break;
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "retention pass failed; retrying next hour");
                break;
            }
        }
        tokio::time::sleep(PAUSE).await;
    }
    if total != Pruned::default() {
        tracing::info!(
            checks = total.checks,
            status_changes = total.status_changes,
            outages = total.incidents,
            minute_rollups = total.minute_rollups,
            hour_rollups = total.hour_rollups,
            day_rollups = total.day_rollups,
            pings = total.pings,
            subscriber_rows = total.subscriber_rows,
            "deleted history past its retention"
        );
    }
    total
}
