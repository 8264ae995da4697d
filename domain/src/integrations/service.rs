//! Slack integrations: a signing secret (sealed at rest, shown masked) and
//! the monitors a Slack workspace may ask about. Owner-scoped: a user sees
//! and changes their own; an admin may read or change anyone's by id.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Deserialize;
use uuid::Uuid;

use super::IntegrationError;
use crate::accounts::Principal;
use crate::channels::crypto::Sealer;
use crate::channels::{channel_name, ChannelError, EncryptionKey};
use crate::clock::Clock;
use crate::entities::{monitors, slack_integration_monitors as links, slack_integrations};
use crate::quotas::{self, Quota, Quotas};

/// The longest signing secret accepted (Slack's are 32 characters).
const MAX_SECRET_LEN: usize = 128;
/// Slack's app ids are about a dozen characters; longer is not one.
pub(super) const MAX_APP_ID_LEN: usize = 64;

/// A create or patch request; on a patch, absent fields stay.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlackIntegrationInput {
    pub name: Option<String>,
    /// The Slack app's signing secret (Basic Information → App Credentials).
    pub signing_secret: Option<String>,
    /// The monitors this workspace may query; the owner's own.
    pub monitor_ids: Option<Vec<Uuid>>,
    /// The Slack app's id (`A0…`); optional, learnt from the first command.
    pub app_id: Option<String>,
    /// Accepted and ignored: server-owned fields a client may echo back.
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    #[serde(default)]
    pub owner_id: Option<serde_json::Value>,
    #[serde(default)]
    pub created_at: Option<serde_json::Value>,
    #[serde(default)]
    pub updated_at: Option<serde_json::Value>,
}

/// An integration as the API shows it: the secret masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackIntegrationView {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    /// Masked: `…` and the last four characters.
    pub signing_secret: String,
    pub monitor_ids: Vec<Uuid>,
    /// The Slack app's id (`A0…`, under Basic Information beside the
    /// signing secret); learnt from the first verified command when not given.
    pub app_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The integration whose secret verified a command: what it may answer for.
/// Only `verify` makes one (`non_exhaustive`: no literal outside `domain`),
/// since it is what lets a command read monitors.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedIntegration {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    pub monitor_ids: Vec<Uuid>,
}

/// CRUD of Slack integrations and verification of signed commands.
#[derive(Clone)]
pub struct SlackIntegrationService {
    pub(super) db: DatabaseConnection,
    pub(super) sealer: Arc<Sealer>,
    quotas: Quotas,
    /// Judges the age of signed commands and the replay window.
    pub(super) clock: Clock,
}

impl std::fmt::Debug for SlackIntegrationService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlackIntegrationService").finish_non_exhaustive()
    }
}

pub(super) fn aad(id: Uuid) -> Vec<u8> {
    format!("slack-integration:{id}").into_bytes()
}

fn secret(raw: &str) -> Result<String, IntegrationError> {
    let field = "signing_secret";
    let raw = raw.trim();
    if raw.len() < 8 || raw.len() > MAX_SECRET_LEN {
        return Err(IntegrationError::invalid(
            field,
            format!("must be 8 to {MAX_SECRET_LEN} characters"),
        ));
    }
    if !raw.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(IntegrationError::invalid(field, "must not contain spaces"));
    }
    Ok(raw.to_owned())
}

/// A Slack app id: letters and digits, as Slack shows them (`A0123ABCD`).
fn app_id(raw: &str) -> Result<String, IntegrationError> {
    let raw = raw.trim();
    if raw.is_empty()
        || raw.len() > MAX_APP_ID_LEN
        || !raw.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(IntegrationError::invalid(
            "app_id",
            "must be a Slack app id such as A0123ABCD",
        ));
    }
    Ok(raw.to_owned())
}

/// A name as channels have them: 1 to 100 characters, no control characters.
fn integration_name(raw: &str) -> Result<String, IntegrationError> {
    channel_name(raw).map_err(|err| match err {
        ChannelError::Invalid { message, .. } => IntegrationError::invalid("name", message),
        other => IntegrationError::invalid("name", other.to_string()),
    })
}

fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    format!("…{}", chars[chars.len().saturating_sub(4)..].iter().collect::<String>())
}

impl SlackIntegrationService {
    /// A service over `db` sealing secrets with `key`.
    pub fn new(db: DatabaseConnection, key: &EncryptionKey) -> Self {
        Self {
            db,
            sealer: Arc::new(Sealer::new(key)),
            quotas: Quotas::unlimited(),
            clock: Clock::system(),
        }
    }

    /// The same service judging command timestamps by `clock`.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The same service enforcing `quotas` on non-admins.
    pub fn with_quotas(mut self, quotas: Quotas) -> Self {
        self.quotas = quotas;
        self
    }

    /// Creates an integration owned by the caller.
    pub async fn create(
        &self,
        caller: &Principal,
        input: SlackIntegrationInput,
    ) -> Result<SlackIntegrationView, IntegrationError> {
        let name = integration_name(input.name.as_deref().unwrap_or_default())?;
        let signing_secret = secret(input.signing_secret.as_deref().unwrap_or_default())?;
        let monitor_ids = dedup(input.monitor_ids.unwrap_or_default());
        let app_id = input.app_id.as_deref().map(app_id).transpose()?;
        let txn = crate::db::begin_write(&self.db).await?;
        quotas::check(&txn, &self.quotas, Quota::SlackIntegrations, caller).await??;
        check_monitors(&txn, caller.user_id, &monitor_ids).await?;
        let id = Uuid::now_v7();
        let now = Utc::now();
        slack_integrations::ActiveModel {
            id: Set(id),
            owner_id: Set(caller.user_id),
            name: Set(name),
            secret: Set(self.sealer.seal(signing_secret.as_bytes(), &aad(id))?),
            secret_hint: Set(mask(&signing_secret)),
            app_id: Set(app_id),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        link(&txn, id, &monitor_ids).await?;
        txn.commit().await?;
        self.get(caller, id).await
    }

    /// The caller's integrations, oldest first.
    pub async fn list(
        &self,
        caller: &Principal,
    ) -> Result<Vec<SlackIntegrationView>, IntegrationError> {
        let rows = slack_integrations::Entity::find()
            .filter(slack_integrations::Column::OwnerId.eq(caller.user_id))
            .order_by_asc(slack_integrations::Column::CreatedAt)
            .all(&self.db)
            .await?;
        self.views(rows).await
    }

    /// One integration, for its owner or an admin.
    pub async fn get(
        &self,
        caller: &Principal,
        id: Uuid,
    ) -> Result<SlackIntegrationView, IntegrationError> {
        let row = self.find_authorized(caller, id).await?;
        let mut views = self.views(vec![row]).await?;
        views.pop().ok_or(IntegrationError::NotFound)
    }

    /// Renames, replaces the secret or the monitors; absent fields stay.
    pub async fn update(
        &self,
        caller: &Principal,
        id: Uuid,
        patch: SlackIntegrationInput,
    ) -> Result<SlackIntegrationView, IntegrationError> {
        let row = self.find_authorized(caller, id).await?;
        let owner = row.owner_id;
        let txn = crate::db::begin_write(&self.db).await?;
        let mut active: slack_integrations::ActiveModel = row.into();
        if let Some(name) = patch.name.as_deref() {
            active.name = Set(integration_name(name)?);
        }
        // The masked value echoed back keeps the stored secret.
        if let Some(raw) = patch.signing_secret.as_deref().filter(|s| !s.starts_with('…')) {
            let signing_secret = secret(raw)?;
            active.secret = Set(self.sealer.seal(signing_secret.as_bytes(), &aad(id))?);
            active.secret_hint = Set(mask(&signing_secret));
        }
        if let Some(raw) = patch.app_id.as_deref() {
            active.app_id = Set(Some(app_id(raw)?));
        }
        active.updated_at = Set(Utc::now());
        active.update(&txn).await?;
        if let Some(ids) = patch.monitor_ids {
            let ids = dedup(ids);
            check_monitors(&txn, owner, &ids).await?;
            links::Entity::delete_many()
                .filter(links::Column::IntegrationId.eq(id))
                .exec(&txn)
                .await?;
            link(&txn, id, &ids).await?;
        }
        txn.commit().await?;
        self.get(caller, id).await
    }

    /// Deletes an integration; Slack's commands stop verifying at once.
    pub async fn delete(&self, caller: &Principal, id: Uuid) -> Result<(), IntegrationError> {
        let row = self.find_authorized(caller, id).await?;
        slack_integrations::Entity::delete_by_id(row.id).exec(&self.db).await?;
        Ok(())
    }

    async fn find_authorized(
        &self,
        caller: &Principal,
        id: Uuid,
    ) -> Result<slack_integrations::Model, IntegrationError> {
        let row = slack_integrations::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(IntegrationError::NotFound)?;
        if row.owner_id != caller.user_id && !caller.is_admin() {
            return Err(IntegrationError::Forbidden);
        }
        Ok(row)
    }

    async fn views(
        &self,
        rows: Vec<slack_integrations::Model>,
    ) -> Result<Vec<SlackIntegrationView>, IntegrationError> {
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut monitors = monitors_of(&self.db, &ids).await?;
        Ok(rows
            .into_iter()
            .map(|r| SlackIntegrationView {
                monitor_ids: monitors.remove(&r.id).unwrap_or_default(),
                id: r.id,
                owner_id: r.owner_id,
                name: r.name,
                signing_secret: r.secret_hint,
                app_id: r.app_id,
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
            .collect())
    }
}

pub(super) async fn monitors_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, IntegrationError> {
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for l in links::Entity::find()
        .filter(links::Column::IntegrationId.is_in(ids.to_vec()))
        .order_by_asc(links::Column::MonitorId)
        .all(db)
        .await?
    {
        out.entry(l.integration_id).or_default().push(l.monitor_id);
    }
    Ok(out)
}

/// Monitors must exist and belong to the integration's owner.
async fn check_monitors(
    db: &impl ConnectionTrait,
    owner: Uuid,
    ids: &[Uuid],
) -> Result<(), IntegrationError> {
    let (id, by) = (monitors::Column::Id, monitors::Column::OwnerId);
    if !crate::db::all_owned::<monitors::Entity, _>(db, id, by, ids, owner, false).await? {
        return Err(IntegrationError::invalid(
            "monitor_ids",
            "every monitor must exist and belong to the integration's owner",
        ));
    }
    Ok(())
}

async fn link(
    db: &impl ConnectionTrait,
    id: Uuid,
    monitors: &[Uuid],
) -> Result<(), IntegrationError> {
    if monitors.is_empty() {
        return Ok(());
    }
    let rows = monitors
        .iter()
        .map(|m| links::ActiveModel { integration_id: Set(id), monitor_id: Set(*m) });
    links::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

fn dedup(mut ids: Vec<Uuid>) -> Vec<Uuid> {
    ids.sort_unstable();
    ids.dedup();
    ids
}
