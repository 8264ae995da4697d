//! What a page announces to its subscribers, read from the page's own state
//! by the scheduler's sweep rather than hooked into every path that
//! publishes, posts or schedules: an incident published (by a person or
//! by the draft delay), each update posted after that (`resolved` ones as
//! resolutions), a maintenance window created, and each occurrence
//! starting and ending. Each is recorded once (a unique key per page), with
//! its text as it was then, and only for published pages that have active
//! subscribers; notices later than [`INCIDENT_LATE`] or
//! [`MAINTENANCE_LATE`] are not sent at all (a notice about an outage two
//! days ago helps nobody). [`fan_out`] then writes one delivery per
//! subscriber whose chosen components it concerns, if it happened after
//! they subscribed.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use kinds::{PageEventKind, PublicIncidentState, SubscriberState};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use super::deliveries::Purpose;
use super::service::parse_ids;
use crate::entities::public_incident_components as impacts;
use crate::entities::public_incident_updates as updates;
use crate::entities::public_incidents as incidents;
use crate::entities::status_page_components as components;
use crate::entities::status_page_deliveries as deliveries;
use crate::entities::status_page_events as events;
use crate::entities::status_page_subscribers as subscribers;
use crate::entities::{maintenance_windows, status_pages as pages};
use crate::maintenance::MaintenanceSpec;

/// Incident notices are sent up to this late (after a long outage of the sender).
pub const INCIDENT_LATE: Duration = Duration::hours(24);
/// Maintenance starts and ends are announced up to this late.
pub const MAINTENANCE_LATE: Duration = Duration::hours(1);
/// Occurrences of one window looked at per sweep.
const OCCURRENCES: usize = 16;

/// Records the notices due at `now` on every published page with active
/// subscribers; returns how many were new.
pub async fn record_due(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let followed: Vec<Uuid> = subscribers::Entity::find()
        .select_only()
        .column(subscribers::Column::PageId)
        .distinct()
        .filter(subscribers::Column::State.eq(SubscriberState::Active))
        .into_tuple()
        .all(db)
        .await?;
    if followed.is_empty() {
        return Ok(0);
    }
    let pages = pages::Entity::find()
        .filter(pages::Column::Id.is_in(followed))
        .filter(pages::Column::Published.eq(true))
        .all(db)
        .await?;
    let mut recorded = 0;
    for page in pages {
        let mut notices = incident_notices(db, page.id, now).await?;
        notices.extend(maintenance_notices(db, page.id, now).await?);
        for notice in notices {
            recorded += record(db, page.id, notice).await?;
        }
    }
    Ok(recorded)
}

/// One notice before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: PageEventKind,
    pub key: String,
    /// `None`: the whole page.
    pub components: Option<Vec<Uuid>>,
    pub title: String,
    pub body: String,
    pub at: DateTime<Utc>,
}

async fn record(db: &DatabaseConnection, page: Uuid, notice: Notice) -> Result<u64, DbErr> {
    let components =
        notice.components.map(|ids| serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into()));
    events::Entity::insert(events::ActiveModel {
        id: Set(Uuid::now_v7()),
        page_id: Set(page),
        kind: Set(notice.kind),
        dedupe_key: Set(notice.key),
        component_ids: Set(components),
        title: Set(crate::text::truncate(&notice.title, 300)),
        body: Set(crate::text::truncate(&notice.body, 10_000)),
        occurred_at: Set(notice.at),
        fanned_out_at: Set(None),
    })
    .on_conflict(
        OnConflict::columns([events::Column::PageId, events::Column::DedupeKey])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await
}

/// Published incidents and their later updates, within [`INCIDENT_LATE`].
async fn incident_notices(
    db: &DatabaseConnection,
    page: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Notice>, DbErr> {
    let since = now - INCIDENT_LATE;
    let shown = incidents::Entity::find()
        .filter(incidents::Column::PageId.eq(page))
        .filter(incidents::Column::State.eq(PublicIncidentState::Published))
        .filter(incidents::Column::UpdatedAt.gte(since))
        .all(db)
        .await?;
    if shown.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = shown.iter().map(|i| i.id).collect();
    let mut affected: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for impact in impacts::Entity::find()
        .filter(impacts::Column::IncidentId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        if let Some(component) = impact.component_id {
            affected.entry(impact.incident_id).or_default().push(component);
        }
    }
    let mut timeline: HashMap<Uuid, Vec<updates::Model>> = HashMap::new();
    for update in updates::Entity::find()
        .filter(updates::Column::IncidentId.is_in(ids))
        .order_by_asc(updates::Column::PostedAt)
        .order_by_asc(updates::Column::Id)
        .all(db)
        .await?
    {
        timeline.entry(update.incident_id).or_default().push(update);
    }
    let mut notices = Vec::new();
    for incident in shown {
        let Some(published) = incident.published_at else { continue };
        let components = affected.remove(&incident.id).filter(|c| !c.is_empty());
        let posted = timeline.remove(&incident.id).unwrap_or_default();
        if published >= since {
            // The text people read when it appeared: the latest update then.
            let opening = posted.iter().rev().find(|u| u.posted_at <= published).or(posted.last());
            notices.push(Notice {
                kind: PageEventKind::IncidentPublished,
                key: format!("incident:{}", incident.id),
                components: components.clone(),
                title: incident.title.clone(),
                body: opening.map(|u| u.body.clone()).unwrap_or_default(),
                at: published,
            });
        }
        for update in posted.iter().filter(|u| u.posted_at > published && u.posted_at >= since) {
            let kind = if update.phase == kinds::IncidentPhase::Resolved {
                PageEventKind::IncidentResolved
            } else {
                PageEventKind::IncidentUpdated
            };
            notices.push(Notice {
                kind,
                key: format!("update:{}", update.id),
                components: components.clone(),
                title: incident.title.clone(),
                body: update.body.clone(),
                at: update.posted_at,
            });
        }
    }
    Ok(notices)
}

/// Windows over the page's monitors: created, and occurrences started or
/// ended within [`MAINTENANCE_LATE`].
async fn maintenance_notices(
    db: &DatabaseConnection,
    page: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Notice>, DbErr> {
    let shown = components::Entity::find()
        .filter(components::Column::PageId.eq(page))
        .filter(components::Column::MonitorId.is_not_null())
        .all(db)
        .await?;
    let mut by_monitor: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for component in &shown {
        if let Some(monitor) = component.monitor_id {
            by_monitor.entry(monitor).or_default().push(component.id);
        }
    }
    if by_monitor.is_empty() {
        return Ok(Vec::new());
    }
    let monitors: Vec<Uuid> = by_monitor.keys().copied().collect();
    let mut covered: HashMap<Uuid, Vec<Uuid>> =
        crate::maintenance::coverage::windows_covering(db, &monitors)
            .await?
            .into_iter()
            .map(|(window, monitors)| {
                let shown =
                    monitors.iter().flat_map(|m| by_monitor.get(m).cloned().unwrap_or_default());
                (window, shown.collect())
            })
            .collect();
    if covered.is_empty() {
        return Ok(Vec::new());
    }
    let windows = maintenance_windows::Entity::find()
        .filter(maintenance_windows::Column::Id.is_in(covered.keys().copied()))
        .all(db)
        .await?;
    let mut notices = Vec::new();
    for row in windows.into_iter().filter(|w| w.announce) {
        let Ok(spec) = MaintenanceSpec::of_row(&row) else { continue };
        let mut components = covered.remove(&row.id).unwrap_or_default();
        components.sort();
        components.dedup();
        let notice = |kind, key: String, body: String, at| Notice {
            kind,
            key,
            components: Some(components.clone()),
            title: row.title.clone(),
            body,
            at,
        };
        let next = spec.schedule.occurrence_at(now).or_else(|| spec.schedule.next_after(now));
        if let Some(w) = next.filter(|_| row.created_at >= now - INCIDENT_LATE) {
            let body = format!("{}\n\nFrom {} to {}.", row.description, utc(w.start), utc(w.end));
            let key = format!("maintenance:{}:scheduled", row.id);
            notices.push(notice(PageEventKind::MaintenanceScheduled, key, body, row.created_at));
        }
        let since = now - MAINTENANCE_LATE;
        for w in spec.schedule.upcoming(since, OCCURRENCES) {
            if w.start > now {
                break;
            }
            let key = |what: &str| format!("maintenance:{}:{}:{what}", row.id, w.start.timestamp());
            if w.start >= since {
                let body = format!("{}\n\nUntil {}.", row.description, utc(w.end));
                notices.push(notice(
                    PageEventKind::MaintenanceStarted,
                    key("started"),
                    body,
                    w.start,
                ));
            }
            if w.end <= now && w.end >= since {
                let body = "The maintenance is over.".to_owned();
                notices.push(notice(PageEventKind::MaintenanceEnded, key("ended"), body, w.end));
            }
        }
    }
    Ok(notices)
}

fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Writes the deliveries of up to `limit` recorded notices (one per
/// subscriber whose components they concern); returns how many notices.
pub async fn fan_out(db: &DatabaseConnection, limit: u64) -> Result<u64, DbErr> {
    let pending = events::Entity::find()
        .filter(events::Column::FannedOutAt.is_null())
        .order_by_asc(events::Column::OccurredAt)
        .limit(limit)
        .all(db)
        .await?;
    let count = pending.len() as u64;
    for event in pending {
        let txn = db.begin().await?;
        let now = crate::db::now(&txn).await?;
        let family = family(&txn, event.page_id).await?;
        let concerns = parse_ids(event.component_ids.as_deref()).map(|ids| related(&family, &ids));
        let audience = subscribers::Entity::find()
            .filter(subscribers::Column::PageId.eq(event.page_id))
            .filter(subscribers::Column::State.eq(SubscriberState::Active))
            .all(&txn)
            .await?;
        let rows: Vec<deliveries::ActiveModel> = audience
            .into_iter()
            // Nobody is told about what happened before they subscribed.
            .filter(|s| s.confirmed_at.is_some_and(|at| at <= event.occurred_at))
            .filter(|s| match (&concerns, parse_ids(s.component_ids.as_deref())) {
                (Some(concerns), Some(chosen)) => {
                    related(&family, &chosen).iter().any(|id| concerns.contains(id))
                }
                _ => true,
            })
            .map(|s| deliveries::ActiveModel {
                id: Set(Uuid::now_v7()),
                subscriber_id: Set(s.id),
                event_id: Set(Some(event.id)),
                purpose: Set(Purpose::Event.as_str().to_owned()),
                status: Set(kinds::DeliveryStatus::Pending),
                attempts: Set(0),
                next_attempt_at: Set(Some(now)),
                last_error: Set(None),
                created_at: Set(now),
                sent_at: Set(None),
            })
            .collect();
        for chunk in rows.chunks(500) {
            deliveries::Entity::insert_many(chunk.to_vec())
                .on_conflict(
                    OnConflict::columns([
                        deliveries::Column::EventId,
                        deliveries::Column::SubscriberId,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
        }
        events::Entity::update_many()
            .col_expr(events::Column::FannedOutAt, sea_orm::sea_query::Expr::value(now))
            .filter(events::Column::Id.eq(event.id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
    }
    Ok(count)
}

/// Each component of a page with its group (`parent_id`).
async fn family<C: ConnectionTrait>(
    db: &C,
    page: Uuid,
) -> Result<Vec<(Uuid, Option<Uuid>)>, DbErr> {
    Ok(components::Entity::find()
        .filter(components::Column::PageId.eq(page))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.parent_id))
        .collect())
}

/// `ids` with their groups and their groups' members: a subscriber of a
/// group hears about its members, and one of a member about its group.
fn related(family: &[(Uuid, Option<Uuid>)], ids: &[Uuid]) -> HashSet<Uuid> {
    let mut out: HashSet<Uuid> = ids.iter().copied().collect();
    for (id, parent) in family {
        if let Some(parent) = parent {
            if ids.contains(id) {
                out.insert(*parent);
            }
            if ids.contains(parent) {
                out.insert(*id);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_their_members_concern_each_other_but_not_their_siblings_groups() {
        let (group, a, b, other) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let family = vec![(group, None), (a, Some(group)), (b, Some(group)), (other, None)];
        let of_group = related(&family, &[group]);
        assert!(of_group.contains(&a) && of_group.contains(&b) && !of_group.contains(&other));
        let of_a = related(&family, &[a]);
        assert!(of_a.contains(&group) && !of_a.contains(&b), "{of_a:?}");
        assert!(!related(&family, &[other]).contains(&group));
    }
}
