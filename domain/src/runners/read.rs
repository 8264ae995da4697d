//! The read side of runners: the runners of a monitor and one runner's
//! outages (for the API, Slack commands and the UI, through a `MonitorRef`),
//! and the state of the last listing (for the checker).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::{OutageStatus, PageTag, RunnerStatus};
use crate::entities::{github_listings, github_runners, incidents};
use crate::monitors::{Access, MonitorRef};

/// A runner as the API and UI show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunnerView {
    pub id: Uuid,
    pub github_id: i64,
    pub name: String,
    /// online, offline, or unknown (missing from the last listing).
    pub status: RunnerStatus,
    pub busy: bool,
    pub os: String,
    pub labels: Vec<String>,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

impl From<github_runners::Model> for RunnerView {
    fn from(r: github_runners::Model) -> Self {
        Self {
            id: r.id,
            github_id: r.github_id,
            status: r.status,
            busy: r.busy,
            os: r.os,
            labels: serde_json::from_str(&r.labels).unwrap_or_default(),
            first_seen_at: r.first_seen_at,
            last_seen_at: r.last_seen_at,
            name: r.name,
        }
    }
}

/// One outage of a runner, as the API, Slack and the UI show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutageView {
    /// Sequential per runner: 1, 2, 3 …
    pub number: i32,
    pub status: OutageStatus,
    pub started_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Until resolution, or until now for an ongoing outage.
    pub duration_seconds: i64,
    pub description: String,
}

impl OutageView {
    fn of(i: incidents::Model, now: DateTime<Utc>) -> Self {
        Self {
            number: i.number,
            status: if i.resolved_at.is_some() {
                OutageStatus::Resolved
            } else {
                OutageStatus::Ongoing
            },
            started_at: i.started_at,
            resolved_at: i.resolved_at,
            duration_seconds: (i.resolved_at.unwrap_or(now) - i.started_at).num_seconds().max(0),
            description: i.cause,
        }
    }

    /// Whether the outage is still open.
    pub fn is_ongoing(&self) -> bool {
        self.resolved_at.is_none()
    }
}

/// A monitor's runners, by name.
pub async fn list_runners(monitor: &MonitorRef<impl Access>) -> Result<Vec<RunnerView>, DbErr> {
    Ok(github_runners::Entity::find()
        .filter(github_runners::Column::MonitorId.eq(monitor.id()))
        .order_by_asc(github_runners::Column::Name)
        .all(monitor.db())
        .await?
        .into_iter()
        .map(RunnerView::from)
        .collect())
}

/// One runner of a monitor by name.
pub async fn find_runner(
    monitor: &MonitorRef<impl Access>,
    name: &str,
) -> Result<Option<RunnerView>, DbErr> {
    Ok(github_runners::Entity::find()
        .filter(github_runners::Column::MonitorId.eq(monitor.id()))
        .filter(github_runners::Column::Name.eq(name))
        .one(monitor.db())
        .await?
        .map(RunnerView::from))
}

/// A runner's outages, newest first, at most `limit` (1 to 500).
pub async fn outages(
    monitor: &MonitorRef<impl Access>,
    name: &str,
    limit: u64,
) -> Result<Vec<OutageView>, DbErr> {
    let now = Utc::now();
    Ok(incidents::Entity::find()
        .filter(incidents::Column::MonitorId.eq(monitor.id()))
        .filter(incidents::Column::Subject.eq(name))
        .order_by_desc(incidents::Column::Number)
        .limit(limit.clamp(1, 500))
        .all(monitor.db())
        .await?
        .into_iter()
        .map(|i| OutageView::of(i, now))
        .collect())
}

/// The newest outages of every runner of a monitor, at most `per_runner`
/// each, keyed by runner name: one query for a page that shows them all.
pub async fn recent_outages(
    monitor: &MonitorRef<impl Access>,
    per_runner: usize,
) -> Result<HashMap<String, Vec<OutageView>>, DbErr> {
    let now = Utc::now();
    // Newest first across runners; retention bounds how many there are.
    let rows = incidents::Entity::find()
        .filter(incidents::Column::MonitorId.eq(monitor.id()))
        .filter(incidents::Column::Subject.ne(""))
        .order_by_desc(incidents::Column::StartedAt)
        .limit(RECENT_OUTAGES_SCANNED)
        .all(monitor.db())
        .await?;
    let mut by_runner: HashMap<String, Vec<OutageView>> = HashMap::new();
    for incident in rows {
        let outages = by_runner.entry(incident.subject.clone()).or_default();
        if outages.len() < per_runner {
            outages.push(OutageView::of(incident, now));
        }
    }
    Ok(by_runner)
}

/// How many of a monitor's newest outages [`recent_outages`] looks at.
const RECENT_OUTAGES_SCANNED: u64 = 2000;

/// What the checker needs from the last listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListingState {
    /// The pages of the last full listing with their ETags.
    pub pages: Vec<PageTag>,
    /// GitHub asked us to wait until then.
    pub rate_limited_until: Option<DateTime<Utc>>,
}

/// The state of a monitor's last listing (empty before the first). The
/// checker's, acting for the installation: no caller, so an id.
pub async fn listing_state(
    db: &DatabaseConnection,
    monitor_id: Uuid,
) -> Result<ListingState, DbErr> {
    Ok(github_listings::Entity::find_by_id(monitor_id)
        .one(db)
        .await?
        .map(|l| ListingState {
            pages: serde_json::from_str(&l.pages).unwrap_or_default(),
            rate_limited_until: l.rate_limited_until,
        })
        .unwrap_or_default())
}
