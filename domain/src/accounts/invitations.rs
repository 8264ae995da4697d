//! Invitations: on an invite-only server, an admin creates a single-use token
//! (optionally bound to one email) that a new user signs up with.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::audit::{self, AuditEntry};
use super::service::insert_user_row;
use super::sessions::hash_token;
use super::{AccountError, AccountService, ClientInfo, Email, Password, Principal, Role, UserView};
use crate::entities::invitations;

/// How long an invitation stays valid.
const INVITATION_TTL: Duration = Duration::days(7);

/// A new invitation: the token is shown once, only its hash is kept.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: Uuid,
    pub token: String,
    pub email: Option<String>,
    pub expires_at: DateTime<Utc>,
}

impl AccountService {
    /// Creates an invitation, for anyone or for one address.
    pub async fn invite(
        &self,
        actor: &Principal,
        email: Option<&str>,
        client: &ClientInfo,
    ) -> Result<Invitation, AccountError> {
        let email = email.map(Email::parse).transpose()?;
        let token = format!("inv_{}", Uuid::new_v4().simple());
        let now = Utc::now();
        let invitation = invitations::ActiveModel {
            id: Set(Uuid::new_v4()),
            email: Set(email.as_ref().map(|e| e.as_str().to_owned())),
            token_hash: Set(hash_token(&token)),
            created_by: Set(Some(actor.user_id)),
            created_at: Set(now),
            expires_at: Set(now + INVITATION_TTL),
            used_at: Set(None),
            used_by: Set(None),
        }
        .insert(&self.db)
        .await?;
        audit::record(
            &self.db,
            AuditEntry::new("admin.invitation_created")
                .actor(actor.user_id)
                .target("invitation", invitation.id.to_string())
                .details(serde_json::json!({ "email": invitation.email }))
                .client(client),
        )
        .await?;
        Ok(Invitation {
            id: invitation.id,
            token,
            email: invitation.email,
            expires_at: invitation.expires_at,
        })
    }
}

/// The unspent, unexpired invitation `token` names, if it admits `email`.
async fn find_valid(
    db: &impl sea_orm::ConnectionTrait,
    token: &str,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<invitations::Model, AccountError> {
    invitations::Entity::find()
        .filter(invitations::Column::TokenHash.eq(hash_token(token)))
        .one(db)
        .await?
        .filter(|i| i.used_at.is_none() && i.expires_at > now)
        .filter(|i| i.email.as_deref().is_none_or(|bound| bound == email.as_str()))
        .ok_or(AccountError::InvitationRequired)
}

/// Signs a user up with an invitation, spending it in the same transaction.
/// The invitation is checked before the password is hashed, so requests
/// without a valid one cost no Argon2 work; it is checked again in the
/// transaction that spends it.
pub(super) async fn redeem(
    service: &AccountService,
    token: &str,
    email: &Email,
    password: &Password,
) -> Result<UserView, AccountError> {
    find_valid(&service.db, token, email, Utc::now()).await?;
    let hash = service.hash(password).await?;
    let txn = crate::db::begin_write(&service.db).await?;
    let now = Utc::now();
    let invitation = find_valid(&txn, token, email, now).await?;
    let user = insert_user_row(&txn, email, hash, Role::User).await?;
    let spent = invitations::Entity::update_many()
        .col_expr(invitations::Column::UsedAt, Expr::value(now))
        .col_expr(invitations::Column::UsedBy, Expr::value(user.id))
        .filter(invitations::Column::Id.eq(invitation.id))
        .filter(invitations::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        return Err(AccountError::InvitationRequired);
    }
    txn.commit().await?;
    Ok(user)
}
