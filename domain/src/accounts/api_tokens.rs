//! API tokens: long-lived credentials for scripts and config-as-code.
//!
//! A token is `rs_` and 43 base64url characters (256 random bits); only its
//! SHA-256 is stored, with its first characters to tell tokens apart. It is
//! shown once, at creation. A token acts as its owner within its scope
//! (read, write, admin — the last for admins only), until it expires, is
//! revoked, or its owner is disabled. Tokens cannot manage credentials
//! (passwords, sessions, tokens): see [`Principal::session`].

use chrono::{DateTime, Duration, Utc};
use kinds::{Role, TokenScope};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;
use uuid::Uuid;

use super::audit::{self, AuditEntry};
use super::sessions::hash_token;
use super::{AccountError, AccountService, AdminGrant, ClientInfo, Credential, Principal};
use crate::entities::{api_tokens, users};

/// What every API token starts with: tells it from a session's access token.
pub const TOKEN_PREFIX: &str = "rs_";
/// Characters of a token kept in clear to tell tokens apart (`rs_` + 5).
const SHOWN_CHARS: usize = 8;
/// The longest a token may live, in days; none: until revoked.
pub const MAX_EXPIRY_DAYS: i64 = 3650;
/// Tokens one user may hold (revoked ones are not counted); the refusal's
/// message says the number.
pub const MAX_TOKENS_PER_USER: u64 = 50;
/// `last_used_at` is written at most this often per token.
const LAST_USED_EVERY: Duration = Duration::minutes(1);

/// A token as its owner sees it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiTokenView {
    pub id: Uuid,
    pub name: String,
    /// The token's first characters, e.g. `rs_Ab3xY`.
    pub prefix: String,
    pub scope: TokenScope,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// An admin made it for this user.
    pub created_by_admin: bool,
}

impl From<api_tokens::Model> for ApiTokenView {
    fn from(t: api_tokens::Model) -> Self {
        Self {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            scope: t.scope,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            created_at: t.created_at,
            created_by_admin: t.created_by.is_some_and(|by| by != t.user_id),
        }
    }
}

/// A new token: its view and the secret, shown this once.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub view: ApiTokenView,
    pub secret: String,
}

/// What a new token is asked to be.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub name: String,
    pub scope: TokenScope,
    /// Days until it expires; none: until revoked.
    pub expires_in_days: Option<i64>,
}

impl TokenRequest {
    fn validated(self, owner_role: Role) -> Result<Self, AccountError> {
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AccountError::invalid("name", "give a name of 1 to 100 characters"));
        }
        if self.scope == TokenScope::Admin && owner_role != Role::Admin {
            return Err(AccountError::Forbidden("only an admin's token may have the admin scope"));
        }
        if let Some(days) = self.expires_in_days {
            if !(1..=MAX_EXPIRY_DAYS).contains(&days) {
                return Err(AccountError::invalid(
                    "expires_in_days",
                    format!("between 1 and {MAX_EXPIRY_DAYS} days, or none"),
                ));
            }
        }
        Ok(Self { name, ..self })
    }
}

/// A fresh secret: `rs_` and 256 random bits in base64url.
fn new_secret() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

impl AccountService {
    /// The caller's own tokens, newest first (revoked ones left out).
    pub async fn list_api_tokens(
        &self,
        principal: &Principal,
    ) -> Result<Vec<ApiTokenView>, AccountError> {
        principal.session()?;
        let rows = api_tokens::Entity::find()
            .filter(api_tokens::Column::UserId.eq(principal.user_id))
            .filter(api_tokens::Column::RevokedAt.is_null())
            .order_by_desc(api_tokens::Column::CreatedAt)
            .order_by_desc(api_tokens::Column::Id)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(ApiTokenView::from).collect())
    }

    /// A token for the caller.
    pub async fn create_api_token(
        &self,
        principal: &Principal,
        request: TokenRequest,
        client: &ClientInfo,
    ) -> Result<NewApiToken, AccountError> {
        principal.session()?;
        self.issue_api_token(principal.user_id, principal.role, principal.user_id, request, client)
            .await
    }

    /// A token an admin makes for `user_id` (audited as the admin's act).
    pub async fn create_api_token_for(
        &self,
        grant: &AdminGrant,
        user_id: Uuid,
        request: TokenRequest,
        client: &ClientInfo,
    ) -> Result<NewApiToken, AccountError> {
        grant.caller().session()?;
        let user = users::Entity::find_by_id(user_id)
            .one(&self.db)
            .await?
            .ok_or(AccountError::UserNotFound)?;
        self.issue_api_token(user.id, user.role, grant.caller().user_id, request, client).await
    }

    async fn issue_api_token(
        &self,
        user_id: Uuid,
        role: Role,
        by: Uuid,
        request: TokenRequest,
        client: &ClientInfo,
    ) -> Result<NewApiToken, AccountError> {
        use sea_orm::{ConnectionTrait, PaginatorTrait, QuerySelect};
        let request = request.validated(role)?;
        // Count and insert as one step per user, so two requests racing for
        // the 50th slot cannot both take it: SQLite's write transactions run
        // one at a time; on Postgres the owner's row is locked until commit.
        let txn = crate::db::begin_write(&self.db).await?;
        if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
            crate::entities::users::Entity::find_by_id(user_id).lock_exclusive().one(&txn).await?;
        }
        let held = api_tokens::Entity::find()
            .filter(api_tokens::Column::UserId.eq(user_id))
            .filter(api_tokens::Column::RevokedAt.is_null())
            .count(&txn)
            .await?;
        if held >= MAX_TOKENS_PER_USER {
            return Err(AccountError::Forbidden("50 live API tokens already; revoke one first"));
        }
        let now = self.clock.now();
        let secret = new_secret();
        let row = api_tokens::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(user_id),
            name: Set(request.name),
            prefix: Set(secret.chars().take(SHOWN_CHARS).collect()),
            token_hash: Set(hash_token(&secret)),
            scope: Set(request.scope),
            expires_at: Set(request.expires_in_days.map(|d| now + Duration::days(d))),
            last_used_at: Set(None),
            created_at: Set(now),
            created_by: Set(Some(by)),
            revoked_at: Set(None),
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            AuditEntry::new("api_token.created")
                .actor(by)
                .target("user", user_id.to_string())
                .details(serde_json::json!({"token_id": row.id, "scope": row.scope}))
                .client(client),
        )
        .await?;
        txn.commit().await?;
        Ok(NewApiToken { view: row.into(), secret })
    }

    /// Revokes one of the caller's tokens; an admin may revoke anyone's.
    /// Someone else's token is not found, like an unknown id; revoking a
    /// revoked one again is a no-op.
    pub async fn revoke_api_token(
        &self,
        principal: &Principal,
        token_id: Uuid,
        client: &ClientInfo,
    ) -> Result<(), AccountError> {
        principal.session()?;
        let token = api_tokens::Entity::find_by_id(token_id)
            .one(&self.db)
            .await?
            .filter(|t| t.user_id == principal.user_id || principal.is_admin())
            .ok_or(AccountError::TokenNotFound)?;
        if token.revoked_at.is_some() {
            return Ok(());
        }
        api_tokens::Entity::update_many()
            .col_expr(api_tokens::Column::RevokedAt, Expr::value(self.clock.now()))
            .filter(api_tokens::Column::Id.eq(token.id))
            .filter(api_tokens::Column::RevokedAt.is_null())
            .exec(&self.db)
            .await?;
        audit::record(
            &self.db,
            AuditEntry::new("api_token.revoked")
                .actor(principal.user_id)
                .target("user", token.user_id.to_string())
                .details(serde_json::json!({"token_id": token.id}))
                .client(client),
        )
        .await
    }

    /// Who an API token belongs to: a live token of an enabled user. The
    /// same answer for an unknown, revoked or expired token.
    pub async fn authenticate_api_token(&self, secret: &str) -> Result<Principal, AccountError> {
        let refused = AccountError::Unauthenticated("the API token is not valid");
        let now = self.clock.now();
        let token = api_tokens::Entity::find()
            .filter(api_tokens::Column::TokenHash.eq(hash_token(secret)))
            .one(&self.db)
            .await?
            .filter(|t| t.revoked_at.is_none() && t.expires_at.is_none_or(|at| at > now))
            .ok_or(refused)?;
        let user = users::Entity::find_by_id(token.user_id)
            .one(&self.db)
            .await?
            .filter(|u| !u.disabled)
            .ok_or(AccountError::Unauthenticated("the API token is not valid"))?;
        // A user who is no longer an admin keeps only what a user may do.
        let scope = match (token.scope, user.role) {
            (TokenScope::Admin, Role::User) => TokenScope::Write,
            (scope, _) => scope,
        };
        if token.last_used_at.is_none_or(|at| now - at >= LAST_USED_EVERY) {
            api_tokens::Entity::update_many()
                .col_expr(api_tokens::Column::LastUsedAt, Expr::value(now))
                .filter(api_tokens::Column::Id.eq(token.id))
                .exec(&self.db)
                .await?;
        }
        // An admin token of an admin acts as the admin; a read or write token
        // of an admin acts as a user (the admin routes need the admin scope).
        let role = if scope == TokenScope::Admin { user.role } else { Role::User };
        Ok(Principal {
            user_id: user.id,
            email: user.email,
            role,
            credential: Credential::ApiToken { id: token.id, scope },
        })
    }
}
