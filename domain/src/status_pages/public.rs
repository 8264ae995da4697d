//! The public read of a status page: [`PublicPage`], built only by
//! [`PublicPage::load`] from a page that is published, found by its slug.
//! It holds only what the page shows: texts, theme, component public names
//! and states, daily uptime and, where the owner chose, recent response
//! times. No monitor id, target, owner or database row is in it, so a route
//! that serializes it cannot leak them.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use serde::Serialize;
use uuid::Uuid;

use super::incidents::PublicIncident;
use super::maintenance::{MaintenanceFacts, PublicMaintenance};
use super::{states, ComponentKind, ComponentState, PageError, PageTheme};
use crate::entities::status_pages as pages;
use crate::entities::{check_rollups, monitor_state, monitors, status_page_components};
use crate::history::summary::recent_latencies;
use crate::monitors::Status;
use crate::rollups::{read, Resolution, Watermarks};

/// Days of uptime per component, today (UTC) the last.
pub const UPTIME_DAYS: usize = 90;
/// Recent response times per component that shows them.
const LATENCY_POINTS: u32 = 30;

/// A published status page, as anyone may read it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicPage {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub logo_url: Option<String>,
    pub theme: PageTheme,
    pub footer: String,
    /// Whether search engines may index it.
    pub indexable: bool,
    /// The whole page's state, from its components.
    pub state: ComponentState,
    pub components: Vec<PublicComponent>,
    /// Maintenance on now or announced, soonest first.
    pub maintenance: Vec<PublicMaintenance>,
    /// Published incidents, active or resolved in the last 14 days, newest first.
    pub incidents: Vec<PublicIncident>,
    pub generated_at: DateTime<Utc>,
    /// The page's password hash, when it has one: the public read checks
    /// the visitor's pass against it. Never serialized.
    #[serde(skip)]
    password_hash: Option<String>,
    /// Only [`PublicPage::load`] makes one.
    #[serde(skip)]
    _published: Published,
}

#[derive(Debug, Clone, PartialEq)]
struct Published;

/// One component as the public sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicComponent {
    /// The component's own id (public: its badge's address, and what a
    /// subscriber chooses; never a monitor's id).
    pub id: Uuid,
    /// The public name the owner gave it (never the monitor's own name).
    pub name: String,
    pub description: Option<String>,
    pub kind: ComponentKind,
    pub state: ComponentState,
    /// [`UPTIME_DAYS`] days, oldest first (a group's sums its members');
    /// empty for a static component.
    pub uptime_days: Vec<DayUptime>,
    /// Recent response times in ms, oldest first (`None` for a failed
    /// check), when the owner shows them.
    pub latency_ms: Option<Vec<Option<u32>>>,
    /// A group's members.
    pub members: Vec<PublicComponent>,
}

/// One UTC day's uptime: `None` when nothing was checked that day (never
/// shown as 100 %).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DayUptime {
    pub date: NaiveDate,
    pub uptime: Option<f64>,
    /// Whether a maintenance window covered it for some time (its checks
    /// still count: the bar is drawn apart, not hidden).
    pub maintenance: bool,
}

/// `(checks, healthy)` per monitor and day.
type DayCounts = HashMap<(Uuid, NaiveDate), (i64, i64)>;

/// What is known about the monitors a page shows.
struct Facts {
    state: HashMap<Uuid, ComponentState>,
    days: DayCounts,
    latencies: HashMap<Uuid, Vec<Option<u32>>>,
    maintenance: MaintenanceFacts,
    window: Vec<NaiveDate>,
}

impl PublicPage {
    /// The page at `slug` if it is published, read at `now`; an unknown or
    /// unpublished slug is the same `NotFound`.
    pub async fn load(
        db: &DatabaseConnection,
        slug: &str,
        now: DateTime<Utc>,
    ) -> Result<Self, PageError> {
        let page = pages::Entity::find()
            .filter(pages::Column::Slug.eq(slug))
            .filter(pages::Column::Published.eq(true))
            .one(db)
            .await?
            .ok_or(PageError::NotFound)?;
        let rows = super::service::load_components(db, page.id).await?;
        let password_hash = super::protection::hash_of(db, page.id).await?;
        let facts = Facts::load(db, &rows, now).await?;
        let components = facts.tree(&rows);
        let maintenance = facts.notices(&rows, now);
        let incidents = super::incidents::public::recent(db, page.id, now).await?;
        Ok(Self {
            slug: page.slug,
            title: page.title,
            description: page.description,
            logo_url: page.logo_url,
            theme: page.theme,
            footer: page.footer,
            indexable: page.indexable,
            state: states::combined(components.iter().map(|c| c.state)),
            components,
            maintenance,
            incidents,
            generated_at: now,
            password_hash,
            _published: Published,
        })
    }
}

impl PublicPage {
    /// Whether the page has a password (its answers must not be cached by
    /// shared caches).
    pub fn is_protected(&self) -> bool {
        self.password_hash.is_some()
    }

    /// The password hash of a protected page.
    pub(super) fn password_hash(&self) -> Option<&str> {
        self.password_hash.as_deref()
    }
}

impl Facts {
    async fn load(
        db: &DatabaseConnection,
        rows: &[status_page_components::Model],
        now: DateTime<Utc>,
    ) -> Result<Self, DbErr> {
        let ids: Vec<Uuid> = rows.iter().filter_map(|r| r.monitor_id).collect();
        let today = now.date_naive();
        let window: Vec<NaiveDate> = (0..UPTIME_DAYS)
            .rev()
            .filter_map(|back| today.checked_sub_days(chrono::Days::new(back as u64)))
            .collect();
        if ids.is_empty() {
            let (state, days, latencies, maintenance) = Default::default();
            return Ok(Self { state, days, latencies, maintenance, window });
        }
        let shown: Vec<monitors::Model> = monitors::Entity::find()
            .filter(monitors::Column::Id.is_in(ids.clone()))
            .all(db)
            .await?;
        let statuses: HashMap<Uuid, Status> = monitor_state::Entity::find()
            .filter(monitor_state::Column::MonitorId.is_in(ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.monitor_id, s.status))
            .collect();
        let state = shown
            .iter()
            .map(|m| {
                let status =
                    if m.paused { Some(Status::Paused) } else { statuses.get(&m.id).copied() };
                (m.id, states::of_monitor(status))
            })
            .collect();
        let first_created = shown.iter().map(|m| m.created_at).min().unwrap_or(now);
        let days = day_counts(db, &ids, &window, first_created, now).await?;
        let with_latency: Vec<Uuid> =
            rows.iter().filter(|r| r.show_latency).filter_map(|r| r.monitor_id).collect();
        let latencies = if with_latency.is_empty() {
            HashMap::new()
        } else {
            recent_latencies_of(db, &with_latency, now).await?
        };
        let first_day = window.first().copied().unwrap_or(today);
        let maintenance = MaintenanceFacts::load(db, &ids, first_day, now).await?;
        Ok(Self { state, days, latencies, maintenance, window })
    }

    /// The windows on now or soon, each naming the components it covers.
    fn notices(
        &self,
        rows: &[status_page_components::Model],
        now: DateTime<Utc>,
    ) -> Vec<PublicMaintenance> {
        self.maintenance
            .notices
            .iter()
            .map(|(w, title, description, monitors)| {
                let mut components: Vec<String> = Vec::new();
                let covered = in_page_order(rows)
                    .filter(|r| r.monitor_id.is_some_and(|m| monitors.contains(&m)));
                for row in covered {
                    if !components.contains(&row.public_name) {
                        components.push(row.public_name.clone());
                    }
                }
                PublicMaintenance {
                    title: title.clone(),
                    description: description.clone(),
                    starts_at: w.start,
                    ends_at: w.end,
                    active: w.start <= now,
                    components,
                }
            })
            .collect()
    }

    fn tree(&self, rows: &[status_page_components::Model]) -> Vec<PublicComponent> {
        let mut members: HashMap<Uuid, Vec<PublicComponent>> = HashMap::new();
        let mut top: Vec<(Uuid, PublicComponent)> = Vec::new();
        let mut group_monitors: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for row in rows {
            let component = self.leaf(row);
            match row.parent_id {
                Some(parent) => {
                    group_monitors.entry(parent).or_default().extend(row.monitor_id);
                    members.entry(parent).or_default().push(component);
                }
                None => top.push((row.id, component)),
            }
        }
        top.into_iter()
            .map(|(id, mut component)| {
                if component.kind == ComponentKind::Group {
                    component.members = members.remove(&id).unwrap_or_default();
                    component.state = states::combined(component.members.iter().map(|m| m.state));
                    let ids = group_monitors.remove(&id).unwrap_or_default();
                    component.uptime_days = self.uptime(&ids);
                }
                component
            })
            .collect()
    }

    /// A component without its members: what its own row says.
    fn leaf(&self, row: &status_page_components::Model) -> PublicComponent {
        let (state, uptime_days, latency_ms) = match (row.kind, row.monitor_id) {
            (ComponentKind::Monitor, Some(id)) => (
                if self.maintenance.active.contains(&id) {
                    // Planned work: what the checks say is not an outage.
                    ComponentState::Maintenance
                } else {
                    self.state.get(&id).copied().unwrap_or(ComponentState::NoData)
                },
                self.uptime(&[id]),
                row.show_latency.then(|| self.latencies.get(&id).cloned().unwrap_or_default()),
            ),
            (ComponentKind::Static, _) => {
                (row.static_state.unwrap_or(ComponentState::NoData), Vec::new(), None)
            }
            _ => (ComponentState::NoData, Vec::new(), None),
        };
        PublicComponent {
            id: row.id,
            name: row.public_name.clone(),
            description: row.description.clone(),
            kind: row.kind,
            state,
            uptime_days,
            latency_ms,
            members: Vec::new(),
        }
    }

    /// The daily uptime of `ids` together.
    fn uptime(&self, ids: &[Uuid]) -> Vec<DayUptime> {
        self.window
            .iter()
            .map(|&date| {
                let (checks, healthy) = ids
                    .iter()
                    .filter_map(|id| self.days.get(&(*id, date)))
                    .fold((0, 0), |(c, h), (dc, dh)| (c + dc, h + dh));
                let maintenance = ids.iter().any(|id| self.maintenance.days.contains(&(*id, date)));
                DayUptime { date, uptime: percent(checks, healthy), maintenance }
            })
            .collect()
    }
}

/// The rows as a visitor reads them: each top-level component, a group
/// followed by its members (positions count within a level).
fn in_page_order(
    rows: &[status_page_components::Model],
) -> impl Iterator<Item = &status_page_components::Model> {
    rows.iter().filter(|r| r.parent_id.is_none()).flat_map(move |top| {
        std::iter::once(top).chain(rows.iter().filter(move |r| r.parent_id == Some(top.id)))
    })
}

/// The healthy share in percent, rounded down to 0.01 so that a day with one
/// failure never reads 100; `None` without checks.
pub(super) fn percent(checks: i64, healthy: i64) -> Option<f64> {
    (checks > 0).then(|| (healthy as f64 * 10_000.0 / checks as f64).floor() / 100.0)
}

/// Checks and healthy checks per monitor and UTC day of `window`: final days
/// from the daily rollups (one query), the days after the daily watermark
/// through the finer rollups and raw checks, day by day (usually today and
/// yesterday). Days before the oldest monitor existed are not asked for.
async fn day_counts(
    db: &DatabaseConnection,
    ids: &[Uuid],
    window: &[NaiveDate],
    first_created: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<DayCounts, DbErr> {
    let mut counts = DayCounts::new();
    let Some(&first) = window.first() else { return Ok(counts) };
    let start = first.and_time(chrono::NaiveTime::MIN).and_utc();
    let marks = Watermarks::load(db).await?;
    let days_done = marks.get(Resolution::Day).filter(|done| *done > start);
    if let Some(done) = days_done {
        let rows = check_rollups::Entity::find()
            .filter(check_rollups::Column::MonitorId.is_in(ids.to_vec()))
            .filter(check_rollups::Column::Resolution.eq(Resolution::Day.seconds()))
            .filter(check_rollups::Column::BucketStart.gte(start))
            .filter(check_rollups::Column::BucketStart.lt(done))
            .all(db)
            .await?;
        for row in rows {
            let entry = counts.entry((row.monitor_id, row.bucket_start.date_naive())).or_default();
            entry.0 += i64::from(row.checks);
            entry.1 += i64::from(row.healthy);
        }
    }
    let open_from = Ord::max(days_done.unwrap_or(start), Resolution::Day.floor(first_created));
    let tick = Duration::microseconds(1);
    for date in window {
        let day = date.and_time(chrono::NaiveTime::MIN).and_utc();
        if day < open_from || day > now {
            continue;
        }
        let end = Ord::min(day + Duration::days(1) - tick, now);
        // `plan` reads (from, to]: starting a tick early takes the day's first instant.
        for segment in read::plan(day - tick, Some(end), Resolution::Hour, &marks) {
            for (id, checks, healthy) in read::counts(db, ids, segment).await? {
                let entry = counts.entry((id, *date)).or_default();
                entry.0 += checks;
                entry.1 += healthy;
            }
        }
    }
    Ok(counts)
}

async fn recent_latencies_of(
    db: &DatabaseConnection,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<HashMap<Uuid, Vec<Option<u32>>>, DbErr> {
    recent_latencies(db, ids, LATENCY_POINTS, now - Duration::hours(24)).await
}
