//! What a window covers: the monitors linked to it, and every monitor shown
//! on a status page it names, as the page is when read (so a component
//! added to the page later is covered too). Every reader of "which windows
//! cover these monitors" — the pipeline's hold, the public page, its feeds
//! and its subscribers' notices — asks [`windows_covering`].

use std::collections::{BTreeMap, BTreeSet};

use kinds::Role;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::MaintenanceError;
use crate::entities::{
    maintenance_monitors, maintenance_pages, status_page_components as components,
    status_pages as pages,
};

/// For each window covering any of `monitors`, which of them it covers.
pub async fn windows_covering<C: ConnectionTrait>(
    db: &C,
    monitors: &[Uuid],
) -> Result<BTreeMap<Uuid, BTreeSet<Uuid>>, DbErr> {
    let mut covered: BTreeMap<Uuid, BTreeSet<Uuid>> = BTreeMap::new();
    if monitors.is_empty() {
        return Ok(covered);
    }
    for link in maintenance_monitors::Entity::find()
        .filter(maintenance_monitors::Column::MonitorId.is_in(monitors.to_vec()))
        .all(db)
        .await?
    {
        covered.entry(link.window_id).or_default().insert(link.monitor_id);
    }
    let shown = components::Entity::find()
        .filter(components::Column::MonitorId.is_in(monitors.to_vec()))
        .all(db)
        .await?;
    let mut on_page: BTreeMap<Uuid, BTreeSet<Uuid>> = BTreeMap::new();
    for c in shown {
        if let Some(monitor) = c.monitor_id {
            on_page.entry(c.page_id).or_default().insert(monitor);
        }
    }
    if on_page.is_empty() {
        return Ok(covered);
    }
    for link in maintenance_pages::Entity::find()
        .filter(maintenance_pages::Column::PageId.is_in(on_page.keys().copied()))
        .all(db)
        .await?
    {
        let shown = on_page.get(&link.page_id).cloned().unwrap_or_default();
        covered.entry(link.window_id).or_default().extend(shown);
    }
    Ok(covered)
}

/// The monitors the pages show.
pub async fn monitors_on<C: ConnectionTrait>(db: &C, pages: &[Uuid]) -> Result<Vec<Uuid>, DbErr> {
    if pages.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<Uuid> = components::Entity::find()
        .filter(components::Column::PageId.is_in(pages.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| c.monitor_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The pages each of `windows` names.
pub async fn pages_of<C: ConnectionTrait>(
    db: &C,
    windows: &[Uuid],
) -> Result<BTreeMap<Uuid, Vec<Uuid>>, DbErr> {
    let mut out: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
    for link in maintenance_pages::Entity::find()
        .filter(maintenance_pages::Column::WindowId.is_in(windows.to_vec()))
        .all(db)
        .await?
    {
        out.entry(link.window_id).or_default().push(link.page_id);
    }
    for ids in out.values_mut() {
        ids.sort_unstable();
    }
    Ok(out)
}

/// Pages must exist and be the window owner's (any, for an admin owner);
/// one message for "missing" and "not yours".
pub(super) async fn check_pages<C: ConnectionTrait>(
    db: &C,
    owner: Uuid,
    role: Role,
    ids: &[Uuid],
) -> Result<(), MaintenanceError> {
    let (id, by) = (pages::Column::Id, pages::Column::OwnerId);
    let admin = role == Role::Admin;
    if !crate::db::all_owned::<pages::Entity, _>(db, id, by, ids, owner, admin).await? {
        return Err(MaintenanceError::invalid(
            "status_page_ids",
            "every status page must exist and be the window owner's",
        ));
    }
    Ok(())
}

/// Replaces the pages window `id` names.
pub(super) async fn link_pages<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    pages: &[Uuid],
) -> Result<(), DbErr> {
    maintenance_pages::Entity::delete_many()
        .filter(maintenance_pages::Column::WindowId.eq(id))
        .exec(db)
        .await?;
    if pages.is_empty() {
        return Ok(());
    }
    let rows = pages
        .iter()
        .map(|p| maintenance_pages::ActiveModel { window_id: Set(id), page_id: Set(*p) });
    maintenance_pages::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}
