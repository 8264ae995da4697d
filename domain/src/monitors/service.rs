//! The monitor service: create, read, change, pause and delete monitors,
//! owner or admin only: changes take a `MonitorRef<Write>` (see `access`).
//! The RunState `websites` routes use it too.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use sea_orm::sea_query::{Condition, Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use super::access::{MonitorRef, Read, Write};
use super::input::{MonitorInput, MonitorSettings, Target};
use super::secrets::SecretChange;
use super::view::{MonitorFilter, MonitorPage, MonitorView};
use super::{MonitorKind, SpecError, Status};
use crate::accounts::Principal;
use crate::channels::crypto::Sealer;
use crate::channels::{EncryptionKey, OpenError};
use crate::entities::{channels, monitor_channels, monitor_state, monitor_tags, monitors};
use crate::quotas::{self, Quota, QuotaExceeded, Quotas};

/// Why a monitor operation failed.
#[derive(Debug, thiserror::Error)]
pub enum MonitorError {
    #[error("{0}")]
    Invalid(#[from] SpecError),
    #[error("monitor not found")]
    NotFound,
    #[error("this monitor belongs to another user")]
    Forbidden,
    #[error("{0}")]
    Conflict(String),
    /// A stored secret no longer opens: the key changed or the row was altered.
    #[error(transparent)]
    Undecryptable(#[from] OpenError),
    /// The owner already has as many monitors as the server allows.
    #[error(transparent)]
    Quota(#[from] QuotaExceeded),
    #[error("database error")]
    Database(#[from] sea_orm::DbErr),
}

/// CRUD over monitors; cheap to clone. Kind-specific secrets (GitHub
/// tokens) are sealed with the installation's encryption key.
#[derive(Clone)]
pub struct MonitorService {
    pub(super) db: DatabaseConnection,
    pub(super) sealer: Arc<Sealer>,
    quotas: Quotas,
}

impl std::fmt::Debug for MonitorService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonitorService").finish_non_exhaustive()
    }
}

/// First checks of new monitors are spread over this window so that many
/// monitors created at once do not fire in the same second.
const FIRST_CHECK_SPREAD_SECS: i64 = 60;

impl MonitorService {
    /// A service over `db` sealing secrets with `key`.
    pub fn new(db: DatabaseConnection, key: &EncryptionKey) -> Self {
        Self { db, sealer: Arc::new(Sealer::new(key)), quotas: Quotas::unlimited() }
    }

    /// The same service enforcing `quotas` on non-admins.
    pub fn with_quotas(mut self, quotas: Quotas) -> Self {
        self.quotas = quotas;
        self
    }

    /// Creates a monitor owned by the caller.
    pub async fn create(
        &self,
        owner: &Principal,
        input: MonitorInput,
    ) -> Result<MonitorView, MonitorError> {
        let settings = input.into_settings()?;
        self.insert(owner, settings).await
    }

    /// Refuses an interval below the minimum for a non-admin.
    fn check_interval(&self, caller: &Principal, interval: i64) -> Result<(), MonitorError> {
        quotas::check_interval(&self.quotas, caller, interval)
            .map_err(|message| SpecError::new("interval_seconds", message).into())
    }

    /// The RunState contract's website: an HTTP GET monitor of `url`; the
    /// same URL twice for one user is a conflict.
    pub async fn create_website(
        &self,
        owner: &Principal,
        url: &str,
    ) -> Result<MonitorView, MonitorError> {
        let spec = super::HttpSpec::get(url)?;
        let existing = monitors::Entity::find()
            .filter(monitors::Column::OwnerId.eq(owner.user_id))
            .filter(monitors::Column::Kind.eq(MonitorKind::Http))
            .filter(monitors::Column::Target.eq(spec.url.as_str()))
            .one(&self.db)
            .await?;
        if existing.is_some() {
            return Err(MonitorError::Conflict("you already monitor this URL".into()));
        }
        let settings =
            MonitorInput { http: Some(spec.into()), ..Default::default() }.into_settings()?;
        self.insert(owner, settings).await
    }

    async fn insert(
        &self,
        owner: &Principal,
        settings: MonitorSettings,
    ) -> Result<MonitorView, MonitorError> {
        let owner_id = owner.user_id;
        self.check_interval(owner, i64::from(settings.interval_seconds))?;
        let txn = crate::db::begin_write(&self.db).await?;
        quotas::check(&txn, &self.quotas, Quota::Monitors, owner).await??;
        check_channels(&txn, owner_id, &settings.channel_ids).await?;
        let now = Utc::now();
        let spread = FIRST_CHECK_SPREAD_SECS.min(i64::from(settings.interval_seconds)) * 1000;
        let first_check = now + Duration::milliseconds(rand::rng().random_range(0..spread.max(1)));
        let id = Uuid::now_v7();
        let secret = match self.seal(id, &settings.target)? {
            SecretChange::Set(secret) => secret,
            SecretChange::Keep => {
                return Err(SpecError::new("github_runners.token", "is required").into())
            }
        };
        monitors::ActiveModel {
            id: Set(id),
            owner_id: Set(owner_id),
            name: Set(settings.name.clone()),
            kind: Set(settings.target.kind()),
            target: Set(settings.target.key()),
            config: Set(settings.target.to_config()),
            interval_seconds: Set(settings.interval_seconds),
            timeout_ms: Set(settings.timeout_ms),
            confirmations: Set(settings.confirmations),
            recoveries: Set(settings.recoveries),
            paused: Set(settings.paused),
            next_check_at: Set(crate::pipeline::scheduling::to_millis(first_check)),
            created_at: Set(now),
            updated_at: Set(now),
            secret: Set(secret),
        }
        .insert(&txn)
        .await?;
        let status = if settings.paused { Status::Paused } else { Status::Unknown };
        monitor_state::ActiveModel {
            monitor_id: Set(id),
            status: Set(status),
            status_since: Set(now),
            last_checked_at: Set(None),
            last_latency_ms: Set(None),
            last_error: Set(None),
            consecutive_failures: Set(0),
            consecutive_successes: Set(0),
            last_check_seq: Set(0),
        }
        .insert(&txn)
        .await?;
        link_channels(&txn, id, &settings.channel_ids).await?;
        super::tags::set(&txn, id, &settings.tags).await?;
        if let Target::Heartbeat(_) = settings.target {
            crate::heartbeats::store::create(&txn, &self.sealer, id, now).await?;
        }
        txn.commit().await?;
        self.get_unchecked(id).await
    }

    /// One monitor, for its owner or an admin.
    pub async fn get(&self, caller: &Principal, id: Uuid) -> Result<MonitorView, MonitorError> {
        Ok(self.authorize(caller, id, Read).await?.into_view())
    }

    /// The monitor `id` as it is, whoever asks: for the access check.
    pub(super) async fn get_unchecked(&self, id: Uuid) -> Result<MonitorView, MonitorError> {
        let monitor =
            monitors::Entity::find_by_id(id).one(&self.db).await?.ok_or(MonitorError::NotFound)?;
        let mut views = load_views(&self.db, vec![monitor]).await?;
        views.pop().ok_or(MonitorError::NotFound)
    }

    /// The caller's monitors (every user's with `all` for admins), newest
    /// first, filtered, one page at a time.
    pub async fn list(
        &self,
        caller: &Principal,
        filter: &MonitorFilter,
    ) -> Result<MonitorPage, MonitorError> {
        use sea_orm::sea_query::ExprTrait;
        let mut query = monitors::Entity::find();
        if !(filter.all_users && caller.is_admin()) {
            query = query.filter(monitors::Column::OwnerId.eq(caller.user_id));
        }
        if let Some(kind) = filter.kind {
            query = query.filter(monitors::Column::Kind.eq(kind));
        }
        if let Some(search) = filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let pattern = format!("%{}%", search.to_lowercase().replace(['%', '_'], ""));
            query = query.filter(
                Condition::any()
                    .add(
                        Expr::expr(Func::lower(Expr::col(monitors::Column::Name)))
                            .like(pattern.clone()),
                    )
                    .add(
                        Expr::expr(Func::lower(Expr::col(monitors::Column::Target))).like(pattern),
                    ),
            );
        }
        if let Some(tag) = filter.tag.as_deref() {
            let tag = super::tags::canonical(tag);
            let ids = monitor_tags::Entity::find()
                .select_only()
                .column(monitor_tags::Column::MonitorId)
                .filter(monitor_tags::Column::Tag.eq(tag));
            query = query
                .filter(monitors::Column::Id.in_subquery(sea_orm::QueryTrait::into_query(ids)));
        }
        if let Some(status) = filter.status {
            let ids = monitor_state::Entity::find()
                .select_only()
                .column(monitor_state::Column::MonitorId)
                .filter(monitor_state::Column::Status.eq(status));
            query = query
                .filter(monitors::Column::Id.in_subquery(sea_orm::QueryTrait::into_query(ids)));
        }
        if let Some((created_at, id)) = filter.cursor.as_deref().and_then(decode_cursor) {
            query = query.filter(
                Condition::any().add(monitors::Column::CreatedAt.lt(created_at)).add(
                    Condition::all()
                        .add(monitors::Column::CreatedAt.eq(created_at))
                        .add(monitors::Column::Id.lt(id)),
                ),
            );
        }
        let limit = filter.limit.clamp(1, 500);
        let mut rows = query
            .order_by_desc(monitors::Column::CreatedAt)
            .order_by_desc(monitors::Column::Id)
            .limit(limit + 1)
            .all(&self.db)
            .await?;
        let next_cursor = if rows.len() as u64 > limit {
            rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
            rows.last().map(|m| encode_cursor(m.created_at, m.id))
        } else {
            None
        };
        Ok(MonitorPage { monitors: load_views(&self.db, rows).await?, next_cursor })
    }

    /// Changes a monitor; absent fields stay. Pausing and resuming go here too.
    pub async fn update(
        &self,
        monitor: MonitorRef<Write>,
        patch: MonitorInput,
    ) -> Result<MonitorView, MonitorError> {
        if let Some(interval) = patch.interval_seconds {
            self.check_interval(monitor.caller(), interval)?;
        }
        let id = monitor.id();
        let current = monitor.into_view();
        let row =
            monitors::Entity::find_by_id(id).one(&self.db).await?.ok_or(MonitorError::NotFound)?;
        // Patch the clear settings, so masks echoed back resolve to the stored values.
        let settings = patch
            .patch(&MonitorSettings { target: self.clear_target(&row)?, ..current.settings()? })?;
        let txn = crate::db::begin_write(&self.db).await?;
        check_channels(&txn, current.owner_id, &settings.channel_ids).await?;
        let now = Utc::now();
        let mut model: monitors::ActiveModel =
            monitors::Entity::find_by_id(id).one(&txn).await?.ok_or(MonitorError::NotFound)?.into();
        let resumed = current.paused && !settings.paused;
        model.name = Set(settings.name.clone());
        model.target = Set(settings.target.key());
        model.config = Set(settings.target.to_config());
        model.interval_seconds = Set(settings.interval_seconds);
        model.timeout_ms = Set(settings.timeout_ms);
        model.confirmations = Set(settings.confirmations);
        model.recoveries = Set(settings.recoveries);
        model.paused = Set(settings.paused);
        model.updated_at = Set(now);
        if let SecretChange::Set(secret) = self.seal(id, &settings.target)? {
            model.secret = Set(secret);
        }
        if resumed {
            model.next_check_at = Set(crate::pipeline::scheduling::to_millis(now));
        }
        model.update(&txn).await?;
        if let (Target::GithubRunners(before), Target::GithubRunners(after)) =
            (current.settings()?.target, &settings.target)
        {
            if before.runners_url() != after.runners_url() {
                let reason = format!("The monitor now watches {}", after.repository());
                crate::runners::forget_all(&txn, id, &reason).await?;
            }
        }
        if resumed && matches!(settings.target, Target::Heartbeat(_)) {
            // Pings were not expected while paused: the first slot counts from now.
            crate::heartbeats::store::watch_from(&txn, id, now).await?;
        }
        if current.paused != settings.paused {
            let status = if settings.paused { Status::Paused } else { Status::Unknown };
            monitor_state::Entity::update_many()
                .col_expr(monitor_state::Column::Status, Expr::value(status))
                .col_expr(monitor_state::Column::StatusSince, Expr::value(now))
                .col_expr(monitor_state::Column::ConsecutiveFailures, Expr::value(0))
                .col_expr(monitor_state::Column::ConsecutiveSuccesses, Expr::value(0))
                .filter(monitor_state::Column::MonitorId.eq(id))
                .exec(&txn)
                .await?;
        }
        monitor_channels::Entity::delete_many()
            .filter(monitor_channels::Column::MonitorId.eq(id))
            .exec(&txn)
            .await?;
        link_channels(&txn, id, &settings.channel_ids).await?;
        if current.tags != settings.tags {
            super::tags::set(&txn, id, &settings.tags).await?;
            // A tag taken off may end a window's hold on its notifications.
            crate::maintenance::hold::wake(&txn, &[id]).await?;
        }
        txn.commit().await?;
        self.get_unchecked(id).await
    }

    /// Deletes a monitor with its history.
    pub async fn delete(&self, monitor: MonitorRef<Write>) -> Result<(), MonitorError> {
        monitors::Entity::delete_by_id(monitor.id()).exec(&self.db).await?;
        Ok(())
    }
}

/// Monitor rows with their state and channels, in the rows' order.
pub(super) async fn load_views(
    db: &DatabaseConnection,
    rows: Vec<monitors::Model>,
) -> Result<Vec<MonitorView>, MonitorError> {
    let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
    let states: HashMap<Uuid, monitor_state::Model> = monitor_state::Entity::find()
        .filter(monitor_state::Column::MonitorId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.monitor_id, s))
        .collect();
    let mut links: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for link in monitor_channels::Entity::find()
        .filter(monitor_channels::Column::MonitorId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        links.entry(link.monitor_id).or_default().push(link.channel_id);
    }
    let mut tags = super::tags::of(db, &ids).await?;
    rows.into_iter()
        .map(|m| {
            let state = states.get(&m.id);
            let channel_ids = links.remove(&m.id).unwrap_or_default();
            let tags = tags.remove(&m.id).unwrap_or_default();
            MonitorView::build(m, state, channel_ids, tags)
        })
        .collect()
}

/// Channels must exist and belong to the monitor's owner.
async fn check_channels(
    db: &impl sea_orm::ConnectionTrait,
    owner: Uuid,
    ids: &[Uuid],
) -> Result<(), MonitorError> {
    if ids.is_empty() {
        return Ok(());
    }
    let found = channels::Entity::find()
        .filter(channels::Column::Id.is_in(ids.to_vec()))
        .filter(channels::Column::OwnerId.eq(owner))
        .all(db)
        .await?;
    if found.len() != ids.len() {
        return Err(SpecError::new(
            "channel_ids",
            "every channel must exist and belong to the monitor's owner",
        )
        .into());
    }
    Ok(())
}

async fn link_channels(
    db: &impl sea_orm::ConnectionTrait,
    monitor: Uuid,
    ids: &[Uuid],
) -> Result<(), MonitorError> {
    if ids.is_empty() {
        return Ok(());
    }
    let links = ids.iter().map(|channel| monitor_channels::ActiveModel {
        monitor_id: Set(monitor),
        channel_id: Set(*channel),
    });
    monitor_channels::Entity::insert_many(links).exec(db).await?;
    Ok(())
}

fn encode_cursor(created_at: DateTime<Utc>, id: Uuid) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(format!("{}|{id}", created_at.timestamp_micros()))
}

fn decode_cursor(cursor: &str) -> Option<(DateTime<Utc>, Uuid)> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let raw = String::from_utf8(raw).ok()?;
    let (micros, id) = raw.split_once('|')?;
    Some((DateTime::from_timestamp_micros(micros.parse().ok()?)?, id.parse().ok()?))
}

impl From<Target> for MonitorInput {
    fn from(target: Target) -> Self {
        match target {
            Target::Http(spec) => Self { http: Some(spec.into()), ..Default::default() },
            Target::Tcp(spec) => Self { tcp: Some(spec), ..Default::default() },
            Target::GithubRunners(spec) => Self {
                github_runners: Some(super::github::GithubRunnersInput {
                    owner: Some(spec.owner),
                    repo: Some(spec.repo),
                    token: spec.token,
                    api_url: Some(spec.api_url),
                }),
                ..Default::default()
            },
            Target::Dns(spec) => Self { dns: Some(spec.into()), ..Default::default() },
            Target::Tls(spec) => Self {
                tls: Some(crate::tls::TlsInput {
                    host: Some(spec.host),
                    port: Some(spec.port.into()),
                    expiry_days: Some(spec.expiry_days.days().iter().map(|&d| d.into()).collect()),
                    notify_on_change: Some(spec.notify_on_change),
                }),
                ..Default::default()
            },
            Target::Domain(spec) => Self {
                domain: Some(crate::registrations::DomainInput {
                    name: Some(spec.name),
                    expiry_days: Some(spec.expiry_days.days().iter().map(|&d| d.into()).collect()),
                    rdap_url: Some(spec.rdap_url.map(String::from)),
                }),
                ..Default::default()
            },
            Target::Icmp(spec) => Self {
                icmp: Some(super::IcmpInput {
                    host: Some(spec.host),
                    count: Some(spec.count.into()),
                    degraded_after_ms: Some(spec.degraded_after_ms.map(i64::from)),
                }),
                ..Default::default()
            },
            Target::Heartbeat(spec) => Self { heartbeat: Some(spec.into()), ..Default::default() },
        }
    }
}
