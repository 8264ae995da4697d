//! What a published page's feeds say (decision 117): its incidents'
//! updates and postmortems, and the current or next occurrence of the
//! maintenance windows over the monitors it shows, newest first, at most
//! [`FEED_ENTRIES`]. The server writes them as Atom and RSS; this holds the
//! data only, and like [`PublicIncident`](super::PublicIncident) nothing
//! private: no internal incident, author, monitor or component id.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use kinds::{IncidentPhase, PublicIncidentState};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::markdown;
use crate::entities::public_incident_updates as updates;
use crate::entities::public_incidents as incidents;
use crate::entities::{maintenance_windows, status_pages as pages};
use crate::maintenance::spec::MaintenanceSpec;
use crate::status_pages::PageError;

/// The most entries a feed holds.
pub const FEED_ENTRIES: usize = 50;
/// Incidents looked at for entries, the latest published first.
const INCIDENTS_READ: u64 = 200;

/// A published page's feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    pub slug: String,
    pub title: String,
    pub description: String,
    /// The newest entry's time, or the page's last change without entries.
    pub updated: DateTime<Utc>,
    /// Newest first.
    pub entries: Vec<FeedEntry>,
}

/// What an entry tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedEntryKind {
    Update,
    Postmortem,
    Maintenance,
}

/// One entry: an update, a postmortem or a maintenance occurrence.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    pub kind: FeedEntryKind,
    /// Stable: the update's id, the incident's for its postmortem, the
    /// window's for maintenance (with [`FeedEntry::occurrence`]).
    pub id: Uuid,
    /// The incident's id (for its anchor on the page); the window's for maintenance.
    pub about: Uuid,
    pub title: String,
    /// Safe HTML (escaped again by the feed writer).
    pub html: String,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// A maintenance entry's occurrence start (part of its stable id).
    pub occurrence: Option<DateTime<Utc>>,
}

impl Feed {
    /// The feed of the published page at `slug` read at `now`; an unknown
    /// or unpublished slug is `NotFound`.
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
        // A feed reader holds no pass: a page with a password has no feed
        // (decision 127), and says so as an unpublished one does.
        if super::super::protection::hash_of(db, page.id).await?.is_some() {
            return Err(PageError::NotFound);
        }
        let mut entries = incident_entries(db, page.id).await?;
        entries.extend(maintenance_entries(db, page.id, now).await?);
        entries.sort_by(|a, b| b.updated.cmp(&a.updated).then(b.id.cmp(&a.id)));
        entries.truncate(FEED_ENTRIES);
        Ok(Self {
            updated: entries.first().map_or(page.updated_at, |e| e.updated),
            slug: page.slug,
            title: page.title,
            description: page.description,
            entries,
        })
    }
}

async fn incident_entries(db: &DatabaseConnection, page: Uuid) -> Result<Vec<FeedEntry>, DbErr> {
    let rows = incidents::Entity::find()
        .filter(incidents::Column::PageId.eq(page))
        .filter(incidents::Column::State.eq(PublicIncidentState::Published))
        .order_by_desc(incidents::Column::PublishedAt)
        .limit(INCIDENTS_READ)
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let titles: std::collections::HashMap<Uuid, &str> =
        rows.iter().map(|r| (r.id, r.title.as_str())).collect();
    let mut entries: Vec<FeedEntry> = updates::Entity::find()
        .filter(updates::Column::IncidentId.is_in(ids))
        .order_by_desc(updates::Column::PostedAt)
        .limit(FEED_ENTRIES as u64)
        .all(db)
        .await?
        .into_iter()
        .map(|u| FeedEntry {
            kind: FeedEntryKind::Update,
            id: u.id,
            about: u.incident_id,
            title: format!(
                "{}: {}",
                titles.get(&u.incident_id).copied().unwrap_or_default(),
                phase_word(u.phase)
            ),
            html: markdown::to_html(&u.body),
            published: u.posted_at,
            updated: u.edited_at.unwrap_or(u.posted_at),
            occurrence: None,
        })
        .collect();
    for row in rows {
        if let (Some(text), Some(at)) = (&row.postmortem, row.postmortem_at) {
            entries.push(FeedEntry {
                kind: FeedEntryKind::Postmortem,
                id: row.id,
                about: row.id,
                title: format!("Postmortem: {}", row.title),
                html: markdown::to_html(text),
                published: at,
                updated: at,
                occurrence: None,
            });
        }
    }
    Ok(entries)
}

/// The current or next occurrence of each window over the page's monitors.
async fn maintenance_entries(
    db: &DatabaseConnection,
    page: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<FeedEntry>, DbErr> {
    let monitors: Vec<Uuid> = crate::status_pages::service::load_components(db, page)
        .await?
        .into_iter()
        .filter_map(|c| c.monitor_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if monitors.is_empty() {
        return Ok(Vec::new());
    }
    let windows: Vec<Uuid> =
        crate::maintenance::coverage::windows_covering(db, &monitors).await?.into_keys().collect();
    if windows.is_empty() {
        return Ok(Vec::new());
    }
    let rows = maintenance_windows::Entity::find()
        .filter(maintenance_windows::Column::Id.is_in(windows))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let spec = MaintenanceSpec::of_row(&row).ok()?;
            let window = spec.schedule.upcoming(now, 1).into_iter().next()?;
            let mut html = String::new();
            if !row.description.trim().is_empty() {
                html.push_str(&format!("<p>{}</p>", markdown::escape(&row.description)));
            }
            html.push_str(&format!(
                "<p>From {} to {} (UTC).</p>",
                window.start.format("%Y-%m-%d %H:%M"),
                window.end.format("%Y-%m-%d %H:%M")
            ));
            Some(FeedEntry {
                kind: FeedEntryKind::Maintenance,
                id: row.id,
                about: row.id,
                title: format!("Scheduled maintenance: {}", row.title),
                html,
                // Announced when it was last scheduled, so it reads as news then.
                published: row.updated_at,
                updated: row.updated_at,
                occurrence: Some(window.start),
            })
        })
        .collect())
}

/// A phase as a feed title says it.
fn phase_word(phase: IncidentPhase) -> &'static str {
    match phase {
        IncidentPhase::Investigating => "Investigating",
        IncidentPhase::Identified => "Identified",
        IncidentPhase::Monitoring => "Monitoring",
        IncidentPhase::Resolved => "Resolved",
    }
}
