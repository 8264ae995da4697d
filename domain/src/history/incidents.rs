//! Incidents: lists with filters, one incident with its timeline, and
//! acknowledging.

use chrono::{DateTime, Utc};
use kinds::IncidentEventKind;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::accounts::Principal;
use crate::entities::{incident_events, incidents, monitors};
use crate::monitors::{Access, MonitorRef, Write};

/// One incident as the API shows it.
#[derive(Debug, Clone)]
pub struct IncidentRow {
    pub id: Uuid,
    pub monitor_id: Uuid,
    pub monitor_name: String,
    pub number: i32,
    /// The runner's name for runner monitors; empty otherwise.
    pub subject: String,
    pub started_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub is_active: bool,
    pub cause: String,
    pub duration_seconds: i64,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// One timeline entry.
#[derive(Debug, Clone)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub kind: IncidentEventKind,
    pub message: String,
}

/// An incident and its timeline.
#[derive(Debug, Clone)]
pub struct IncidentTimeline {
    pub incident: IncidentRow,
    pub timeline: Vec<TimelineEntry>,
}

/// Which incidents a list across monitors shows; the caller scopes it.
#[derive(Debug, Clone, Default)]
pub struct IncidentFilter {
    /// Admins only: every user's monitors (otherwise the caller's own).
    pub all_users: bool,
    /// Only this monitor's, among those the caller may see.
    pub monitor: Option<Uuid>,
    /// `Some(true)` open only, `Some(false)` resolved only.
    pub open: Option<bool>,
    /// The next page: the incidents older than this one (a previous page's
    /// `next_cursor`).
    pub after: Option<Uuid>,
    pub limit: u64,
}

/// One page of incidents.
#[derive(Debug, Clone)]
pub struct IncidentPage {
    pub incidents: Vec<IncidentRow>,
    /// Pass back as `after` for the next (older) page.
    pub next_cursor: Option<String>,
}

fn row(i: incidents::Model, monitor_name: String, now: DateTime<Utc>) -> IncidentRow {
    let end = i.resolved_at.unwrap_or(now);
    IncidentRow {
        id: i.id,
        monitor_id: i.monitor_id,
        monitor_name,
        number: i.number,
        subject: i.subject,
        started_at: i.started_at,
        resolved_at: i.resolved_at,
        is_active: i.resolved_at.is_none(),
        cause: i.cause,
        duration_seconds: (end - i.started_at).num_seconds().max(0),
        acknowledged_at: i.acknowledged_at,
    }
}

/// Incidents of the monitors `caller` may see (their own; everyone's for
/// an admin asking for all users), newest first.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Principal,
    filter: &IncidentFilter,
) -> Result<Vec<IncidentRow>, DbErr> {
    Ok(page(db, caller, filter).await?.incidents)
}

/// A page of the incidents `caller` may see, newest first. Like the checks'
/// pages, the cursor is the last incident seen: the page continues below its
/// `(started_at, id)`, so the `(monitor_id, started_at)` index serves every
/// page. A cursor whose incident is gone (or is not in this list) ends it.
pub async fn page(
    db: &DatabaseConnection,
    caller: &Principal,
    filter: &IncidentFilter,
) -> Result<IncidentPage, DbErr> {
    let mut query = incidents::Entity::find();
    if let Some(monitor) = filter.monitor {
        query = query.filter(incidents::Column::MonitorId.eq(monitor));
    }
    if !(filter.all_users && caller.is_admin()) {
        let owned = monitors::Entity::find()
            .select_only()
            .column(monitors::Column::Id)
            .filter(monitors::Column::OwnerId.eq(caller.user_id));
        query = query.filter(
            incidents::Column::MonitorId.in_subquery(sea_orm::QueryTrait::into_query(owned)),
        );
    }
    rows(db, query, filter.open, filter.after, filter.limit).await
}

/// A page of one monitor's incidents (`open`: only open or only resolved
/// ones), newest first, below the incident `after` when given.
pub async fn of_monitor(
    monitor: &MonitorRef<impl Access>,
    open: Option<bool>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<IncidentPage, DbErr> {
    let query = incidents::Entity::find().filter(incidents::Column::MonitorId.eq(monitor.id()));
    rows(monitor.db(), query, open, after, limit).await
}

async fn rows(
    db: &DatabaseConnection,
    mut query: sea_orm::Select<incidents::Entity>,
    open: Option<bool>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<IncidentPage, DbErr> {
    let limit = limit.clamp(1, 500);
    match open {
        Some(true) => query = query.filter(incidents::Column::ResolvedAt.is_null()),
        Some(false) => query = query.filter(incidents::Column::ResolvedAt.is_not_null()),
        None => {}
    }
    if let Some(after) = after {
        let at: Option<DateTime<Utc>> = query
            .clone()
            .filter(incidents::Column::Id.eq(after))
            .select_only()
            .column(incidents::Column::StartedAt)
            .into_tuple()
            .one(db)
            .await?;
        let Some(at) = at else {
            return Ok(IncidentPage { incidents: Vec::new(), next_cursor: None });
        };
        query = query.filter(incidents::Column::StartedAt.lte(at)).filter(
            Condition::any()
                .add(incidents::Column::StartedAt.lt(at))
                .add(incidents::Column::Id.lt(after)),
        );
    }
    let mut rows = query
        .order_by_desc(incidents::Column::StartedAt)
        .order_by_desc(incidents::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        rows.last().map(|i| i.id.to_string())
    } else {
        None
    };
    let ids: Vec<Uuid> = rows.iter().map(|i| i.monitor_id).collect();
    let names: std::collections::HashMap<Uuid, String> = monitors::Entity::find()
        .filter(monitors::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    let now = Utc::now();
    let incidents = rows
        .into_iter()
        .map(|i| {
            let name = names.get(&i.monitor_id).cloned().unwrap_or_default();
            row(i, name, now)
        })
        .collect();
    Ok(IncidentPage { incidents, next_cursor })
}

/// Incident `id` of the monitor with its timeline; `None` when the monitor
/// has no such incident.
pub async fn find(
    monitor: &MonitorRef<impl Access>,
    id: Uuid,
) -> Result<Option<IncidentTimeline>, DbErr> {
    let db = monitor.db();
    let Some(incident) = incidents::Entity::find_by_id(id)
        .filter(incidents::Column::MonitorId.eq(monitor.id()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let timeline = incident_events::Entity::find()
        .filter(incident_events::Column::IncidentId.eq(id))
        .order_by_asc(incident_events::Column::At)
        .all(db)
        .await?
        .into_iter()
        .map(|e| TimelineEntry { at: e.at, kind: e.kind, message: e.message })
        .collect();
    let name = monitor.view().name.clone();
    Ok(Some(IncidentTimeline { incident: row(incident, name, Utc::now()), timeline }))
}

/// The timelines of the monitor's incidents `ids`, each oldest first.
pub async fn timelines(
    monitor: &MonitorRef<impl Access>,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<TimelineEntry>>, DbErr> {
    let mut timelines: std::collections::HashMap<Uuid, Vec<TimelineEntry>> = Default::default();
    if ids.is_empty() {
        return Ok(timelines);
    }
    let of_monitor = incidents::Entity::find()
        .select_only()
        .column(incidents::Column::Id)
        .filter(incidents::Column::MonitorId.eq(monitor.id()))
        .filter(incidents::Column::Id.is_in(ids.to_vec()));
    let events = incident_events::Entity::find()
        .filter(
            incident_events::Column::IncidentId
                .in_subquery(sea_orm::QueryTrait::into_query(of_monitor)),
        )
        .order_by_asc(incident_events::Column::At)
        .order_by_asc(incident_events::Column::Id)
        .all(monitor.db())
        .await?;
    for e in events {
        timelines.entry(e.incident_id).or_default().push(TimelineEntry {
            at: e.at,
            kind: e.kind,
            message: e.message,
        });
    }
    Ok(timelines)
}

/// Marks incident `id` of the monitor acknowledged by the caller the grant
/// was made to (once) and adds it to the timeline.
pub async fn acknowledge(monitor: &MonitorRef<Write>, id: Uuid) -> Result<(), DbErr> {
    let (db, caller) = (monitor.db(), monitor.caller());
    let now = Utc::now();
    let updated = incidents::Entity::update_many()
        .col_expr(incidents::Column::AcknowledgedAt, Expr::value(now))
        .col_expr(incidents::Column::AcknowledgedBy, Expr::value(caller.user_id))
        .filter(incidents::Column::Id.eq(id))
        .filter(incidents::Column::MonitorId.eq(monitor.id()))
        .filter(incidents::Column::AcknowledgedAt.is_null())
        .exec(db)
        .await?;
    if updated.rows_affected == 1 {
        use sea_orm::ActiveModelTrait;
        incident_events::ActiveModel {
            id: sea_orm::Set(Uuid::now_v7()),
            incident_id: sea_orm::Set(id),
            at: sea_orm::Set(now),
            kind: sea_orm::Set(IncidentEventKind::Acknowledged),
            message: sea_orm::Set(format!("Acknowledged by {}", caller.email)),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// How many incidents are open now, for the metrics gauge.
pub async fn count_open(db: &DatabaseConnection) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    incidents::Entity::find().filter(incidents::Column::ResolvedAt.is_null()).count(db).await
}
