//! What users do to their own account: change their password, list their
//! sessions (sign-ins) and end any of them.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::audit::{self, AuditEntry};
use super::service::throttled;
use super::sessions::REFRESH_TTL;
use super::throttle::account_client_key;
use super::{sessions, AccountError, AccountService, ClientInfo, Credential, Password, Principal};
use crate::entities::{sessions as session_rows, users};

/// One of the caller's live sessions, as they see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionView {
    pub id: Uuid,
    /// When the user signed in.
    pub created_at: DateTime<Utc>,
    /// The last refresh (browsers refresh every ten minutes while in use).
    pub last_used_at: DateTime<Utc>,
    /// When it ends at the latest: the absolute lifetime.
    pub expires_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub client_ip: Option<String>,
    /// The session this request was made with.
    pub current: bool,
}

impl AccountService {
    /// The caller's live sessions, the most recently used first.
    pub async fn list_sessions(
        &self,
        principal: &Principal,
    ) -> Result<Vec<SessionView>, AccountError> {
        principal.session()?;
        let now = self.clock.now();
        let rows = session_rows::Entity::find()
            .filter(session_rows::Column::UserId.eq(principal.user_id))
            .filter(session_rows::Column::RevokedAt.is_null())
            .filter(session_rows::Column::CreatedAt.gt(now - self.max_age))
            // Unused that long, its last refresh token has expired.
            .filter(session_rows::Column::LastUsedAt.gt(now - REFRESH_TTL))
            .order_by_desc(session_rows::Column::LastUsedAt)
            .order_by_desc(session_rows::Column::Id)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|s| SessionView {
                id: s.id,
                created_at: s.created_at,
                last_used_at: s.last_used_at,
                expires_at: s.created_at + self.max_age,
                user_agent: s.user_agent,
                client_ip: s.client_ip,
                current: Credential::Session(s.id) == principal.credential,
            })
            .collect())
    }

    /// Ends one of the caller's sessions; ending an ended one again is a
    /// no-op. Someone else's session is not found, like an unknown id.
    pub async fn end_own_session(
        &self,
        principal: &Principal,
        session_id: Uuid,
    ) -> Result<(), AccountError> {
        principal.session()?;
        session_rows::Entity::find_by_id(session_id)
            .filter(session_rows::Column::UserId.eq(principal.user_id))
            .one(&self.db)
            .await?
            .ok_or(AccountError::SessionNotFound)?;
        sessions::revoke(&self.db, session_id, "ended by the user", self.clock.now()).await
    }

    /// Sets a new password after checking the current one, and ends every
    /// other session of the user; the one making the request stays. Wrong
    /// current passwords count against the account's sign-in limit, so a
    /// stolen session cannot guess its way to the password.
    pub async fn change_password(
        &self,
        principal: &Principal,
        current: &str,
        new: &str,
        client: &ClientInfo,
    ) -> Result<(), AccountError> {
        let this_session = principal.session()?;
        let pair_key = account_client_key(&principal.email, client.key());
        let limit = &self.limits.signin_per_account_client;
        self.limiter.check(limit, &pair_key).await?.map_err(throttled)?;
        let new_password = Password::parse(new).map_err(|e| e.about("new_password"))?;
        let user = users::Entity::find_by_id(principal.user_id)
            .one(&self.db)
            .await?
            .ok_or(AccountError::UserNotFound)?;
        if !self.hasher.verify(current, Some(&user.password_hash)).await? {
            self.limiter.hit(limit, &pair_key).await?;
            return Err(AccountError::WrongPassword);
        }
        if current == new {
            return Err(AccountError::invalid(
                "new_password",
                "new password must differ from the current one",
            ));
        }
        let hash = self.hasher.hash(&new_password).await?;
        let now = self.clock.now();
        let txn = crate::db::begin_write(&self.db).await?;
        users::Entity::update_many()
            .col_expr(users::Column::PasswordHash, Expr::value(hash))
            .col_expr(users::Column::UpdatedAt, Expr::value(now))
            .filter(users::Column::Id.eq(user.id))
            .exec(&txn)
            .await?;
        // The other sessions end; access tokens check their session on every
        // request, so they stop at once. The user's token version stays, so
        // this session's access token keeps working.
        session_rows::Entity::update_many()
            .col_expr(session_rows::Column::RevokedAt, Expr::value(now))
            .col_expr(session_rows::Column::RevokedReason, Expr::value("password changed"))
            .filter(session_rows::Column::UserId.eq(user.id))
            .filter(session_rows::Column::Id.ne(this_session))
            .filter(session_rows::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            AuditEntry::new("auth.password_changed")
                .actor(user.id)
                .target("user", user.id.to_string())
                .client(client),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
