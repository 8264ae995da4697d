//! A runner monitor's runners with their newest outages, for its page.

use chrono::{DateTime, Utc};
use domain::monitors::{Access, MonitorRef};
use domain::runners::{self, OutageView, RunnerView};

use super::convert::when;
use super::errors::internal;
use crate::dto::{OutageItem, RunnerItem, RunnersData};
use crate::error::AppError;

/// Outages shown under each runner: as many as `/runner-history` answers.
pub const OUTAGES_PER_RUNNER: usize = 5;

/// A runner monitor's runners by name, each with its newest outages (one
/// query for all of them).
pub async fn runners(
    monitor: &MonitorRef<impl Access>,
    now: DateTime<Utc>,
) -> Result<RunnersData, AppError> {
    let list = runners::list_runners(monitor).await.map_err(|e| internal("runners", e))?;
    let mut outages = runners::recent_outages(monitor, OUTAGES_PER_RUNNER)
        .await
        .map_err(|e| internal("outages", e))?;
    Ok(RunnersData {
        runners: list
            .into_iter()
            .map(|r| {
                let history = outages.remove(&r.name).unwrap_or_default();
                runner(r, history, now)
            })
            .collect(),
        outages_per_runner: OUTAGES_PER_RUNNER,
    })
}

fn runner(r: RunnerView, outages: Vec<OutageView>, now: DateTime<Utc>) -> RunnerItem {
    RunnerItem {
        status: r.status,
        busy: r.busy,
        os: r.os,
        labels: r.labels,
        first_seen: when(r.first_seen_at, now),
        last_seen: when(r.last_seen_at, now),
        outages: outages.into_iter().map(|o| outage(o, now)).collect(),
        name: r.name,
    }
}

fn outage(o: OutageView, now: DateTime<Utc>) -> OutageItem {
    OutageItem {
        number: o.number,
        ongoing: o.is_ongoing(),
        started: when(o.started_at, now),
        resolved: o.resolved_at.map(|at| when(at, now)),
        duration: domain::text::duration(o.duration_seconds),
        description: o.description,
    }
}
