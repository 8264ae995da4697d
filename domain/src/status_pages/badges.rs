//! The figures of a status page's badges: a published page's (or one of
//! its components') state, uptime, latency percentile or certificate days
//! left. A [`BadgeSubject`] is made only by [`BadgeSubject::find`], from a
//! page that is published, found by its slug; it keeps the monitors it
//! covers to itself, so nothing built from it can name them. Anything a
//! badge cannot show (an unknown or unpublished page, a component not on
//! it, a figure the subject does not have) is the one [`Figure::NotAvailable`]
//! (docs/status-pages.md#badges).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{public::percent, states, ComponentKind, ComponentState};
use crate::entities::status_pages as pages;
use crate::entities::{monitor_certificates, monitor_state, monitors, status_page_components};
use crate::history::stats::{self, StatsWindow};
use crate::monitors::Status;
use crate::rollups::{read, Watermarks};

const SECS_PER_DAY: i64 = 86_400;

/// What a badge shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BadgeMetric {
    /// The page's or component's state.
    Status,
    /// The share of healthy checks over a window.
    Uptime,
    /// The median response time over a window: a monitor component that
    /// shows its response times on the page only.
    P50,
    /// The 95th percentile response time, likewise.
    P95,
    /// Whole days until the first certificate of the chain expires; for a
    /// page or a group, the soonest of its monitors'.
    Certificate,
}

/// Whose badge: the page's, or one of its components' (by the component's
/// id, which a published page makes public; a monitor id never is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadgeTarget {
    Page,
    Component(Uuid),
}

/// What a badge says, before it is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    State(ComponentState),
    /// Percent, rounded down to 0.01 (a failure never reads 100); `None`
    /// without checks in the window.
    Uptime(Option<f64>),
    /// Milliseconds; `None` without a healthy check in the window.
    Latency(Option<u32>),
    /// Whole days left, negative once expired.
    CertificateDays(i64),
    /// Nothing to show, for whatever reason: never says which.
    NotAvailable,
}

/// A published page, or a component of one, as its badges see it. Only
/// [`BadgeSubject::find`] makes one.
#[derive(Debug, Clone)]
pub struct BadgeSubject {
    /// The public name (a component's) or the title (the page's).
    name: String,
    state: ComponentState,
    /// The one monitor of a monitor component that shows its response times.
    monitor: Option<Uuid>,
    /// Every monitor the subject covers (a group's members', a page's all).
    monitors: Vec<Uuid>,
}

impl BadgeSubject {
    /// The subject at `slug` (and `target`) if the page is published and
    /// the component is on it; `None` otherwise, whatever the reason.
    pub async fn find(
        db: &DatabaseConnection,
        slug: &str,
        target: BadgeTarget,
    ) -> Result<Option<Self>, DbErr> {
        let Some(page) = pages::Entity::find()
            .filter(pages::Column::Slug.eq(slug))
            .filter(pages::Column::Published.eq(true))
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        // A badge is shown to anyone: a page with a password has none
        // (decision 127), the same N/A as an unpublished one.
        if super::protection::hash_of(db, page.id).await?.is_some() {
            return Ok(None);
        }
        let rows = super::service::load_components(db, page.id).await?;
        let states = monitor_states(db, &rows).await?;
        let leaf = |row: &status_page_components::Model| match row.kind {
            ComponentKind::Monitor => row.monitor_id.and_then(|id| states.get(&id).copied()),
            ComponentKind::Static => row.static_state,
            ComponentKind::Group => None,
        };
        let state_of = |row: &status_page_components::Model| match row.kind {
            ComponentKind::Group => states::combined(
                rows.iter()
                    .filter(|m| m.parent_id == Some(row.id))
                    .map(|m| leaf(m).unwrap_or(ComponentState::NoData)),
            ),
            _ => leaf(row).unwrap_or(ComponentState::NoData),
        };
        let subject = match target {
            BadgeTarget::Page => Self {
                name: page.title,
                state: states::combined(
                    rows.iter().filter(|r| r.parent_id.is_none()).map(state_of),
                ),
                monitor: None,
                monitors: rows.iter().filter_map(|r| r.monitor_id).collect(),
            },
            BadgeTarget::Component(id) => {
                let Some(row) = rows.iter().find(|r| r.id == id) else { return Ok(None) };
                let monitors = rows
                    .iter()
                    .filter(|r| r.id == id || r.parent_id == Some(id))
                    .filter_map(|r| r.monitor_id)
                    .collect();
                Self {
                    name: row.public_name.clone(),
                    state: state_of(row),
                    // Response times are public only where the owner shows them.
                    monitor: row.monitor_id.filter(|_| row.show_latency),
                    monitors,
                }
            }
        };
        Ok(Some(subject))
    }

    /// The public name of the component, or the page's title.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the badge of `metric` says over `window` ending at `now` (the
    /// window is the uptime's and the percentiles' only).
    pub async fn figure(
        &self,
        db: &DatabaseConnection,
        metric: BadgeMetric,
        window: StatsWindow,
        now: DateTime<Utc>,
    ) -> Result<Figure, DbErr> {
        Ok(match metric {
            BadgeMetric::Status => Figure::State(self.state),
            BadgeMetric::Uptime if self.monitors.is_empty() => Figure::NotAvailable,
            BadgeMetric::Uptime => Figure::Uptime(uptime(db, &self.monitors, window, now).await?),
            BadgeMetric::P50 | BadgeMetric::P95 => match self.monitor {
                None => Figure::NotAvailable,
                Some(id) => {
                    let figures = stats::of_monitor(db, id, window, now).await?;
                    Figure::Latency(match metric {
                        BadgeMetric::P50 => figures.p50_latency_ms,
                        _ => figures.p95_latency_ms,
                    })
                }
            },
            BadgeMetric::Certificate => certificate_days(db, &self.monitors, now)
                .await?
                .map_or(Figure::NotAvailable, Figure::CertificateDays),
        })
    }
}

/// The component state of each monitor shown by `rows`.
async fn monitor_states(
    db: &DatabaseConnection,
    rows: &[status_page_components::Model],
) -> Result<HashMap<Uuid, ComponentState>, DbErr> {
    let ids: Vec<Uuid> = rows.iter().filter_map(|r| r.monitor_id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let statuses: HashMap<Uuid, Status> = monitor_state::Entity::find()
        .filter(monitor_state::Column::MonitorId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.monitor_id, s.status))
        .collect();
    Ok(monitors::Entity::find()
        .filter(monitors::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            let status = if m.paused { Some(Status::Paused) } else { statuses.get(&m.id).copied() };
            (m.id, states::of_monitor(status))
        })
        .collect())
}

/// The healthy share of the checks of `ids` together over `window`, read
/// through the rollups as the monitor's statistics are.
async fn uptime(
    db: &DatabaseConnection,
    ids: &[Uuid],
    window: StatsWindow,
    now: DateTime<Utc>,
) -> Result<Option<f64>, DbErr> {
    let from = now - chrono::Duration::seconds(window.seconds());
    let marks = Watermarks::load(db).await?;
    let segments = match stats::resolution(window) {
        Some(resolution) => read::plan(from, Some(now), resolution, &marks),
        None => vec![read::Segment::Raw(read::Lower::After(from), read::Upper::Until(now))],
    };
    let (mut checks, mut healthy) = (0, 0);
    for segment in segments {
        for (_, c, h) in read::counts(db, ids, segment).await? {
            checks += c;
            healthy += h;
        }
    }
    Ok(percent(checks, healthy))
}

/// The fewest whole days left on the certificates `ids` saw last, at `now`.
async fn certificate_days(
    db: &DatabaseConnection,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    if ids.is_empty() {
        return Ok(None);
    }
    let first_expiry = monitor_certificates::Entity::find()
        .filter(monitor_certificates::Column::MonitorId.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.not_after)
        .min();
    Ok(first_expiry.map(|at| (at - now).num_seconds().div_euclid(SECS_PER_DAY)))
}
