//! The channel service: create, list, read, change and delete channels (their
//! owner or an admin), and hand decrypted targets to whoever delivers.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::crypto::{EncryptionKey, Sealer};
use super::fields::channel_name;
use super::spec::{ChannelDisplay, ChannelInput, ChannelKind, ChannelPatch, Target};
use super::test_limits::TestLimits;
use super::ChannelError;
use crate::accounts::audit::{self, AuditEntry};
use crate::accounts::{AccountError, Principal};
use crate::clock::Clock;
use crate::entities::{channels, users};
use crate::quotas::{self, Quota, Quotas};
use crate::ratelimit::{RateLimiter, RetryAfter};

/// A channel as users see it: secrets masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelView {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    pub kind: ChannelKind,
    pub settings: ChannelDisplay,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A channel ready to deliver to, its target decrypted. Its `Debug` masks
/// the target; never show it otherwise.
#[derive(Debug, Clone)]
pub struct DeliveryChannel {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    pub target: Target,
}

impl DeliveryChannel {
    /// The channel's kind.
    pub fn kind(&self) -> ChannelKind {
        self.target.kind()
    }

    /// Who receives it, masked: for the notifications log and messages.
    pub fn recipient(&self) -> String {
        match self.target.display() {
            ChannelDisplay::Slack { webhook_url } => webhook_url,
            ChannelDisplay::Webhook { url, .. } => url,
            ChannelDisplay::Email { to } => to.join(", "),
        }
    }
}

/// Whose channels a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelScope {
    /// The caller's own.
    Own,
    /// Everyone's (admins only).
    All,
}

/// The channel service; cheap to clone.
#[derive(Clone)]
pub struct ChannelService {
    db: DatabaseConnection,
    sealer: Arc<Sealer>,
    quotas: Quotas,
    limiter: RateLimiter,
    test_limits: TestLimits,
}

impl std::fmt::Debug for ChannelService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelService").finish_non_exhaustive()
    }
}

impl ChannelService {
    /// A service over `db` sealing secrets with `key`.
    pub fn new(db: DatabaseConnection, key: &EncryptionKey) -> Self {
        Self {
            limiter: RateLimiter::new(db.clone(), Clock::system()),
            db,
            sealer: Arc::new(Sealer::new(key)),
            quotas: Quotas::unlimited(),
            test_limits: TestLimits::default(),
        }
    }

    /// The same service with other test-message limits, counted by `clock`.
    pub fn with_test_limits(mut self, limits: TestLimits, clock: Clock) -> Self {
        self.test_limits = limits;
        self.limiter = RateLimiter::new(self.db.clone(), clock);
        self
    }

    /// The same service enforcing `quotas` on non-admins.
    pub fn with_quotas(mut self, quotas: Quotas) -> Self {
        self.quotas = quotas;
        self
    }

    /// Creates a channel owned by the caller. Returns it with the webhook
    /// signing secret when one was generated: the only time it is shown.
    pub async fn create(
        &self,
        principal: &Principal,
        input: ChannelInput,
    ) -> Result<(ChannelView, Option<String>), ChannelError> {
        let name = channel_name(&input.name)?;
        let (target, generated) = Target::parse(&input)?;
        quotas::check(&self.db, &self.quotas, Quota::Channels, principal).await??;
        let id = Uuid::new_v4();
        let now = Utc::now();
        let row = channels::ActiveModel {
            id: Set(id),
            owner_id: Set(principal.user_id),
            name: Set(name),
            kind: Set(target.kind()),
            secret: Set(self.seal(id, &target)?),
            display: Set(display_json(&target)?),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&self.db)
        .await?;
        self.audit("channel.created", principal, &row).await?;
        Ok((view(&row)?, generated))
    }

    /// Channels oldest first: the caller's, or everyone's for an admin.
    pub async fn list(
        &self,
        principal: &Principal,
        scope: ChannelScope,
    ) -> Result<Vec<ChannelView>, ChannelError> {
        let mut query = channels::Entity::find();
        match scope {
            ChannelScope::Own => {
                query = query.filter(channels::Column::OwnerId.eq(principal.user_id))
            }
            ChannelScope::All if principal.is_admin() => {}
            ChannelScope::All => {
                return Err(ChannelError::Forbidden(
                    "listing every user's channels needs the ADMIN role",
                ))
            }
        }
        let rows = query
            .order_by_asc(channels::Column::CreatedAt)
            .order_by_asc(channels::Column::Id)
            .all(&self.db)
            .await?;
        rows.iter().map(view).collect()
    }

    /// One channel, masked.
    pub async fn get(&self, principal: &Principal, id: Uuid) -> Result<ChannelView, ChannelError> {
        view(&self.find_authorized(principal, id).await?)
    }

    /// Renames a channel or replaces its settings; the kind never changes.
    pub async fn update(
        &self,
        principal: &Principal,
        id: Uuid,
        patch: ChannelPatch,
    ) -> Result<ChannelView, ChannelError> {
        let row = self.find_authorized(principal, id).await?;
        let name = patch.name.as_deref().map(channel_name).transpose()?;
        let target = self.open(&row)?.patched(&patch)?;
        let mut active: channels::ActiveModel = row.into();
        if let Some(name) = name {
            active.name = Set(name);
        }
        active.secret = Set(self.seal(id, &target)?);
        active.display = Set(display_json(&target)?);
        active.updated_at = Set(Utc::now());
        let row = active.update(&self.db).await?;
        self.audit("channel.updated", principal, &row).await?;
        view(&row)
    }

    /// Deletes a channel; monitors stop notifying it, past notifications stay.
    pub async fn delete(&self, principal: &Principal, id: Uuid) -> Result<(), ChannelError> {
        let row = self.find_authorized(principal, id).await?;
        channels::Entity::delete_by_id(id).exec(&self.db).await?;
        self.audit("channel.deleted", principal, &row).await
    }

    /// A channel the caller may use, decrypted, for sending a test message:
    /// counts against the caller's and the channel's test limits, and is
    /// `Throttled` beyond either.
    pub async fn delivery_for(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<DeliveryChannel, ChannelError> {
        let row = self.find_authorized(principal, id).await?;
        let limits = &self.test_limits;
        for (limit, key) in [
            (&limits.per_channel, row.id.to_string()),
            (&limits.per_user, principal.user_id.to_string()),
        ] {
            if let Err(RetryAfter(retry_after_secs)) = self.limiter.take(limit, &key).await? {
                return Err(ChannelError::Throttled { retry_after_secs });
            }
        }
        self.delivery(&row)
    }

    /// A channel decrypted for the notifier; no caller to authorize. A
    /// disabled owner's channels send nothing (the notification fails with
    /// this reason) until the owner is enabled again.
    pub async fn load_for_delivery(&self, id: Uuid) -> Result<DeliveryChannel, ChannelError> {
        let row =
            channels::Entity::find_by_id(id).one(&self.db).await?.ok_or(ChannelError::NotFound)?;
        let owner_disabled = users::Entity::find_by_id(row.owner_id)
            .one(&self.db)
            .await?
            .is_none_or(|owner| owner.disabled);
        if owner_disabled {
            return Err(ChannelError::Forbidden(
                "the channel's owner is disabled; nothing is sent until they are enabled again",
            ));
        }
        self.delivery(&row)
    }

    fn delivery(&self, row: &channels::Model) -> Result<DeliveryChannel, ChannelError> {
        Ok(DeliveryChannel {
            id: row.id,
            owner_id: row.owner_id,
            name: row.name.clone(),
            target: self.open(row)?,
        })
    }

    /// Unknown is 404; someone else's is 403 unless the caller is an admin.
    async fn find_authorized(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<channels::Model, ChannelError> {
        let row =
            channels::Entity::find_by_id(id).one(&self.db).await?.ok_or(ChannelError::NotFound)?;
        if row.owner_id != principal.user_id && !principal.is_admin() {
            return Err(ChannelError::Forbidden("this channel belongs to another user"));
        }
        Ok(row)
    }

    fn seal(&self, id: Uuid, target: &Target) -> Result<String, ChannelError> {
        let json =
            serde_json::to_vec(target).map_err(|err| ChannelError::Internal(err.to_string()))?;
        Ok(self.sealer.seal(&json, id.as_bytes())?)
    }

    fn open(&self, row: &channels::Model) -> Result<Target, ChannelError> {
        let json = self.sealer.open(&row.secret, row.id.as_bytes())?;
        serde_json::from_slice(&json)
            .map_err(|err| ChannelError::Internal(format!("channel {} secret JSON: {err}", row.id)))
    }

    async fn audit(
        &self,
        action: &'static str,
        principal: &Principal,
        row: &channels::Model,
    ) -> Result<(), ChannelError> {
        let entry = AuditEntry::new(action)
            .actor(principal.user_id)
            .target("channel", row.id.to_string())
            .details(serde_json::json!({
                "name": row.name, "kind": row.kind, "owner_id": row.owner_id,
            }));
        audit::record(&self.db, entry).await.map_err(|err| match err {
            AccountError::Database(db) => ChannelError::Database(db),
            other => ChannelError::Internal(other.to_string()),
        })
    }
}

fn display_json(target: &Target) -> Result<String, ChannelError> {
    serde_json::to_string(&target.display()).map_err(|err| ChannelError::Internal(err.to_string()))
}

fn view(row: &channels::Model) -> Result<ChannelView, ChannelError> {
    let corrupt = |what: String| ChannelError::Internal(format!("channel {}: {what}", row.id));
    let settings: ChannelDisplay = serde_json::from_str(&row.display)
        .map_err(|err| corrupt(format!("display JSON: {err}")))?;
    Ok(ChannelView {
        id: row.id,
        owner_id: row.owner_id,
        name: row.name.clone(),
        kind: row.kind,
        settings,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
