//! A monitor's history for its page: the chart's statistics and the checks,
//! a page at a time. Owner or admin only, like the monitor.

use chrono::Utc;
use domain::history::{self, StatsWindow};
use domain::monitors::Read;

use super::convert;
use super::errors::internal;
use super::{monitor_service, parse_id, signed_in};
use crate::dto::{CheckPage, StatsData};
use crate::error::AppError;

/// Checks on one page of a monitor's history.
pub const CHECKS_PER_PAGE: u64 = 10;

/// A monitor's statistics over a window, with chart labels.
pub async fn stats(id: String, window: StatsWindow) -> Result<StatsData, AppError> {
    let caller = signed_in()?;
    let id = parse_id(&id, "monitor")?;
    let monitor = monitor_service()?.authorize(&caller, id, Read).await?;
    let stats = history::stats::compute(&monitor, window, Utc::now())
        .await
        .map_err(|e| internal("statistics", e))?;
    Ok(convert::stats(stats))
}

/// A page of a monitor's checks, older than `cursor`.
pub async fn checks(id: String, cursor: String) -> Result<CheckPage, AppError> {
    let caller = signed_in()?;
    let id = parse_id(&id, "monitor")?;
    let monitor = monitor_service()?.authorize(&caller, id, Read).await?;
    let cursor = match cursor.trim() {
        "" => None,
        raw => Some(
            raw.parse()
                .map_err(|_| AppError::invalid("cursor", "this page of checks does not exist"))?,
        ),
    };
    let page = history::checks::page(&monitor, cursor, CHECKS_PER_PAGE)
        .await
        .map_err(|e| internal("checks", e))?;
    let now = Utc::now();
    Ok(CheckPage {
        checks: page.checks.into_iter().map(|c| convert::check(c, now)).collect(),
        next_cursor: page.next_cursor,
    })
}
