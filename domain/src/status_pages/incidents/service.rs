//! The owner's side of public incidents: list, write, publish, discard and
//! delete them, post, edit and delete their updates, add a postmortem.
//! Every call takes the page's [`PageRef`], so the page's access check is
//! the only one. A person's change stops automation: the draft's
//! `publish_at` is cleared (it waits for a person) and the internal
//! incident's resolution no longer posts for it.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use kinds::{ComponentImpact, IncidentPhase, PublicIncidentState};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::input::{self, ImpactInput, IncidentInput, IncidentPatch, UpdateInput, UpdatePatch};
use super::{markdown, IncidentError};
use crate::clock::Clock;
use crate::entities::public_incident_components as impacts;
use crate::entities::public_incident_updates as updates;
use crate::entities::public_incidents as incidents;
use crate::entities::status_page_components as components;
use crate::monitors::{Access, Write};
use crate::status_pages::{PageRef, PublicCache};

/// Incidents listed per page, newest first.
const LIST_LIMIT: u64 = 200;

/// A public incident as the page's owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentView {
    pub id: Uuid,
    pub title: String,
    pub state: PublicIncidentState,
    pub phase: IncidentPhase,
    /// The internal incident it was drafted from (owner only).
    pub internal_incident_id: Option<Uuid>,
    pub impacts: Vec<ImpactView>,
    /// When the draft publishes itself; `None` when it waits for a person.
    pub publish_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub postmortem: Option<String>,
    pub postmortem_html: Option<String>,
    pub person_edited_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Newest first.
    pub updates: Vec<UpdateView>,
}

/// One affected component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImpactView {
    /// `None` once the page's components were replaced.
    pub component_id: Option<Uuid>,
    pub component_name: String,
    pub impact: ComponentImpact,
}

/// One update as the owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateView {
    pub id: Uuid,
    pub phase: IncidentPhase,
    pub body: String,
    pub body_html: String,
    pub posted_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    /// `None` when automation wrote it.
    pub author_id: Option<Uuid>,
}

/// Public incidents of pages; made by `StatusPageService::incidents`, sharing
/// its public cache (a change is seen at once by this process).
#[derive(Clone)]
pub struct IncidentService {
    db: DatabaseConnection,
    clock: Clock,
    cache: Arc<PublicCache>,
}

impl std::fmt::Debug for IncidentService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IncidentService").finish_non_exhaustive()
    }
}

impl IncidentService {
    pub(crate) fn new(db: DatabaseConnection, clock: Clock, cache: Arc<PublicCache>) -> Self {
        Self { db, clock, cache }
    }

    /// The page's incidents in every state, newest first (the latest 200).
    pub async fn list(
        &self,
        page: &PageRef<impl Access>,
    ) -> Result<Vec<IncidentView>, IncidentError> {
        let rows = incidents::Entity::find()
            .filter(incidents::Column::PageId.eq(page.view().id))
            .order_by_desc(incidents::Column::CreatedAt)
            .order_by_desc(incidents::Column::Id)
            .limit(LIST_LIMIT)
            .all(&self.db)
            .await?;
        views(&self.db, rows).await
    }

    /// One incident of the page.
    pub async fn get(
        &self,
        page: &PageRef<impl Access>,
        id: Uuid,
    ) -> Result<IncidentView, IncidentError> {
        let row = find(&self.db, page, id).await?;
        views(&self.db, vec![row]).await?.pop().ok_or(IncidentError::NotFound)
    }

    /// Writes an incident and its first update (published unless it says draft).
    pub async fn create(
        &self,
        page: &PageRef<Write>,
        input: IncidentInput,
    ) -> Result<IncidentView, IncidentError> {
        let title = input::title(&input.title)?;
        let body = input::body("body", &input.body)?;
        let state = input.state.unwrap_or(PublicIncidentState::Published);
        let phase = input.phase.unwrap_or(IncidentPhase::Investigating);
        let now = self.clock.now();
        let id = Uuid::now_v7();
        let txn = crate::db::begin_write(&self.db).await?;
        let named = named_impacts(&txn, page, &input.impacts).await?;
        incidents::ActiveModel {
            id: Set(id),
            page_id: Set(page.view().id),
            incident_id: Set(None),
            title: Set(title),
            state: Set(state),
            phase: Set(phase),
            publish_at: Set(None),
            published_at: Set((state == PublicIncidentState::Published).then_some(now)),
            resolved_at: Set((phase == IncidentPhase::Resolved).then_some(now)),
            postmortem: Set(None),
            postmortem_at: Set(None),
            person_edited_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        replace_impacts(&txn, id, named).await?;
        insert_update(&txn, id, phase, body, now, Some(page.caller().user_id)).await?;
        txn.commit().await?;
        self.cache.forget(&page.view().slug);
        self.get(page, id).await
    }

    /// Changes an incident: title, impacts, state (publish or discard),
    /// postmortem (only once resolved).
    pub async fn update(
        &self,
        page: &PageRef<Write>,
        id: Uuid,
        patch: IncidentPatch,
    ) -> Result<IncidentView, IncidentError> {
        let now = self.clock.now();
        let txn = crate::db::begin_write(&self.db).await?;
        let current = find(&txn, page, id).await?;
        let mut row = touched(current.clone(), now);
        if let Some(raw) = &patch.title {
            row.title = Set(input::title(raw)?);
        }
        if let Some(state) = patch.state {
            let state = input::settable(state)?;
            row.state = Set(state);
            if state == PublicIncidentState::Published && current.published_at.is_none() {
                row.published_at = Set(Some(now));
            }
        }
        if let Some(raw) = &patch.postmortem {
            if current.resolved_at.is_none() {
                return Err(IncidentError::invalid(
                    "postmortem",
                    "can be added only once the incident is resolved",
                ));
            }
            let text = input::postmortem(raw)?;
            row.postmortem_at = Set(text.as_ref().map(|_| now));
            row.postmortem = Set(text);
        }
        if let Some(list) = &patch.impacts {
            let named = named_impacts(&txn, page, list).await?;
            replace_impacts(&txn, id, named).await?;
        }
        row.update(&txn).await?;
        txn.commit().await?;
        self.cache.forget(&page.view().slug);
        self.get(page, id).await
    }

    /// Deletes an incident and its updates.
    pub async fn delete(&self, page: &PageRef<Write>, id: Uuid) -> Result<(), IncidentError> {
        let row = find(&self.db, page, id).await?;
        incidents::Entity::delete_by_id(row.id).exec(&self.db).await?;
        self.cache.forget(&page.view().slug);
        Ok(())
    }

    /// Posts an update; `resolved` resolves the incident, another phase
    /// after it reopens it.
    pub async fn post_update(
        &self,
        page: &PageRef<Write>,
        id: Uuid,
        update: UpdateInput,
    ) -> Result<IncidentView, IncidentError> {
        let body = input::body("body", &update.body)?;
        let now = self.clock.now();
        let txn = crate::db::begin_write(&self.db).await?;
        let current = find(&txn, page, id).await?;
        insert_update(&txn, id, update.phase, body, now, Some(page.caller().user_id)).await?;
        settle(&txn, id, touched(current, now)).await?;
        txn.commit().await?;
        self.cache.forget(&page.view().slug);
        self.get(page, id).await
    }

    /// Edits an update: its text or phase; `posted_at` stays, `edited_at` is set.
    pub async fn edit_update(
        &self,
        page: &PageRef<Write>,
        id: Uuid,
        update_id: Uuid,
        patch: UpdatePatch,
    ) -> Result<IncidentView, IncidentError> {
        let now = self.clock.now();
        let txn = crate::db::begin_write(&self.db).await?;
        let current = find(&txn, page, id).await?;
        let mut row = find_update(&txn, id, update_id).await?.into_active_model();
        if let Some(raw) = &patch.body {
            row.body = Set(input::body("body", raw)?);
        }
        if let Some(phase) = patch.phase {
            row.phase = Set(phase);
        }
        row.edited_at = Set(Some(now));
        row.update(&txn).await?;
        settle(&txn, id, touched(current, now)).await?;
        txn.commit().await?;
        self.cache.forget(&page.view().slug);
        self.get(page, id).await
    }

    /// Deletes an update; the incident's phase follows the latest left.
    pub async fn delete_update(
        &self,
        page: &PageRef<Write>,
        id: Uuid,
        update_id: Uuid,
    ) -> Result<IncidentView, IncidentError> {
        let now = self.clock.now();
        let txn = crate::db::begin_write(&self.db).await?;
        let current = find(&txn, page, id).await?;
        let update = find_update(&txn, id, update_id).await?;
        updates::Entity::delete_by_id(update.id).exec(&txn).await?;
        settle(&txn, id, touched(current, now)).await?;
        txn.commit().await?;
        self.cache.forget(&page.view().slug);
        self.get(page, id).await
    }
}

/// The incident `id` of `page`; any other is `NotFound`.
async fn find<C: ConnectionTrait>(
    db: &C,
    page: &PageRef<impl Access>,
    id: Uuid,
) -> Result<incidents::Model, IncidentError> {
    incidents::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|row| row.page_id == page.view().id)
        .ok_or(IncidentError::NotFound)
}

async fn find_update<C: ConnectionTrait>(
    db: &C,
    incident: Uuid,
    id: Uuid,
) -> Result<updates::Model, IncidentError> {
    updates::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|row| row.incident_id == incident)
        .ok_or(IncidentError::NotFound)
}

/// `row` changed by a person at `now`: it stops waiting to publish itself.
fn touched(row: incidents::Model, now: DateTime<Utc>) -> incidents::ActiveModel {
    let mut row = row.into_active_model();
    row.publish_at = Set(None);
    row.person_edited_at = Set(Some(now));
    row.updated_at = Set(now);
    row
}

/// Saves `row` with its phase and resolution from its latest update: a
/// latest `resolved` resolves it at that update's time, any other reopens.
async fn settle<C: ConnectionTrait>(
    txn: &C,
    id: Uuid,
    mut row: incidents::ActiveModel,
) -> Result<(), IncidentError> {
    let latest = updates::Entity::find()
        .filter(updates::Column::IncidentId.eq(id))
        .order_by_desc(updates::Column::PostedAt)
        .order_by_desc(updates::Column::Id)
        .one(txn)
        .await?;
    if let Some(latest) = latest {
        row.phase = Set(latest.phase);
        row.resolved_at =
            Set((latest.phase == IncidentPhase::Resolved).then_some(latest.posted_at));
    }
    row.update(txn).await?;
    Ok(())
}

pub(super) async fn insert_update<C: ConnectionTrait>(
    txn: &C,
    incident: Uuid,
    phase: IncidentPhase,
    body: String,
    at: DateTime<Utc>,
    author: Option<Uuid>,
) -> Result<(), sea_orm::DbErr> {
    updates::ActiveModel {
        id: Set(Uuid::now_v7()),
        incident_id: Set(incident),
        phase: Set(phase),
        body: Set(body),
        posted_at: Set(at),
        edited_at: Set(None),
        author_id: Set(author),
    }
    .insert(txn)
    .await
    .map(|_| ())
}

/// The impacts with their components' public names; each must be one of
/// the page's components (422 on its `component_id` otherwise).
async fn named_impacts<C: ConnectionTrait>(
    txn: &C,
    page: &PageRef<impl Access>,
    list: &[ImpactInput],
) -> Result<Vec<(Uuid, String, ComponentImpact)>, IncidentError> {
    input::impacts(list)?;
    if list.is_empty() {
        return Ok(Vec::new());
    }
    let names: HashMap<Uuid, String> = components::Entity::find()
        .filter(components::Column::PageId.eq(page.view().id))
        .all(txn)
        .await?
        .into_iter()
        .map(|c| (c.id, c.public_name))
        .collect();
    list.iter()
        .enumerate()
        .map(|(i, impact)| match names.get(&impact.component_id) {
            Some(name) => Ok((impact.component_id, name.clone(), impact.impact)),
            None => Err(IncidentError::invalid(
                format!("impacts[{i}].component_id"),
                "no such component on this page",
            )),
        })
        .collect()
}

pub(super) async fn replace_impacts<C: ConnectionTrait>(
    txn: &C,
    incident: Uuid,
    list: Vec<(Uuid, String, ComponentImpact)>,
) -> Result<(), sea_orm::DbErr> {
    impacts::Entity::delete_many()
        .filter(impacts::Column::IncidentId.eq(incident))
        .exec(txn)
        .await?;
    for (component, name, impact) in list {
        impacts::ActiveModel {
            id: Set(Uuid::now_v7()),
            incident_id: Set(incident),
            component_id: Set(Some(component)),
            component_name: Set(name),
            impact: Set(impact),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// `rows` with their impacts and updates (two queries for all of them).
async fn views(
    db: &DatabaseConnection,
    rows: Vec<incidents::Model>,
) -> Result<Vec<IncidentView>, IncidentError> {
    let (mut impact_rows, mut update_rows) = super::public::children(db, &rows).await?;
    Ok(rows
        .into_iter()
        .map(|row| IncidentView {
            id: row.id,
            title: row.title,
            state: row.state,
            phase: row.phase,
            internal_incident_id: row.incident_id,
            impacts: impact_rows
                .remove(&row.id)
                .unwrap_or_default()
                .into_iter()
                .map(|m| ImpactView {
                    component_id: m.component_id,
                    component_name: m.component_name,
                    impact: m.impact,
                })
                .collect(),
            publish_at: row.publish_at,
            published_at: row.published_at,
            resolved_at: row.resolved_at,
            postmortem_html: row.postmortem.as_deref().map(markdown::to_html),
            postmortem: row.postmortem,
            person_edited_at: row.person_edited_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
            updates: update_rows
                .remove(&row.id)
                .unwrap_or_default()
                .into_iter()
                .map(|u| UpdateView {
                    id: u.id,
                    phase: u.phase,
                    body_html: markdown::to_html(&u.body),
                    body: u.body,
                    posted_at: u.posted_at,
                    edited_at: u.edited_at,
                    author_id: u.author_id,
                })
                .collect(),
        })
        .collect())
}
