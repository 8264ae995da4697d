//! Maintenance windows for their owner: create, list, read, change,
//! delete. Owner-scoped like integrations: a user sees and changes their
//! own; an admin may read or change anyone's by id. A window names only
//! monitors its owner may read (their own, or any for an admin owner) and
//! status pages of the owner's (covering every monitor they show); any
//! other id is refused as a field error that does not say whether it exists.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kinds::{MaintenanceKind, Role};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::schedule::Window;
use super::spec::{MaintenanceInput, MaintenanceSpec};
use super::{coverage, hold, MaintenanceError};
use crate::accounts::Principal;
use crate::clock::Clock;
use crate::entities::{maintenance_monitors as links, maintenance_windows, monitors, users};

/// Proof that the access check let someone at one window (its owner or an
/// admin), with the window as it was loaded. No public constructor.
#[derive(Debug)]
pub struct WindowRef {
    row: maintenance_windows::Model,
}

/// How many occurrences a window's view lists.
pub const SHOWN_OCCURRENCES: usize = 3;

/// A window as the API shows it, with its occurrences from now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceView {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub title: String,
    pub description: String,
    pub time_zone: String,
    pub kind: MaintenanceKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub rule: Option<String>,
    pub duration_secs: Option<i64>,
    pub monitor_ids: Vec<Uuid>,
    /// Status pages whose shown monitors it covers too.
    pub status_page_ids: Vec<Uuid>,
    /// The owner's monitors carrying any of these tags are covered too.
    pub tags: Vec<String>,
    /// Whether status page subscribers are told of it.
    pub announce: bool,
    /// Whether an occurrence covers the present.
    pub active: bool,
    /// The current occurrence (if any) and the next ones, up to three.
    pub occurrences: Vec<Window>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// CRUD of maintenance windows.
#[derive(Debug, Clone)]
pub struct MaintenanceService {
    db: DatabaseConnection,
    /// The present, for "active now" and the occurrences shown.
    clock: Clock,
}

impl MaintenanceService {
    /// A service over `db` on the system clock.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db, clock: Clock::system() }
    }

    /// The same service reading the time from `clock`.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Creates a window owned by the caller.
    pub async fn create(
        &self,
        caller: &Principal,
        input: MaintenanceInput,
    ) -> Result<MaintenanceView, MaintenanceError> {
        let now = self.clock.now();
        let monitor_ids = dedup(input.monitor_ids.clone().unwrap_or_default());
        let page_ids = dedup(input.status_page_ids.clone().unwrap_or_default());
        let tags = tags(input.tags.as_deref().unwrap_or_default())?;
        let announce = input.announce.unwrap_or(true);
        let spec = input.create(now)?;
        let txn = crate::db::begin_write(&self.db).await?;
        check_monitors(&txn, caller.user_id, caller.role, &monitor_ids).await?;
        coverage::check_pages(&txn, caller.user_id, caller.role, &page_ids).await?;
        let id = Uuid::now_v7();
        let mut row = maintenance_windows::ActiveModel {
            id: Set(id),
            owner_id: Set(caller.user_id),
            announce: Set(announce),
            created_at: Set(now),
            ..Default::default()
        };
        fill(&mut row, spec, now);
        row.insert(&txn).await?;
        link(&txn, id, &monitor_ids).await?;
        coverage::link_pages(&txn, id, &page_ids).await?;
        coverage::link_tags(&txn, id, &tags).await?;
        txn.commit().await?;
        let row = maintenance_windows::Entity::find_by_id(id).one(&self.db).await?;
        self.views(row.into_iter().collect()).await?.pop().ok_or(MaintenanceError::NotFound)
    }

    /// The caller's windows, oldest first.
    pub async fn list(&self, caller: &Principal) -> Result<Vec<MaintenanceView>, MaintenanceError> {
        let rows = maintenance_windows::Entity::find()
            .filter(maintenance_windows::Column::OwnerId.eq(caller.user_id))
            .order_by_asc(maintenance_windows::Column::CreatedAt)
            .all(&self.db)
            .await?;
        self.views(rows).await
    }

    /// Lets `caller` at window `id`: its owner or an admin. Anything else,
    /// another user's window included, is `NotFound`, as for monitors and
    /// status pages (a window's existence is not another user's business).
    pub async fn authorize(
        &self,
        caller: &Principal,
        id: Uuid,
    ) -> Result<WindowRef, MaintenanceError> {
        let row = maintenance_windows::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .filter(|w| w.owner_id == caller.user_id || caller.is_admin())
            .ok_or(MaintenanceError::NotFound)?;
        Ok(WindowRef { row })
    }

    /// One window, as the access check let the caller at it.
    pub async fn get(&self, window: &WindowRef) -> Result<MaintenanceView, MaintenanceError> {
        self.views(vec![window.row.clone()]).await?.pop().ok_or(MaintenanceError::NotFound)
    }

    /// Changes a window; absent fields stay. Notifications held by it are
    /// looked at again at once (a window shortened ends their hold).
    pub async fn update(
        &self,
        window: WindowRef,
        patch: MaintenanceInput,
    ) -> Result<MaintenanceView, MaintenanceError> {
        let row = window.row;
        let id = row.id;
        let owner = owner_role(&self.db, row.owner_id).await?;
        let new_monitors = patch.monitor_ids.clone().map(dedup);
        let new_pages = patch.status_page_ids.clone().map(dedup);
        let new_tags = patch.tags.as_deref().map(tags).transpose()?;
        let announce = patch.announce;
        let spec = patch.patch(&row)?;
        let now = self.clock.now();
        let txn = crate::db::begin_write(&self.db).await?;
        let mut affected = linked(&txn, id).await?;
        affected.extend(tagged(&txn, &row).await?);
        let mut active: maintenance_windows::ActiveModel = row.into();
        fill(&mut active, spec, now);
        if let Some(announce) = announce {
            active.announce = Set(announce);
        }
        active.update(&txn).await?;
        if let Some(ids) = new_monitors {
            check_monitors(&txn, owner.0, owner.1, &ids).await?;
            links::Entity::delete_many().filter(links::Column::WindowId.eq(id)).exec(&txn).await?;
            link(&txn, id, &ids).await?;
            affected.extend(ids);
        }
        if let Some(ids) = new_pages {
            coverage::check_pages(&txn, owner.0, owner.1, &ids).await?;
            coverage::link_pages(&txn, id, &ids).await?;
            affected.extend(coverage::monitors_on(&txn, &ids).await?);
        }
        if let Some(tags) = new_tags {
            coverage::link_tags(&txn, id, &tags).await?;
            affected.extend(coverage::monitors_tagged(&txn, owner.0, &tags).await?);
        }
        hold::wake(&txn, &affected).await?;
        txn.commit().await?;
        let row = maintenance_windows::Entity::find_by_id(id).one(&self.db).await?;
        self.views(row.into_iter().collect()).await?.pop().ok_or(MaintenanceError::NotFound)
    }

    /// Deletes a window; what it held is released by the next sweep.
    pub async fn delete(&self, window: WindowRef) -> Result<(), MaintenanceError> {
        let row = window.row;
        let txn = crate::db::begin_write(&self.db).await?;
        let mut affected = linked(&txn, row.id).await?;
        affected.extend(tagged(&txn, &row).await?);
        maintenance_windows::Entity::delete_by_id(row.id).exec(&txn).await?;
        hold::wake(&txn, &affected).await?;
        txn.commit().await?;
        Ok(())
    }

    async fn views(
        &self,
        rows: Vec<maintenance_windows::Model>,
    ) -> Result<Vec<MaintenanceView>, MaintenanceError> {
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut monitors = monitors_of(&self.db, &ids).await?;
        let mut pages = coverage::pages_of(&self.db, &ids).await?;
        let mut tags = coverage::tags_of(&self.db, &ids).await?;
        let now = self.clock.now();
        let mut views = Vec::with_capacity(rows.len());
        for r in rows {
            let schedule = MaintenanceSpec::of_row(&r)?.schedule;
            views.push(MaintenanceView {
                monitor_ids: monitors.remove(&r.id).unwrap_or_default(),
                status_page_ids: pages.remove(&r.id).unwrap_or_default(),
                tags: tags.remove(&r.id).unwrap_or_default(),
                announce: r.announce,
                active: schedule.occurrence_at(now).is_some(),
                occurrences: schedule.upcoming(now, SHOWN_OCCURRENCES),
                id: r.id,
                owner_id: r.owner_id,
                title: r.title,
                description: r.description,
                time_zone: r.time_zone,
                kind: r.kind,
                starts_at: r.starts_at,
                ends_at: r.ends_at,
                rule: r.rule,
                duration_secs: r.duration_secs,
                created_at: r.created_at,
                updated_at: r.updated_at,
            });
        }
        Ok(views)
    }
}

/// Writes a validated spec's fields into a row.
fn fill(row: &mut maintenance_windows::ActiveModel, spec: MaintenanceSpec, now: DateTime<Utc>) {
    row.title = Set(spec.title);
    row.description = Set(spec.description);
    row.time_zone = Set(spec.time_zone.name().to_owned());
    row.kind = Set(spec.kind);
    row.starts_at = Set(spec.starts_at);
    row.ends_at = Set(spec.ends_at);
    row.rule = Set(spec.rule);
    row.duration_secs = Set(spec.duration_secs);
    row.updated_at = Set(now);
}

async fn owner_role(
    db: &DatabaseConnection,
    owner: Uuid,
) -> Result<(Uuid, Role), MaintenanceError> {
    let user = users::Entity::find_by_id(owner).one(db).await?.ok_or(MaintenanceError::NotFound)?;
    Ok((user.id, user.role))
}

/// Every monitor window `window` covers now: linked, or on a page it names.
async fn linked(db: &impl ConnectionTrait, window: Uuid) -> Result<Vec<Uuid>, MaintenanceError> {
    let mut monitors = monitors_of(db, &[window]).await?.remove(&window).unwrap_or_default();
    let pages = coverage::pages_of(db, &[window]).await?.remove(&window).unwrap_or_default();
    monitors.extend(coverage::monitors_on(db, &pages).await?);
    Ok(monitors)
}

/// The monitors window `row` covers through its tags now.
async fn tagged(
    db: &impl ConnectionTrait,
    row: &maintenance_windows::Model,
) -> Result<Vec<Uuid>, MaintenanceError> {
    let tags = coverage::tags_of(db, &[row.id]).await?.remove(&row.id).unwrap_or_default();
    Ok(coverage::monitors_tagged(db, row.owner_id, &tags).await?)
}

/// A request's tags, normalised; the error names `tags`.
fn tags(raw: &[String]) -> Result<Vec<String>, MaintenanceError> {
    crate::monitors::tags::normalize(raw, "tags")
        .map_err(|e| MaintenanceError::invalid(e.field, e.message))
}

async fn monitors_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, MaintenanceError> {
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for l in links::Entity::find()
        .filter(links::Column::WindowId.is_in(ids.to_vec()))
        .order_by_asc(links::Column::MonitorId)
        .all(db)
        .await?
    {
        out.entry(l.window_id).or_default().push(l.monitor_id);
    }
    Ok(out)
}

/// Monitors must exist and be readable by the window's owner: their own,
/// or any for an admin. One message for "missing" and "not yours".
async fn check_monitors(
    db: &impl ConnectionTrait,
    owner: Uuid,
    role: Role,
    ids: &[Uuid],
) -> Result<(), MaintenanceError> {
    let (id, by) = (monitors::Column::Id, monitors::Column::OwnerId);
    let admin = role == Role::Admin;
    if !crate::db::all_owned::<monitors::Entity, _>(db, id, by, ids, owner, admin).await? {
        return Err(MaintenanceError::invalid(
            "monitor_ids",
            "every monitor must exist and be one the window's owner can read",
        ));
    }
    Ok(())
}

async fn link(
    db: &impl ConnectionTrait,
    id: Uuid,
    monitors: &[Uuid],
) -> Result<(), MaintenanceError> {
    if monitors.is_empty() {
        return Ok(());
    }
    let rows =
        monitors.iter().map(|m| links::ActiveModel { window_id: Set(id), monitor_id: Set(*m) });
    links::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

fn dedup(mut ids: Vec<Uuid>) -> Vec<Uuid> {
    ids.sort_unstable();
    ids.dedup();
    ids
}
