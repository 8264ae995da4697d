//! Check history, newest first with a cursor, and the notification log.

use chrono::{DateTime, Utc};
use kinds::{ChannelKind, DeliveryStatus, NotificationEvent};
use sea_orm::{ColumnTrait, Condition, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entities::{checks, notifications};
use crate::monitors::{Access, MonitorRef, Status};
use crate::probe::{HttpFacts, Phases};

/// One check as the API shows it.
#[derive(Debug, Clone)]
pub struct CheckRow {
    pub id: Uuid,
    pub monitor_id: Uuid,
    pub checked_at: DateTime<Utc>,
    pub status: Status,
    pub latency_ms: Option<i32>,
    pub http_status: Option<i16>,
    pub error: Option<String>,
    pub region: String,
    /// What an HTTP check measured; `None` for other kinds and older rows.
    pub http: Option<HttpFacts>,
}

impl From<checks::Model> for CheckRow {
    fn from(c: checks::Model) -> Self {
        let ms = |v: Option<i32>| v.and_then(|v| u32::try_from(v).ok());
        let phases = Phases {
            dns_ms: ms(c.dns_ms),
            connect_ms: ms(c.connect_ms),
            tls_ms: ms(c.tls_ms),
            ttfb_ms: ms(c.ttfb_ms),
            transfer_ms: ms(c.transfer_ms),
            total_ms: ms(c.total_ms),
        };
        let http = (phases != Phases::default() || c.http_version.is_some()).then(|| HttpFacts {
            phases,
            resolved_ip: c.resolved_ip.as_deref().and_then(|ip| ip.parse().ok()),
            http_version: c.http_version,
            tls_version: c.tls_version,
            excerpt: c.excerpt,
            certificate: None,
        });
        Self {
            id: c.id,
            monitor_id: c.monitor_id,
            checked_at: c.checked_at,
            status: c.status,
            latency_ms: c.latency_ms,
            http_status: c.http_status,
            error: c.error,
            region: c.region,
            http,
        }
    }
}

/// One page of checks.
#[derive(Debug, Clone)]
pub struct CheckPage {
    pub checks: Vec<CheckRow>,
    /// Pass back as `cursor` for the next (older) page.
    pub next_cursor: Option<String>,
}

/// Checks of a monitor, newest first. The cursor is the last check id seen;
/// the page continues below that check's time, so the `(monitor_id,
/// checked_at)` index serves every page (ids break ties). A cursor whose
/// check is gone (past retention) ends the history.
pub async fn page(
    monitor: &MonitorRef<impl Access>,
    cursor: Option<Uuid>,
    limit: u64,
) -> Result<CheckPage, DbErr> {
    let (db, monitor_id) = (monitor.db(), monitor.id());
    let limit = limit.clamp(1, 1000);
    let mut query = checks::Entity::find().filter(checks::Column::MonitorId.eq(monitor_id));
    if let Some(cursor) = cursor {
        let at: Option<DateTime<Utc>> = checks::Entity::find_by_id(cursor)
            .filter(checks::Column::MonitorId.eq(monitor_id))
            .select_only()
            .column(checks::Column::CheckedAt)
            .into_tuple()
            .one(db)
            .await?;
        let Some(at) = at else {
            return Ok(CheckPage { checks: Vec::new(), next_cursor: None });
        };
        query = query.filter(checks::Column::CheckedAt.lte(at)).filter(
            Condition::any()
                .add(checks::Column::CheckedAt.lt(at))
                .add(checks::Column::Id.lt(cursor)),
        );
    }
    let mut rows = query
        .order_by_desc(checks::Column::CheckedAt)
        .order_by_desc(checks::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        rows.last().map(|c| c.id.to_string())
    } else {
        None
    };
    Ok(CheckPage { checks: rows.into_iter().map(CheckRow::from).collect(), next_cursor })
}

/// The latest `limit` checks, oldest first (for charts).
pub async fn latest_oldest_first(
    monitor: &MonitorRef<impl Access>,
    limit: u64,
) -> Result<Vec<CheckRow>, DbErr> {
    let mut rows = page(monitor, None, limit).await?.checks;
    rows.reverse();
    Ok(rows)
}

/// One notification as the API shows it.
#[derive(Debug, Clone)]
pub struct NotificationRow {
    pub id: Uuid,
    pub monitor_id: Uuid,
    pub incident_id: Option<Uuid>,
    pub channel_id: Option<Uuid>,
    pub channel: ChannelKind,
    pub recipient: String,
    pub event: NotificationEvent,
    pub prev_status: Option<String>,
    pub current_status: Option<String>,
    pub delivery_status: DeliveryStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub region: String,
}

/// One page of a monitor's notifications.
#[derive(Debug, Clone)]
pub struct NotificationPage {
    pub items: Vec<NotificationRow>,
    /// Pass back as `cursor` for the next (older) page.
    pub next_cursor: Option<String>,
}

/// A monitor's notifications, newest first.
pub async fn notifications(
    monitor: &MonitorRef<impl Access>,
    limit: u64,
) -> Result<Vec<NotificationRow>, DbErr> {
    Ok(notification_page(monitor, None, limit).await?.items)
}

/// A page of a monitor's notifications, newest first; the cursor is the
/// last notification seen, and the page continues below its `(created_at,
/// id)` as the checks' pages do. A cursor that is gone ends the list.
pub async fn notification_page(
    monitor: &MonitorRef<impl Access>,
    cursor: Option<Uuid>,
    limit: u64,
) -> Result<NotificationPage, DbErr> {
    let (db, monitor_id) = (monitor.db(), monitor.id());
    let limit = limit.clamp(1, 1000);
    let mut query =
        notifications::Entity::find().filter(notifications::Column::MonitorId.eq(monitor_id));
    if let Some(cursor) = cursor {
        let at: Option<DateTime<Utc>> = notifications::Entity::find_by_id(cursor)
            .filter(notifications::Column::MonitorId.eq(monitor_id))
            .select_only()
            .column(notifications::Column::CreatedAt)
            .into_tuple()
            .one(db)
            .await?;
        let Some(at) = at else {
            return Ok(NotificationPage { items: Vec::new(), next_cursor: None });
        };
        query = query.filter(notifications::Column::CreatedAt.lte(at)).filter(
            Condition::any()
                .add(notifications::Column::CreatedAt.lt(at))
                .add(notifications::Column::Id.lt(cursor)),
        );
    }
    let mut rows = query
        .order_by_desc(notifications::Column::CreatedAt)
        .order_by_desc(notifications::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        rows.last().map(|n| n.id.to_string())
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|n| NotificationRow {
            id: n.id,
            monitor_id: n.monitor_id,
            incident_id: n.incident_id,
            channel_id: n.channel_id,
            channel: n.channel,
            recipient: n.recipient,
            event: n.event,
            prev_status: n.prev_status,
            current_status: n.current_status,
            delivery_status: n.delivery_status,
            attempts: n.attempts,
            last_error: n.last_error,
            created_at: n.created_at,
            sent_at: n.sent_at,
            region: n.region,
        })
        .collect();
    Ok(NotificationPage { items, next_cursor })
}
