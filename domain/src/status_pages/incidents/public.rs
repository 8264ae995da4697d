//! The published incidents a page shows: active ones and those resolved in
//! the last [`RECENT_DAYS`] days, newest first, with their updates (the
//! markdown and its safe HTML) and postmortem. Built field by field from
//! the rows: no internal incident id, author or component id is in them.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use kinds::{ComponentImpact, IncidentPhase, PublicIncidentState};
use sea_orm::sea_query::Condition;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use uuid::Uuid;

use super::markdown;
use crate::entities::public_incident_components as impacts;
use crate::entities::public_incident_updates as updates;
use crate::entities::public_incidents as incidents;

/// How long a resolved incident stays on the page.
pub const RECENT_DAYS: i64 = 14;
/// The most incidents a page shows.
const SHOWN: u64 = 50;

/// A published incident, as anyone may read it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicIncident {
    /// The public incident's own id (for links and feed entries).
    pub id: Uuid,
    pub title: String,
    pub phase: IncidentPhase,
    pub impacts: Vec<PublicImpact>,
    pub published_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Newest first.
    pub updates: Vec<PublicUpdate>,
    pub postmortem: Option<String>,
    pub postmortem_html: Option<String>,
    pub postmortem_at: Option<DateTime<Utc>>,
}

/// One affected component, by its public name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicImpact {
    pub component: String,
    pub impact: ComponentImpact,
}

/// One update of a published incident.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicUpdate {
    pub id: Uuid,
    pub phase: IncidentPhase,
    /// The markdown as written.
    pub body: String,
    /// The markdown rendered safely.
    pub html: String,
    pub posted_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
}

/// The page's published incidents that are active or resolved within the
/// last [`RECENT_DAYS`] days at `now`, newest published first.
pub async fn recent<C: ConnectionTrait>(
    db: &C,
    page_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<PublicIncident>, DbErr> {
    let rows = incidents::Entity::find()
        .filter(incidents::Column::PageId.eq(page_id))
        .filter(incidents::Column::State.eq(PublicIncidentState::Published))
        .filter(
            Condition::any()
                .add(incidents::Column::ResolvedAt.is_null())
                .add(incidents::Column::ResolvedAt.gte(now - Duration::days(RECENT_DAYS))),
        )
        .order_by_desc(incidents::Column::PublishedAt)
        .order_by_desc(incidents::Column::Id)
        .limit(SHOWN)
        .all(db)
        .await?;
    build(db, rows).await
}

/// The impacts (in order) and updates (newest first) of `rows`, by
/// incident: two queries for all of them. Shared by the public read and
/// the owner's views, which map them to their own types.
pub(super) async fn children<C: ConnectionTrait>(
    db: &C,
    rows: &[incidents::Model],
) -> Result<(HashMap<Uuid, Vec<impacts::Model>>, HashMap<Uuid, Vec<updates::Model>>), DbErr> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut impact_rows: HashMap<Uuid, Vec<impacts::Model>> = HashMap::new();
    for row in impacts::Entity::find()
        .filter(impacts::Column::IncidentId.is_in(ids.clone()))
        .order_by_asc(impacts::Column::Id)
        .all(db)
        .await?
    {
        impact_rows.entry(row.incident_id).or_default().push(row);
    }
    let mut update_rows: HashMap<Uuid, Vec<updates::Model>> = HashMap::new();
    for row in updates::Entity::find()
        .filter(updates::Column::IncidentId.is_in(ids))
        .order_by_desc(updates::Column::PostedAt)
        .order_by_desc(updates::Column::Id)
        .all(db)
        .await?
    {
        update_rows.entry(row.incident_id).or_default().push(row);
    }
    Ok((impact_rows, update_rows))
}

/// `rows` (published incidents) as the public sees them.
pub(super) async fn build<C: ConnectionTrait>(
    db: &C,
    rows: Vec<incidents::Model>,
) -> Result<Vec<PublicIncident>, DbErr> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let (mut impact_rows, mut update_rows) = children(db, &rows).await?;
    Ok(rows
        .into_iter()
        .map(|row| PublicIncident {
            id: row.id,
            title: row.title,
            phase: row.phase,
            impacts: impact_rows
                .remove(&row.id)
                .unwrap_or_default()
                .into_iter()
                .map(|m| PublicImpact { component: m.component_name, impact: m.impact })
                .collect(),
            published_at: row.published_at.unwrap_or(row.created_at),
            resolved_at: row.resolved_at,
            updates: update_rows
                .remove(&row.id)
                .unwrap_or_default()
                .into_iter()
                .map(|u| PublicUpdate {
                    id: u.id,
                    phase: u.phase,
                    html: markdown::to_html(&u.body),
                    body: u.body,
                    posted_at: u.posted_at,
                    edited_at: u.edited_at,
                })
                .collect(),
            postmortem_html: row.postmortem.as_deref().map(markdown::to_html),
            postmortem: row.postmortem,
            postmortem_at: row.postmortem_at,
        })
        .collect())
}
