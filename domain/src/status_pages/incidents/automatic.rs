//! Public incidents nobody wrote (decision 114). When a monitor's internal
//! incident opens, every published page showing that monitor gets a draft:
//! titled from the component's public name (never the monitor's own name
//! or target), its impact, a first neutral `investigating` update, and
//! `publish_at` = the opening + the page's delay. [`publish_due`] (the
//! scheduler's sweep) publishes drafts whose time has come. When the
//! internal incident resolves, an untouched draft is discarded and an
//! untouched published incident gets a `resolved` update, as Better Stack
//! does; anything a person changed is left to that person.
//!
//! The draft is written in the transaction that opens the internal
//! incident, after the status change was claimed, so a retried job cannot
//! write a second; a unique index on (page, internal incident) backs that.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use kinds::{ComponentImpact, IncidentPhase, PublicIncidentState};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::service::{insert_update, replace_impacts};
use crate::entities::public_incidents as incidents;
use crate::entities::{status_page_components as components, status_pages as pages};
use crate::monitors::Status;

/// The first update of a draft, the same for every outage.
fn opening_text(name: &str) -> String {
    format!("We are investigating a problem affecting {name}. We will post an update soon.")
}

/// The update posted when the internal incident resolves.
pub const RESOLVED_TEXT: &str = "This incident has been resolved.";

/// Drafts a public incident on each published page showing `monitor`,
/// whose internal incident `incident` opened at `at` with `status`.
pub async fn draft_for_opened<C: ConnectionTrait>(
    txn: &C,
    monitor: Uuid,
    incident: Uuid,
    at: DateTime<Utc>,
    status: Status,
) -> Result<(), DbErr> {
    let shown = components::Entity::find()
        .filter(components::Column::MonitorId.eq(monitor))
        .order_by_asc(components::Column::Position)
        .order_by_asc(components::Column::Id)
        .all(txn)
        .await?;
    if shown.is_empty() {
        return Ok(());
    }
    // Per page, its components showing the monitor (a monitor may be shown twice).
    let mut by_page: BTreeMap<Uuid, Vec<components::Model>> = BTreeMap::new();
    for component in shown {
        by_page.entry(component.page_id).or_default().push(component);
    }
    let published: HashMap<Uuid, pages::Model> = pages::Entity::find()
        .filter(pages::Column::Id.is_in(by_page.keys().copied().collect::<Vec<_>>()))
        .filter(pages::Column::Published.eq(true))
        .all(txn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let impact = match status {
        Status::Degraded => ComponentImpact::Degraded,
        _ => ComponentImpact::MajorOutage,
    };
    for (page_id, shown) in by_page {
        let Some(page) = published.get(&page_id) else { continue };
        let exists = incidents::Entity::find()
            .filter(incidents::Column::PageId.eq(page_id))
            .filter(incidents::Column::IncidentId.eq(incident))
            .count(txn)
            .await?;
        if exists > 0 {
            continue;
        }
        let name = shown[0].public_name.clone();
        let title = match impact {
            ComponentImpact::Degraded => format!("{name} is degraded"),
            _ => format!("{name} is unavailable"),
        };
        let delay = Duration::seconds(i64::from(page.auto_publish_delay_secs.max(0)));
        let id = Uuid::now_v7();
        incidents::ActiveModel {
            id: Set(id),
            page_id: Set(page_id),
            incident_id: Set(Some(incident)),
            title: Set(title),
            state: Set(PublicIncidentState::Draft),
            phase: Set(IncidentPhase::Investigating),
            publish_at: Set(Some(at + delay)),
            published_at: Set(None),
            resolved_at: Set(None),
            postmortem: Set(None),
            postmortem_at: Set(None),
            person_edited_at: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(txn)
        .await?;
        let impacts = shown.iter().map(|c| (c.id, c.public_name.clone(), impact)).collect();
        replace_impacts(txn, id, impacts).await?;
        insert_update(txn, id, IncidentPhase::Investigating, opening_text(&name), at, None).await?;
    }
    Ok(())
}

/// Follows the resolution of internal incident `incident` at `at`: its
/// untouched drafts are discarded, its untouched published incidents get a
/// `resolved` update. Incidents a person changed are left alone.
pub async fn follow_resolved<C: ConnectionTrait>(
    txn: &C,
    incident: Uuid,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let untouched = incidents::Entity::find()
        .filter(incidents::Column::IncidentId.eq(incident))
        .filter(incidents::Column::PersonEditedAt.is_null())
        .all(txn)
        .await?;
    for row in untouched {
        let (id, state, resolved) = (row.id, row.state, row.resolved_at.is_some());
        let mut active = row.into_active_model();
        active.updated_at = Set(at);
        match state {
            PublicIncidentState::Draft => {
                active.state = Set(PublicIncidentState::Discarded);
                active.publish_at = Set(None);
            }
            PublicIncidentState::Published if !resolved => {
                insert_update(txn, id, IncidentPhase::Resolved, RESOLVED_TEXT.into(), at, None)
                    .await?;
                active.phase = Set(IncidentPhase::Resolved);
                active.resolved_at = Set(Some(at));
            }
            _ => continue,
        }
        active.update(txn).await?;
    }
    Ok(())
}

/// Publishes every draft whose `publish_at` is at or before `now`; returns
/// how many. One conditional statement: running it twice, or in two
/// schedulers at once, publishes each draft once.
pub async fn publish_due(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let done = incidents::Entity::update_many()
        .col_expr(incidents::Column::State, Expr::value(PublicIncidentState::Published.as_str()))
        .col_expr(incidents::Column::PublishedAt, Expr::value(now))
        .col_expr(incidents::Column::PublishAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(incidents::Column::UpdatedAt, Expr::value(now))
        .filter(incidents::Column::State.eq(PublicIncidentState::Draft))
        .filter(incidents::Column::PublishAt.lte(now))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}
