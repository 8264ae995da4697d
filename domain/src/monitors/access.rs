//! Access to one monitor is a value, not a habit. Every read of a monitor's
//! data (checks, statistics, incidents, notifications, runners) and every
//! change of it (update, pause, delete, forgetting a runner, acknowledging
//! an incident) takes a [`MonitorRef`], and the only way to get one is an
//! access check: [`MonitorService::authorize`] for a signed-in caller (the
//! owner or an admin), or the grant of a verified Slack integration over the
//! monitors linked to it. The pipeline (claiming, recording results) works
//! on ids: it acts for the installation, not for a caller.
//!
//! The level is a type: [`Read`] or [`Write`]. Reads accept either; changes
//! demand `MonitorRef<Write>`, which also remembers who asked (the minimum
//! interval of non-admins, who acknowledged an incident).
//!
//! A public status page has its own narrow capability instead:
//! `status_pages::PublicPage`, built from a published page (not from a
//! caller), holding only what the page shows (states, daily uptime, optional
//! response times). It is not an [`Access`] level and holds no `MonitorRef`,
//! so the checks, notifications and runners stay out of its reach by
//! construction.
//!
//! Outside this module a `MonitorRef` cannot be made: its fields are private,
//! it has no public constructor, no `Default` and no `Deserialize`.
//!
//! ```compile_fail,E0451
//! use domain::monitors::{MonitorRef, MonitorView, Read};
//! fn forge(db: domain::DatabaseConnection, view: MonitorView) -> MonitorRef<Read> {
//!     MonitorRef { db, view, grant: () }
//! }
//! ```
//!
//! A request body or query cannot carry one either:
//!
//! ```compile_fail,E0277
//! let forged: domain::monitors::MonitorRef = serde_json::from_str("{}").unwrap();
//! ```
//!
//! So a handler that skips the check does not compile: the reads take no
//! bare id,
//!
//! ```compile_fail,E0061
//! async fn checks(db: domain::DatabaseConnection, id: uuid::Uuid) {
//!     let _ = domain::history::checks::page(&db, id, None, 50).await;
//! }
//! ```
//!
//! and a read grant does not open a change:
//!
//! ```compile_fail,E0308
//! use domain::monitors::{MonitorService, Read};
//! async fn forget(service: MonitorService, caller: domain::accounts::Principal, id: uuid::Uuid) {
//!     let monitor = service.authorize(&caller, id, Read).await.unwrap();
//!     let _ = domain::runners::forget_runner(&monitor, "runner-1").await;
//! }
//! ```
//!
//! With the check, the same calls compile:
//!
//! ```no_run
//! use domain::monitors::{MonitorService, Read, Write};
//! async fn handler(service: MonitorService, caller: domain::accounts::Principal, id: uuid::Uuid) {
//!     let monitor = service.authorize(&caller, id, Read).await.unwrap();
//!     let _ = domain::history::checks::page(&monitor, None, 50).await;
//!     let monitor = service.authorize(&caller, id, Write).await.unwrap();
//!     let _ = domain::runners::forget_runner(&monitor, "runner-1").await;
//! }
//! ```

use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::service::{load_views, MonitorError, MonitorService};
use super::view::MonitorView;
use super::MonitorKind;
use crate::accounts::Principal;
use crate::entities::{incidents, monitors, slack_integration_monitors};

/// Reading a monitor's data: its page, history and runners.
#[derive(Debug, Clone, Copy)]
pub struct Read;

/// Changing a monitor: settings, pause, delete, forgetting runners,
/// acknowledging its incidents. Implies [`Read`].
#[derive(Debug, Clone, Copy)]
pub struct Write;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Read {}
    impl Sealed for super::Write {}
}

/// An access level, [`Read`] or [`Write`]; sealed: no other level exists.
pub trait Access: sealed::Sealed + Copy + Send + Sync + 'static {
    /// What a grant at this level keeps besides the monitor.
    type Grant: std::fmt::Debug + Send + Sync;

    /// The grant for `caller`, once the check passed.
    #[doc(hidden)]
    fn grant(caller: &Principal) -> Self::Grant;
}

impl Access for Read {
    type Grant = ();
    fn grant(_: &Principal) -> Self::Grant {}
}

impl Access for Write {
    /// The caller: writes depend on who asks.
    type Grant = Principal;
    fn grant(caller: &Principal) -> Self::Grant {
        caller.clone()
    }
}

/// Proof that an access check let someone at one monitor, with the monitor
/// as the check loaded it (so callers do not load it again) and the
/// database it lives in.
pub struct MonitorRef<A: Access = Read> {
    db: DatabaseConnection,
    view: MonitorView,
    grant: A::Grant,
}

impl<A: Access> std::fmt::Debug for MonitorRef<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonitorRef")
            .field("id", &self.view.id)
            .field("owner_id", &self.view.owner_id)
            .field("grant", &self.grant)
            .finish_non_exhaustive()
    }
}

impl<A: Access> MonitorRef<A> {
    /// The monitor's id.
    pub fn id(&self) -> Uuid {
        self.view.id
    }

    /// Its owner.
    pub fn owner_id(&self) -> Uuid {
        self.view.owner_id
    }

    /// Its kind.
    pub fn kind(&self) -> MonitorKind {
        self.view.kind
    }

    /// The monitor as the access check loaded it.
    pub fn view(&self) -> &MonitorView {
        &self.view
    }

    /// The monitor, giving up the grant.
    pub fn into_view(self) -> MonitorView {
        self.view
    }

    /// Where the monitor's data lives, for the reads in this crate.
    pub(crate) fn db(&self) -> &DatabaseConnection {
        &self.db
    }
}

impl MonitorRef<Write> {
    /// Who was granted the change.
    pub(crate) fn caller(&self) -> &Principal {
        &self.grant
    }
}

impl MonitorService {
    /// Lets `caller` at monitor `id` with `access`: the owner or an admin,
    /// for reading and for writing alike. A monitor that does not exist is
    /// `NotFound`, another user's `Forbidden`.
    pub async fn authorize<A: Access>(
        &self,
        caller: &Principal,
        id: Uuid,
        _access: A,
    ) -> Result<MonitorRef<A>, MonitorError> {
        let view = self.get_unchecked(id).await?;
        if view.owner_id != caller.user_id && !caller.is_admin() {
            return Err(MonitorError::Forbidden);
        }
        Ok(MonitorRef { db: self.db.clone(), view, grant: A::grant(caller) })
    }

    /// Lets `caller` at the monitor of incident `id`, as [`Self::authorize`]
    /// does; an unknown incident is `NotFound`.
    pub async fn authorize_incident<A: Access>(
        &self,
        caller: &Principal,
        id: Uuid,
        access: A,
    ) -> Result<MonitorRef<A>, MonitorError> {
        let incident =
            incidents::Entity::find_by_id(id).one(&self.db).await?.ok_or(MonitorError::NotFound)?;
        self.authorize(caller, incident.monitor_id, access).await
    }
}

/// The runner monitors Slack integration `integration` may answer for, by
/// name: the links stored for it (never ids a request names), of its owner.
/// The Slack commands' own capability: read only, runner monitors only.
pub(crate) async fn linked_to_integration(
    db: &DatabaseConnection,
    integration: Uuid,
    owner: Uuid,
) -> Result<Vec<MonitorRef<Read>>, DbErr> {
    let linked = slack_integration_monitors::Entity::find()
        .filter(slack_integration_monitors::Column::IntegrationId.eq(integration))
        .all(db)
        .await?
        .into_iter()
        .map(|link| link.monitor_id);
    let rows = monitors::Entity::find()
        .filter(monitors::Column::Id.is_in(linked))
        .filter(monitors::Column::OwnerId.eq(owner))
        .filter(monitors::Column::Kind.eq(MonitorKind::GithubRunners))
        .order_by_asc(monitors::Column::Name)
        .all(db)
        .await?;
    let views = load_views(db, rows).await.map_err(|err| match err {
        MonitorError::Database(db) => db,
        other => DbErr::Custom(other.to_string()),
    })?;
    Ok(views.into_iter().map(|view| MonitorRef { db: db.clone(), view, grant: () }).collect())
}
