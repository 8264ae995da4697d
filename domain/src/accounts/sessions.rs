//! Refresh-token families. A sign-in starts a session (family); every refresh
//! spends the presented token and issues its successor. A spent token shown
//! again means it was copied: the whole family is revoked.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::audit::{self, AuditEntry};
use super::{AccountError, ClientInfo};
use crate::entities::{refresh_tokens, sessions};

/// How long a refresh token can wait to be used (the sliding lifetime).
pub const REFRESH_TTL: Duration = Duration::days(30);
/// The default absolute lifetime of a session, however often it is used.
pub const DEFAULT_MAX_AGE: Duration = Duration::days(30);
/// How late a browser's reuse of a spent refresh token is still taken for
/// a second tab of the same browser. Tabs sharing one cookie jar send the
/// same token at the same moment, so the reuse trails the spend by the
/// spread of two parallel requests (milliseconds, a second on a slow
/// link); anything later is treated as a copied token.
pub const BROWSER_GRACE: Duration = Duration::seconds(2);

/// How a reused (already spent) token is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReusePolicy {
    /// Any reuse revokes the family: the API contract.
    Strict,
    /// A reuse within this window forks a new token instead: two browser tabs
    /// sharing one cookie jar refresh at the same moment.
    Grace(Duration),
}

/// A successful rotation.
#[derive(Debug)]
pub struct Rotated {
    pub session_id: Uuid,
    pub user_id: Uuid,
    pub refresh_token: String,
}

/// A new random token (256 bits, base64url) and the hash that is stored.
fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

/// Only this hash is stored: a leaked table yields no usable token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Issues a token of the family, expiring after [`REFRESH_TTL`] or when the
/// session reaches its absolute end, whichever comes first.
async fn insert_token(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    session_end: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<String, AccountError> {
    let (token, hash) = new_token();
    refresh_tokens::ActiveModel {
        id: Set(Uuid::new_v4()),
        session_id: Set(session_id),
        token_hash: Set(hash),
        created_at: Set(now),
        expires_at: Set((now + REFRESH_TTL).min(session_end)),
        spent_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Starts a family for `user_id` that ends at the latest after `max_age`,
/// and returns its id and first token.
pub async fn start(
    db: &DatabaseConnection,
    user_id: Uuid,
    client: &ClientInfo,
    max_age: Duration,
    now: DateTime<Utc>,
) -> Result<(Uuid, String), AccountError> {
    let txn = crate::db::begin_write(db).await?;
    let session_id = Uuid::new_v4();
    sessions::ActiveModel {
        id: Set(session_id),
        user_id: Set(user_id),
        created_at: Set(now),
        last_used_at: Set(now),
        revoked_at: Set(None),
        revoked_reason: Set(None),
        user_agent: Set(client.user_agent.clone()),
        client_ip: Set(client.ip.clone()),
    }
    .insert(&txn)
    .await?;
    let token = insert_token(&txn, session_id, now + max_age, now).await?;
    txn.commit().await?;
    Ok((session_id, token))
}

/// Whether a session started at `created_at` has outlived `max_age`.
pub fn too_old(created_at: DateTime<Utc>, max_age: Duration, now: DateTime<Utc>) -> bool {
    now >= created_at + max_age
}

/// Spends `presented` and issues its successor in the same family, unless
/// the family is older than `max_age` (then it is ended).
pub async fn rotate(
    db: &DatabaseConnection,
    presented: &str,
    policy: ReusePolicy,
    max_age: Duration,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<Rotated, AccountError> {
    let invalid = AccountError::Unauthenticated("the refresh token is invalid or has expired");
    let Some(token) = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(hash_token(presented)))
        .one(db)
        .await?
    else {
        return Err(invalid);
    };
    let Some(session) = sessions::Entity::find_by_id(token.session_id).one(db).await? else {
        return Err(invalid);
    };
    if session.revoked_at.is_some() {
        return Err(invalid);
    }
    if too_old(session.created_at, max_age, now) {
        revoke(db, session.id, "session lifetime reached", now).await?;
        return Err(AccountError::Unauthenticated(
            "the session has reached its maximum age; sign in again",
        ));
    }
    if token.expires_at <= now {
        return Err(invalid);
    }

    let txn = crate::db::begin_write(db).await?;
    // Spend it only if nobody else did: of two concurrent refreshes, one wins.
    let spent = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::SpentAt, Expr::value(now))
        .filter(refresh_tokens::Column::Id.eq(token.id))
        .filter(refresh_tokens::Column::SpentAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected == 0 {
        let spent_at = refresh_tokens::Entity::find_by_id(token.id)
            .one(&txn)
            .await?
            .and_then(|t| t.spent_at)
            .unwrap_or(now);
        let within_grace = matches!(policy, ReusePolicy::Grace(window) if now - spent_at <= window);
        if !within_grace {
            txn.rollback().await?;
            revoke(db, session.id, "refresh token reuse", now).await?;
            audit::record(
                db,
                AuditEntry::new("auth.refresh_token_reused")
                    .actor(session.user_id)
                    .target("session", session.id.to_string())
                    .client(client),
            )
            .await?;
            tracing::warn!(session_id = %session.id, user_id = %session.user_id, "refresh token reused: family revoked");
            return Err(AccountError::Unauthenticated(
                "the refresh token was already used; the session has been revoked",
            ));
        }
    }
    let refresh_token = insert_token(&txn, session.id, session.created_at + max_age, now).await?;
    sessions::Entity::update_many()
        .col_expr(sessions::Column::LastUsedAt, Expr::value(now))
        .filter(sessions::Column::Id.eq(session.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(Rotated { session_id: session.id, user_id: session.user_id, refresh_token })
}

/// Finds the family of a token, spent or not.
pub async fn session_of(
    db: &impl ConnectionTrait,
    presented: &str,
) -> Result<Option<sessions::Model>, AccountError> {
    let Some(token) = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(hash_token(presented)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(sessions::Entity::find_by_id(token.session_id).one(db).await?)
}

/// Revokes one family; revoking twice keeps the first reason.
pub async fn revoke(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(now))
        .col_expr(sessions::Column::RevokedReason, Expr::value(reason))
        .filter(sessions::Column::Id.eq(session_id))
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Revokes every family of a user (disabled, role changed, password reset).
pub async fn revoke_all(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(now))
        .col_expr(sessions::Column::RevokedReason, Expr::value(reason))
        .filter(sessions::Column::UserId.eq(user_id))
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
