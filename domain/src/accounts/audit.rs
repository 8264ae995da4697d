//! The audit log: every admin action and every security event, written by
//! the service that performs it.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

use super::{AccountError, ClientInfo};
use crate::entities::audit_log;

/// One entry, built fluently: `AuditEntry::new("user.disabled").actor(id)…`.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    action: &'static str,
    actor: Option<Uuid>,
    target: Option<(&'static str, String)>,
    details: Option<serde_json::Value>,
    client_ip: Option<String>,
}

impl AuditEntry {
    /// An entry for `action`, e.g. `admin.user_updated`.
    pub fn new(action: &'static str) -> Self {
        Self { action, actor: None, target: None, details: None, client_ip: None }
    }

    /// Who did it.
    pub fn actor(mut self, actor: Uuid) -> Self {
        self.actor = Some(actor);
        self
    }

    /// What it was done to.
    pub fn target(mut self, kind: &'static str, id: String) -> Self {
        self.target = Some((kind, id));
        self
    }

    /// Anything else worth keeping.
    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }

    /// Where the request came from.
    pub fn client(mut self, client: &ClientInfo) -> Self {
        self.client_ip = client.ip.clone();
        self
    }
}

/// Writes an entry.
pub async fn record(db: &impl ConnectionTrait, entry: AuditEntry) -> Result<(), AccountError> {
    let (target_type, target_id) = match entry.target {
        Some((kind, id)) => (Some(kind.to_owned()), Some(id)),
        None => (None, None),
    };
    audit_log::ActiveModel {
        id: Set(Uuid::new_v4()),
        at: Set(Utc::now()),
        actor_id: Set(entry.actor),
        action: Set(entry.action.to_owned()),
        target_type: Set(target_type),
        target_id: Set(target_id),
        details: Set(entry.details.map(|d| d.to_string())),
        client_ip: Set(entry.client_ip),
    }
    .insert(db)
    .await?;
    Ok(())
}
