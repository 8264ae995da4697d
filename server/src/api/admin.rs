//! Admin routes over users: list, change role or disabled, delete, invite.

use axum::extract::State;
use domain::accounts::{AdminUserView, Invitation, Role, UserChanges};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::envelope::{Envelope, NoData};
use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Path};
use crate::auth::{Admin, Client};
use crate::state::AppState;

/// A user as admins see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminUserBody {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub disabled: bool,
    pub monitor_count: i64,
}

impl From<AdminUserView> for AdminUserBody {
    fn from(user: AdminUserView) -> Self {
        Self {
            id: user.id,
            email: user.email,
            role: user.role,
            created_at: user.created_at,
            disabled: user.disabled,
            monitor_count: user.monitor_count,
        }
    }
}

/// The changes an admin asks for; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// `USER` or `ADMIN`.
    #[schema(value_type = Option<String>, pattern = "^(USER|ADMIN)$")]
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

/// Who an invitation is for; anyone when absent.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct InvitationRequest {
    #[schema(
        max_length = 254,
        pattern = r"^\s*[^@\s\x00-\x1f\x7f-\x9f]{1,64}@[^\W_]+(?:-+[^\W_]+)*(?:\.[^\W_]+(?:-+[^\W_]+)*)+\s*$"
    )]
    pub email: Option<String>,
}

/// A new invitation; the token is shown only here.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationBody {
    pub id: Uuid,
    pub token: String,
    pub email: Option<String>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

impl From<Invitation> for InvitationBody {
    fn from(i: Invitation) -> Self {
        Self { id: i.id, token: i.token, email: i.email, expires_at: i.expires_at }
    }
}

/// Every user (ADMIN only).
#[utoipa::path(get, path = "/admin/users", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Vec<AdminUserBody>>), (status = 403, body = ErrorBody)))]
pub async fn list_users(
    State(state): State<AppState>,
    Admin(_): Admin,
) -> Result<Envelope<Vec<AdminUserBody>>, ApiError> {
    let users = state.accounts.list_users().await?;
    Ok(Envelope::ok(users.into_iter().map(AdminUserBody::from).collect()))
}

/// Changes a user's role or disabled flag; their sessions end.
#[utoipa::path(patch, path = "/admin/users/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user's id")), request_body = UserPatch,
    responses((status = 200, body = Envelope<AdminUserBody>), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn update_user(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Client(client): Client,
    Path(id): Path<Uuid>,
    Json(patch): Json<UserPatch>,
) -> Result<Envelope<AdminUserBody>, ApiError> {
    let changes = UserChanges { role: patch.role, disabled: patch.disabled };
    let user = state.accounts.update_user(admin.caller(), id, changes, &client).await?;
    Ok(Envelope::ok(user.into()))
}

/// Deletes a user and everything they own.
#[utoipa::path(delete, path = "/admin/users/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user's id")),
    responses((status = 200, body = Envelope<NoData>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
pub async fn delete_user(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Client(client): Client,
    Path(id): Path<Uuid>,
) -> Result<Envelope<NoData>, ApiError> {
    state.accounts.delete_user(admin.caller(), id, &client).await?;
    Ok(Envelope::ok(NoData).with_message("user deleted"))
}

/// Creates a sign-up invitation (for invite-only servers).
#[utoipa::path(post, path = "/admin/invitations", tag = "admin", security(("bearer" = [])),
    request_body = InvitationRequest,
    responses((status = 201, body = Envelope<InvitationBody>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn invite(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Client(client): Client,
    Json(body): Json<InvitationRequest>,
) -> Result<Envelope<InvitationBody>, ApiError> {
    let invitation = state.accounts.invite(admin.caller(), body.email.as_deref(), &client).await?;
    Ok(Envelope::created(invitation.into()))
}
