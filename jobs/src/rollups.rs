//! The rollup pass: builds the minute, hourly and daily check rollups from
//! where the last pass stopped, one bounded batch at a time with a pause
//! between them so that check results keep being recorded meanwhile. The
//! scheduler runs a pass at start and every minute; several schedulers may
//! run it at once and write the same rows.

use std::time::Duration;

use chrono::Utc;
use domain::rollups::{roll_up_batch, Progress};
use sea_orm::DatabaseConnection;

/// Between batches: other writers get the database (one writer on SQLite).
const PAUSE: Duration = Duration::from_millis(50);
/// A pass stops after this many batches; the next one continues.
const MAX_BATCHES: usize = 200;

/// One pass; returns the rows it wrote. Errors are logged, not fatal.
pub async fn run_pass(db: DatabaseConnection) -> Progress {
    let mut total = Progress::default();
    for _ in 0..MAX_BATCHES {
        match roll_up_batch(&db, Utc::now()).await {
            Ok(batch) => {
                total.minutes += batch.minutes;
                total.hours += batch.hours;
                total.days += batch.days;
                total.more = batch.more;
                if !batch.more {
                    break;
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "rollup pass failed; retrying next minute");
                break;
            }
        }
        tokio::time::sleep(PAUSE).await;
    }
    if total.more {
        tracing::info!(
            minutes = total.minutes,
            hours = total.hours,
            days = total.days,
            "check rollups behind; continuing next pass"
        );
    }
    total
}
