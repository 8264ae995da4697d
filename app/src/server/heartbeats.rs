//! A heartbeat monitor's page data: its ping URL, when the next ping is
//! due, and its recent runs paired from the stored pings.

use chrono::{DateTime, Utc};
use domain::heartbeats::runs::pair;
use domain::heartbeats::service::HeartbeatService;
use domain::heartbeats::store::kind_of;
use domain::heartbeats::{Outcome, Ping};
use domain::monitors::{MonitorRef, Read};
use leptos::prelude::*;

use super::convert::when;
use crate::dto::{HeartbeatData, RunItem};
use crate::error::AppError;

/// Pings read for the page's runs.
const PINGS_READ: u64 = 200;
/// Runs shown.
const RUNS_SHOWN: usize = 30;
/// Characters of a run's body shown.
const BODY_PREVIEW: usize = 200;

/// The heartbeat service and the URL pings go to, provided by the server.
#[derive(Clone)]
pub struct Heartbeats {
    pub service: HeartbeatService,
    /// The installation's public URL, without a trailing slash.
    pub public_url: String,
}

/// The page's heartbeat block of `monitor`.
pub async fn heartbeat(
    monitor: &MonitorRef<Read>,
    now: DateTime<Utc>,
) -> Result<HeartbeatData, AppError> {
    let Heartbeats { service, public_url } =
        use_context::<Heartbeats>().ok_or_else(AppError::internal)?;
    let view = monitor.view();
    let spec = view.heartbeat.clone().ok_or_else(AppError::internal)?;
    let details = service.details(std::slice::from_ref(view)).await?.remove(&view.id);
    let (rows, _) = service.pings(monitor, None, PINGS_READ).await?;
    let pings: Vec<Ping> = rows
        .iter()
        .rev()
        .filter_map(|row| {
            let kind = kind_of(row)?;
            Some(Ping { at: row.at, kind, rid: row.rid, body: row.body.clone() })
        })
        .collect();
    let runs = pair(&pings)
        .into_iter()
        .rev()
        .take(RUNS_SHOWN)
        .map(|run| {
            let finished = run.finished;
            let body = finished
                .and_then(|(at, _)| {
                    pings.iter().rev().find(|p| p.at == at && p.kind.outcome().is_some())
                })
                .map(|p| domain::text::truncate(&p.body, BODY_PREVIEW))
                .unwrap_or_default();
            let (outcome, ok) = match finished.map(|(_, o)| o) {
                Some(Outcome::Success) => ("ok".to_owned(), true),
                Some(Outcome::Failure { exit_code: Some(code) }) => (format!("exit {code}"), false),
                Some(Outcome::Failure { exit_code: None }) => ("failed".to_owned(), false),
                None if run.superseded => ("given up".to_owned(), false),
                None => ("running".to_owned(), true),
            };
            let duration_secs = run.duration().map(|d| d.num_seconds());
            RunItem {
                started: run.started.map(|at| when(at, now)),
                finished: finished.map(|(at, _)| when(at, now)),
                duration: duration_secs.map(domain::text::duration),
                duration_secs,
                outcome,
                ok,
                body,
            }
        })
        .collect();
    let details = details.ok_or_else(AppError::internal)?;
    Ok(HeartbeatData {
        ping_url: format!("{public_url}/ping/{}", details.token),
        schedule: spec.describe(),
        grace: domain::text::duration(i64::try_from(spec.grace).unwrap_or(i64::MAX)),
        next_expected: details.next_expected_at.map(|at| when(at, now)),
        last_ping: details.last_ping_at.map(|at| when(at, now)),
        runs,
    })
}
