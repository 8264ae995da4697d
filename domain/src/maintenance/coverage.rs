//! What a window covers: the monitors linked to it, every monitor shown on
//! a status page it names, and every monitor of its owner carrying one of
//! its tags, as pages and tags are when read (so a component added to the
//! page or a tag put on a monitor later is covered too). Every reader of "which windows
//! cover these monitors" — the pipeline's hold, the public page, its feeds
//! and its subscribers' notices — asks [`windows_covering`].

use std::collections::{BTreeMap, BTreeSet};

use kinds::Role;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::MaintenanceError;
use crate::entities::{
    maintenance_monitors, maintenance_pages, maintenance_tags, maintenance_windows, monitor_tags,
    monitors as monitor_rows, status_page_components as components, status_pages as pages,
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
    if !on_page.is_empty() {
        for link in maintenance_pages::Entity::find()
            .filter(maintenance_pages::Column::PageId.is_in(on_page.keys().copied()))
            .all(db)
            .await?
        {
            let shown = on_page.get(&link.page_id).cloned().unwrap_or_default();
            covered.entry(link.window_id).or_default().extend(shown);
        }
    }
    for (window, tagged) in by_tags(db, monitors).await? {
        covered.entry(window).or_default().extend(tagged);
    }
    Ok(covered)
}

/// Windows naming a tag one of `monitors` carries, with the monitors they
/// cover that way: only their owner's (an admin's `prod` window does not
/// mute another user's `prod` monitors).
async fn by_tags<C: ConnectionTrait>(
    db: &C,
    monitors: &[Uuid],
) -> Result<BTreeMap<Uuid, BTreeSet<Uuid>>, DbErr> {
    let mut out: BTreeMap<Uuid, BTreeSet<Uuid>> = BTreeMap::new();
    let tagged = monitor_tags::Entity::find()
        .filter(monitor_tags::Column::MonitorId.is_in(monitors.to_vec()))
        .all(db)
        .await?;
    if tagged.is_empty() {
        return Ok(out);
    }
    let mut carriers: BTreeMap<&str, Vec<Uuid>> = BTreeMap::new();
    for row in &tagged {
        carriers.entry(row.tag.as_str()).or_default().push(row.monitor_id);
    }
    let named = maintenance_tags::Entity::find()
        .filter(maintenance_tags::Column::Tag.is_in(carriers.keys().map(|t| (*t).to_owned())))
        .all(db)
        .await?;
    if named.is_empty() {
        return Ok(out);
    }
    let window_ids: BTreeSet<Uuid> = named.iter().map(|n| n.window_id).collect();
    let window_owner: BTreeMap<Uuid, Uuid> = maintenance_windows::Entity::find()
        .filter(maintenance_windows::Column::Id.is_in(window_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w.owner_id))
        .collect();
    let monitor_owner: BTreeMap<Uuid, Uuid> = monitor_rows::Entity::find()
        .filter(monitor_rows::Column::Id.is_in(tagged.iter().map(|t| t.monitor_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.owner_id))
        .collect();
    for n in named {
        let Some(owner) = window_owner.get(&n.window_id) else { continue };
        let mine = carriers
            .get(n.tag.as_str())
            .into_iter()
            .flatten()
            .filter(|m| monitor_owner.get(m) == Some(owner));
        out.entry(n.window_id).or_default().extend(mine);
    }
    out.retain(|_, covered| !covered.is_empty());
    Ok(out)
}

/// The monitors of `owner` carrying any of `tags`.
pub async fn monitors_tagged<C: ConnectionTrait>(
    db: &C,
    owner: Uuid,
    tags: &[String],
) -> Result<Vec<Uuid>, DbErr> {
    if tags.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<Uuid> = monitor_tags::Entity::find()
        .filter(monitor_tags::Column::Tag.is_in(tags.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.monitor_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let owned = monitor_rows::Entity::find()
        .filter(monitor_rows::Column::Id.is_in(ids))
        .filter(monitor_rows::Column::OwnerId.eq(owner))
        .all(db)
        .await?;
    Ok(owned.into_iter().map(|m| m.id).collect())
}

/// The tags each of `windows` names, sorted.
pub async fn tags_of<C: ConnectionTrait>(
    db: &C,
    windows: &[Uuid],
) -> Result<BTreeMap<Uuid, Vec<String>>, DbErr> {
    let mut out: BTreeMap<Uuid, Vec<String>> = BTreeMap::new();
    for row in maintenance_tags::Entity::find()
        .filter(maintenance_tags::Column::WindowId.is_in(windows.to_vec()))
        .all(db)
        .await?
    {
        out.entry(row.window_id).or_default().push(row.tag);
    }
    out.values_mut().for_each(|tags| tags.sort_unstable());
    Ok(out)
}

/// Replaces the tags window `id` names (normalised already).
pub(super) async fn link_tags<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    tags: &[String],
) -> Result<(), DbErr> {
    maintenance_tags::Entity::delete_many()
        .filter(maintenance_tags::Column::WindowId.eq(id))
        .exec(db)
        .await?;
    if tags.is_empty() {
        return Ok(());
    }
    let rows = tags
        .iter()
        .map(|tag| maintenance_tags::ActiveModel { window_id: Set(id), tag: Set(tag.clone()) });
    maintenance_tags::Entity::insert_many(rows).exec(db).await?;
    Ok(())
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
