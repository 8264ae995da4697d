//! Administration: listing, changing and deleting users, creating them from
//! the command line, resetting passwords. Every change is audited.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::audit::{self, AuditEntry};
use super::{
    sessions, AccountError, AccountService, ClientInfo, Email, Password, Principal, Role, UserView,
};
use crate::entities::{monitors, users};

/// A user as an admin sees them.
#[derive(Debug, Clone)]
pub struct AdminUserView {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub disabled: bool,
    pub monitor_count: i64,
}

/// What an admin may change about a user; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

impl AccountService {
    /// Every user, oldest first, with their monitor counts.
    pub async fn list_users(&self) -> Result<Vec<AdminUserView>, AccountError> {
        let counts: HashMap<Uuid, i64> = monitors::Entity::find()
            .select_only()
            .column(monitors::Column::OwnerId)
            .column_as(monitors::Column::Id.count(), "count")
            .group_by(monitors::Column::OwnerId)
            .into_tuple::<(Uuid, i64)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        let users =
            users::Entity::find().order_by_asc(users::Column::CreatedAt).all(&self.db).await?;
        Ok(users
            .iter()
            .map(|user| admin_view(user, counts.get(&user.id).copied().unwrap_or(0)))
            .collect())
    }

    /// Changes a user's role or disabled flag. Either change ends the user's
    /// sessions; the last enabled admin cannot be demoted or disabled.
    pub async fn update_user(
        &self,
        actor: &Principal,
        id: Uuid,
        changes: UserChanges,
        client: &ClientInfo,
    ) -> Result<AdminUserView, AccountError> {
        let txn = crate::db::begin_write(&self.db).await?;
        // Lock first, read after: the user is then read as the last writer left it.
        let admins = lock_enabled_admins(&txn).await?;
        let user =
            users::Entity::find_by_id(id).one(&txn).await?.ok_or(AccountError::UserNotFound)?;
        let role = changes.role.unwrap_or(user.role);
        let disabled = changes.disabled.unwrap_or(user.disabled);
        let loses_admin =
            user.role == Role::Admin && !user.disabled && (role != Role::Admin || disabled);
        if loses_admin && admins <= 1 {
            return Err(AccountError::Conflict(
                "the last enabled admin cannot be demoted or disabled",
            ));
        }
        let changed = role != user.role || disabled != user.disabled;
        if changed {
            let now = Utc::now();
            users::Entity::update_many()
                .col_expr(users::Column::Role, Expr::value(role))
                .col_expr(users::Column::Disabled, Expr::value(disabled))
                .col_expr(
                    users::Column::TokenVersion,
                    Expr::col(users::Column::TokenVersion).add(1),
                )
                .col_expr(users::Column::UpdatedAt, Expr::value(now))
                .filter(users::Column::Id.eq(id))
                .exec(&txn)
                .await?;
            sessions::revoke_all(&txn, id, "account changed by an admin", now).await?;
            audit::record(
                &txn,
                AuditEntry::new("admin.user_updated")
                    .actor(actor.user_id)
                    .target("user", id.to_string())
                    .details(serde_json::json!({
                        "role": {"from": user.role, "to": role.as_str()},
                        "disabled": {"from": user.disabled, "to": disabled},
                    }))
                    .client(client),
            )
            .await?;
        }
        txn.commit().await?;
        let user =
            users::Entity::find_by_id(id).one(&self.db).await?.ok_or(AccountError::UserNotFound)?;
        let monitor_count = monitors::Entity::find()
            .filter(monitors::Column::OwnerId.eq(id))
            .count(&self.db)
            .await?;
        Ok(admin_view(&user, i64::try_from(monitor_count).unwrap_or(i64::MAX)))
    }

    /// Deletes a user with everything they own. Admins cannot delete themselves.
    pub async fn delete_user(
        &self,
        actor: &Principal,
        id: Uuid,
        client: &ClientInfo,
    ) -> Result<(), AccountError> {
        if actor.user_id == id {
            return Err(AccountError::Conflict("admins cannot delete their own account"));
        }
        let txn = crate::db::begin_write(&self.db).await?;
        let admins = lock_enabled_admins(&txn).await?;
        let user =
            users::Entity::find_by_id(id).one(&txn).await?.ok_or(AccountError::UserNotFound)?;
        if user.role == Role::Admin && !user.disabled && admins <= 1 {
            return Err(AccountError::Conflict("the last enabled admin cannot be deleted"));
        }
        users::Entity::delete_by_id(id).exec(&txn).await?;
        audit::record(
            &txn,
            AuditEntry::new("admin.user_deleted")
                .actor(actor.user_id)
                .target("user", id.to_string())
                .details(serde_json::json!({ "email": user.email }))
                .client(client),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Creates a user from the command line or start-up bootstrap.
    pub async fn create_user(
        &self,
        email: &str,
        password: &str,
        role: Role,
    ) -> Result<UserView, AccountError> {
        let email = Email::parse(email)?;
        let password = Password::parse(password)?;
        let user = self.insert_user(&email, &password, role).await?;
        audit::record(
            &self.db,
            AuditEntry::new("admin.user_created").target("user", user.id.to_string()).details(
                serde_json::json!({ "email": user.email, "role": role.as_str(), "via": "cli" }),
            ),
        )
        .await?;
        Ok(user)
    }

    /// Creates the configured admin on start-up unless that email exists.
    /// Returns whether an account was created.
    pub async fn ensure_admin(&self, email: &str, password: &str) -> Result<bool, AccountError> {
        match self.create_user(email, password, Role::Admin).await {
            Ok(_) => Ok(true),
            Err(AccountError::EmailTaken) => Ok(false),
            Err(err) => Err(err),
        }
    }

    /// Sets a new password and ends every session of the user.
    pub async fn reset_password(&self, email: &str, password: &str) -> Result<(), AccountError> {
        let email = Email::parse(email)?;
        let password = Password::parse(password)?;
        let hash = self.hash(&password).await?;
        let txn = crate::db::begin_write(&self.db).await?;
        let user = users::Entity::find()
            .filter(users::Column::Email.eq(email.as_str()))
            .one(&txn)
            .await?
            .ok_or(AccountError::UserNotFound)?;
        let now = Utc::now();
        users::Entity::update_many()
            .col_expr(users::Column::PasswordHash, Expr::value(hash))
            .col_expr(users::Column::TokenVersion, Expr::col(users::Column::TokenVersion).add(1))
            .col_expr(users::Column::UpdatedAt, Expr::value(now))
            .filter(users::Column::Id.eq(user.id))
            .exec(&txn)
            .await?;
        sessions::revoke_all(&txn, user.id, "password reset", now).await?;
        audit::record(
            &txn,
            AuditEntry::new("admin.password_reset").target("user", user.id.to_string()),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}

/// Counts the enabled admins, locking their rows until the transaction
/// ends. On Postgres (READ COMMITTED) two concurrent demotions of the last
/// two admins would each count two and both succeed; with `FOR UPDATE` the
/// second waits for the first, then re-reads the rows and counts one. SQLite
/// needs no lock: its write transactions (`BEGIN IMMEDIATE`) run one at a time.
async fn lock_enabled_admins(txn: &sea_orm::DatabaseTransaction) -> Result<usize, AccountError> {
    use sea_orm::ConnectionTrait;
    let query = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(users::Column::Role.eq(Role::Admin))
        .filter(users::Column::Disabled.eq(false))
        // One order for every locker, so two of them cannot deadlock.
        .order_by_asc(users::Column::Id);
    let query = match txn.get_database_backend() {
        sea_orm::DbBackend::Postgres => query.lock_exclusive(),
        _ => query,
    };
    Ok(query.into_tuple::<Uuid>().all(txn).await?.len())
}

fn admin_view(user: &users::Model, monitor_count: i64) -> AdminUserView {
    AdminUserView {
        id: user.id,
        email: user.email.clone(),
        role: user.role,
        created_at: user.created_at,
        disabled: user.disabled,
        monitor_count,
    }
}
