//! The owner's side of status pages: create, list, read, change and delete
//! pages, and replace a page's components as a whole. Reads and changes of
//! one page take a [`PageRef`], made only by [`StatusPageService::authorize`].

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::Utc;
use sea_orm::SqlErr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::cache::PublicCache;
use super::hosts::HostMap;
use super::incidents::IncidentService;
use super::input::{validated_components, ComponentSpec, PageSettings, Slug, ValidComponent};
use super::protection::{PassKey, Protection};
use super::public::PublicPage;
use super::{ComponentInput, ComponentKind, ComponentState, PageError, PageInput, PageTheme};
use crate::accounts::PasswordHasher;
use crate::accounts::Principal;
use crate::clock::Clock;
use crate::entities::{monitors, status_page_components as components, status_pages as pages};
use crate::monitors::{Access, Write};
use crate::ratelimit::RateLimiter;

/// A status page as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageView {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub logo_url: Option<String>,
    pub theme: PageTheme,
    pub footer: String,
    pub published: bool,
    pub indexable: bool,
    /// Seconds before a draft from a monitor's incident publishes itself.
    pub auto_publish_delay_secs: u32,
    pub created_at: chrono::DateTime<Utc>,
    pub updated_at: chrono::DateTime<Utc>,
}

impl From<pages::Model> for PageView {
    fn from(m: pages::Model) -> Self {
        Self {
            id: m.id,
            owner_id: m.owner_id,
            slug: m.slug,
            title: m.title,
            description: m.description,
            logo_url: m.logo_url,
            theme: m.theme,
            footer: m.footer,
            published: m.published,
            indexable: m.indexable,
            auto_publish_delay_secs: u32::try_from(m.auto_publish_delay_secs).unwrap_or(0),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

impl PageView {
    fn settings(&self) -> Result<PageSettings, PageError> {
        Ok(PageSettings {
            slug: Slug::parse(&self.slug)?,
            title: self.title.clone(),
            description: self.description.clone(),
            logo_url: self.logo_url.clone(),
            theme: self.theme,
            footer: self.footer.clone(),
            published: self.published,
            indexable: self.indexable,
            auto_publish_delay_secs: self.auto_publish_delay_secs,
        })
    }
}

/// One component as its owner sees it; a group with its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentView {
    pub id: Uuid,
    pub kind: ComponentKind,
    pub public_name: String,
    pub description: Option<String>,
    pub monitor_id: Option<Uuid>,
    pub static_state: Option<ComponentState>,
    pub show_latency: bool,
    pub members: Vec<ComponentView>,
}

/// Proof that an access check let someone at one page (its owner or an
/// admin), at level `A` (`monitors::Read` or `monitors::Write`), with the
/// page as the check loaded it. No public constructor.
pub struct PageRef<A: Access> {
    page: PageView,
    _grant: A::Grant,
}

impl<A: Access> std::fmt::Debug for PageRef<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageRef").field("id", &self.page.id).finish_non_exhaustive()
    }
}

impl<A: Access> PageRef<A> {
    /// The page as the access check loaded it.
    pub fn view(&self) -> &PageView {
        &self.page
    }
}

impl PageRef<Write> {
    /// Who was let in (the author of what they write).
    pub fn caller(&self) -> &Principal {
        &self._grant
    }
}

/// Status pages over one database; cheap to clone. The public reads share
/// one [`PublicCache`].
#[derive(Clone)]
pub struct StatusPageService {
    db: DatabaseConnection,
    clock: Clock,
    cache: Arc<PublicCache>,
    hosts: Arc<HostMap>,
    protection: Arc<Protection>,
}

impl std::fmt::Debug for StatusPageService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatusPageService").finish_non_exhaustive()
    }
}

impl StatusPageService {
    /// A service over `db` whose public reads are cached by `clock`.
    pub fn new(db: DatabaseConnection, clock: Clock) -> Self {
        Self {
            cache: Arc::new(PublicCache::new(clock.clone())),
            hosts: Arc::new(HostMap::new(clock.clone())),
            protection: Arc::new(Protection {
                // Passes from a key of this process's own until the server
                // gives the installation's (`with_protection`).
                key: PassKey::derive(&rand::random::<[u8; 32]>()),
                hasher: PasswordHasher::new(),
                limiter: RateLimiter::new(db.clone(), clock.clone()),
            }),
            clock,
            db,
        }
    }

    /// The same service signing passes with `key` and hashing page
    /// passwords with `hasher` (the accounts' one, behind the same gate).
    pub fn with_protection(mut self, key: PassKey, hasher: PasswordHasher) -> Self {
        let limiter = self.protection.limiter.clone();
        self.protection = Arc::new(Protection { key, hasher, limiter });
        self
    }

    pub(super) fn protection(&self) -> &Protection {
        &self.protection
    }

    pub(super) async fn public_cached(&self, slug: &str) -> Result<Arc<PublicPage>, PageError> {
        self.cache.get_or_load(slug, || PublicPage::load(&self.db, slug, Utc::now())).await
    }

    pub(super) fn forget_public(&self, slug: &str) {
        self.cache.forget(slug);
    }

    pub(super) fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    pub(super) fn hosts(&self) -> &HostMap {
        &self.hosts
    }

    /// The pages' public incidents, sharing this service's cache and clock.
    pub fn incidents(&self) -> IncidentService {
        IncidentService::new(self.db.clone(), self.clock.clone(), Arc::clone(&self.cache))
    }

    /// The caller's own pages, by slug.
    pub async fn list(&self, caller: &Principal) -> Result<Vec<PageView>, PageError> {
        let rows = pages::Entity::find()
            .filter(pages::Column::OwnerId.eq(caller.user_id))
            .order_by_asc(pages::Column::Slug)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(PageView::from).collect())
    }

    /// Creates a page owned by the caller (unpublished unless it says so).
    pub async fn create(
        &self,
        caller: &Principal,
        input: PageInput,
    ) -> Result<PageView, PageError> {
        let settings = input.into_settings()?;
        self.refuse_taken(&settings.slug, None).await?;
        let now = Utc::now();
        let row = pages::ActiveModel {
            id: Set(Uuid::new_v4()),
            owner_id: Set(caller.user_id),
            created_at: Set(now),
            ..active(settings, now)
        };
        Ok(row.insert(&self.db).await.map_err(slug_conflict)?.into())
    }

    /// Lets `caller` at page `id`: its owner or an admin. Anything else,
    /// including another user's page, is `NotFound` (a page's existence is
    /// not told to other users).
    pub async fn authorize<A: Access>(
        &self,
        caller: &Principal,
        id: Uuid,
        _access: A,
    ) -> Result<PageRef<A>, PageError> {
        let page = pages::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .filter(|p| p.owner_id == caller.user_id || caller.is_admin())
            .ok_or(PageError::NotFound)?;
        Ok(PageRef { page: page.into(), _grant: A::grant(caller) })
    }

    /// Changes a page; absent fields stay.
    pub async fn update(
        &self,
        page: PageRef<Write>,
        input: PageInput,
    ) -> Result<PageView, PageError> {
        let current = page.page;
        let settings = input.patch(&current.settings()?)?;
        self.refuse_taken(&settings.slug, Some(current.id)).await?;
        let row = pages::ActiveModel {
            id: sea_orm::Unchanged(current.id),
            ..active(settings, Utc::now())
        };
        let updated: PageView = row.update(&self.db).await.map_err(slug_conflict)?.into();
        self.cache.forget(&current.slug);
        if updated.slug != current.slug {
            self.hosts.forget();
        }
        Ok(updated)
    }

    /// Deletes a page and its components.
    pub async fn delete(&self, page: PageRef<Write>) -> Result<(), PageError> {
        pages::Entity::delete_by_id(page.page.id).exec(&self.db).await?;
        self.cache.forget(&page.page.slug);
        self.hosts.forget();
        Ok(())
    }

    /// A page's components in order, groups with their members.
    pub async fn components(
        &self,
        page: &PageRef<impl Access>,
    ) -> Result<Vec<ComponentView>, PageError> {
        let rows = load_components(&self.db, page.page.id).await?;
        Ok(tree(rows))
    }

    /// Replaces a page's components with `list`, in its order. A monitor
    /// component must name one of the page owner's monitors; any other id
    /// is refused exactly like one that does not exist.
    pub async fn replace_components(
        &self,
        page: &PageRef<Write>,
        list: Vec<ComponentInput>,
    ) -> Result<Vec<ComponentView>, PageError> {
        let valid = validated_components(list)?;
        self.refuse_foreign_monitors(page.page.owner_id, &valid).await?;
        let page_id = page.page.id;
        let txn = crate::db::begin_write(&self.db).await?;
        let mut keepable: HashSet<Uuid> = components::Entity::find()
            .filter(components::Column::PageId.eq(page_id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        components::Entity::delete_many()
            .filter(components::Column::PageId.eq(page_id))
            .exec(&txn)
            .await?;
        // An id of this page's is kept once; any other (or a repeat) is new.
        let mut id_for =
            |c: &ValidComponent| c.id.filter(|id| keepable.remove(id)).unwrap_or_else(Uuid::new_v4);
        for (position, component) in valid.iter().enumerate() {
            let id = id_for(component);
            insert_component(&txn, page_id, id, None, position, component).await?;
            if let ComponentSpec::Group { members } = &component.spec {
                for (position, member) in members.iter().enumerate() {
                    let member_id = id_for(member);
                    insert_component(&txn, page_id, member_id, Some(id), position, member).await?;
                }
            }
        }
        let mut touched = pages::Entity::find_by_id(page_id)
            .one(&txn)
            .await?
            .ok_or(PageError::NotFound)?
            .into_active_model();
        touched.updated_at = Set(Utc::now());
        touched.update(&txn).await?;
        txn.commit().await?;
        self.cache.forget(&page.page.slug);
        Ok(tree(load_components(&self.db, page_id).await?))
    }

    /// The published page at `slug`, as anyone may read it: from the cache
    /// when it is a few seconds old at most. Unpublished and unknown slugs
    /// are the same `NotFound`.
    /// A page with a password is `Locked` here: see
    /// [`StatusPageService::public_for`].
    pub async fn public(&self, slug: &str) -> Result<Arc<PublicPage>, PageError> {
        self.public_for(slug, None).await
    }

    async fn refuse_taken(&self, slug: &Slug, except: Option<Uuid>) -> Result<(), PageError> {
        let holder = pages::Entity::find()
            .filter(pages::Column::Slug.eq(slug.as_str()))
            .one(&self.db)
            .await?;
        match holder {
            Some(other) if Some(other.id) != except => Err(PageError::SlugTaken),
            _ => Ok(()),
        }
    }

    async fn refuse_foreign_monitors(
        &self,
        owner: Uuid,
        list: &[ValidComponent],
    ) -> Result<(), PageError> {
        let wanted: Vec<(&str, Uuid)> = flatten(list)
            .filter_map(|c| match c.spec {
                ComponentSpec::Monitor { monitor_id, .. } => Some((c.field.as_str(), monitor_id)),
                _ => None,
            })
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let ids: Vec<Uuid> =
            wanted.iter().map(|(_, id)| *id).collect::<HashSet<_>>().into_iter().collect();
        let owned: HashSet<Uuid> = monitors::Entity::find()
            .filter(monitors::Column::Id.is_in(ids))
            .filter(monitors::Column::OwnerId.eq(owner))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect();
        match wanted.iter().find(|(_, id)| !owned.contains(id)) {
            Some((field, _)) => Err(PageError::invalid(
                format!("{field}.monitor_id"),
                "no such monitor among the page owner's",
            )),
            None => Ok(()),
        }
    }
}

fn active(settings: PageSettings, now: chrono::DateTime<Utc>) -> pages::ActiveModel {
    pages::ActiveModel {
        slug: Set(settings.slug.as_str().to_owned()),
        title: Set(settings.title),
        description: Set(settings.description),
        logo_url: Set(settings.logo_url),
        theme: Set(settings.theme),
        footer: Set(settings.footer),
        published: Set(settings.published),
        indexable: Set(settings.indexable),
        auto_publish_delay_secs: Set(
            i32::try_from(settings.auto_publish_delay_secs).unwrap_or(i32::MAX)
        ),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// A slug taken between the check and the write (two requests at once).
fn slug_conflict(err: sea_orm::DbErr) -> PageError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => PageError::SlugTaken,
        _ => PageError::Database(err),
    }
}

/// Every component of a list, groups before their members.
fn flatten(list: &[ValidComponent]) -> impl Iterator<Item = &ValidComponent> {
    list.iter().flat_map(|c| {
        let members = match &c.spec {
            ComponentSpec::Group { members } => members.as_slice(),
            _ => &[],
        };
        std::iter::once(c).chain(members)
    })
}

async fn insert_component(
    txn: &impl sea_orm::ConnectionTrait,
    page_id: Uuid,
    id: Uuid,
    parent_id: Option<Uuid>,
    position: usize,
    component: &ValidComponent,
) -> Result<(), PageError> {
    let (kind, monitor_id, static_state, show_latency) = match &component.spec {
        ComponentSpec::Monitor { monitor_id, show_latency } => {
            (ComponentKind::Monitor, Some(*monitor_id), None, *show_latency)
        }
        ComponentSpec::Static { state } => (ComponentKind::Static, None, Some(*state), false),
        ComponentSpec::Group { .. } => (ComponentKind::Group, None, None, false),
    };
    components::ActiveModel {
        id: Set(id),
        page_id: Set(page_id),
        position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
        parent_id: Set(parent_id),
        kind: Set(kind),
        monitor_id: Set(monitor_id),
        public_name: Set(component.public_name.clone()),
        static_state: Set(static_state),
        description: Set(component.description.clone()),
        show_latency: Set(show_latency),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// A page's component rows, in position order.
pub(super) async fn load_components(
    db: &DatabaseConnection,
    page_id: Uuid,
) -> Result<Vec<components::Model>, sea_orm::DbErr> {
    components::Entity::find()
        .filter(components::Column::PageId.eq(page_id))
        .order_by_asc(components::Column::Position)
        .order_by_asc(components::Column::Id)
        .all(db)
        .await
}

/// Rows in position order as the owner's tree: top-level components, each
/// group with its members.
fn tree(rows: Vec<components::Model>) -> Vec<ComponentView> {
    let mut members: HashMap<Uuid, Vec<ComponentView>> = HashMap::new();
    let mut top = Vec::new();
    for row in rows {
        let parent = row.parent_id;
        let view = ComponentView {
            id: row.id,
            kind: row.kind,
            public_name: row.public_name,
            description: row.description,
            monitor_id: row.monitor_id,
            static_state: row.static_state,
            show_latency: row.show_latency,
            members: Vec::new(),
        };
        match parent {
            Some(parent) => members.entry(parent).or_default().push(view),
            None => top.push(view),
        }
    }
    for view in &mut top {
        view.members = members.remove(&view.id).unwrap_or_default();
    }
    top
}
