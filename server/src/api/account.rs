//! The caller's own account: change the password, list and end sessions.

use axum::extract::State;
use domain::accounts::SessionView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::envelope::{Envelope, NoData};
use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Path};
use crate::auth::{Auth, Client};
use crate::state::AppState;

/// A password change: the current password, and the new one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    /// 8 to 128 characters, not only spaces.
    #[schema(min_length = 8, max_length = 128, pattern = r"\S")]
    pub new_password: String,
}

/// One of the caller's live sessions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionBody {
    pub id: Uuid,
    /// When the user signed in.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The last refresh of its tokens.
    pub last_used_at: chrono::DateTime<chrono::Utc>,
    /// When it ends at the latest (the absolute lifetime).
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub user_agent: Option<String>,
    pub client_ip: Option<String>,
    /// The session this request was made with.
    pub current: bool,
}

impl From<SessionView> for SessionBody {
    fn from(s: SessionView) -> Self {
        Self {
            id: s.id,
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            expires_at: s.expires_at,
            user_agent: s.user_agent,
            client_ip: s.client_ip,
            current: s.current,
        }
    }
}

/// The caller's sessions, most recently used first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionsBody {
    pub sessions: Vec<SessionBody>,
}

/// Changes the caller's password. Every other session of the caller ends;
/// the one making the request stays signed in.
#[utoipa::path(post, path = "/account/password", tag = "account", security(("bearer" = [])),
    request_body = PasswordChange,
    responses((status = 200, body = Envelope<NoData>), (status = 400, body = ErrorBody, description = "bad JSON, unknown field, or a new password outside the policy or equal to the current one"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "the current password is wrong"),
              (status = 429, body = ErrorBody, description = "too many wrong current passwords")))]
pub async fn change_password(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Client(client): Client,
    Json(body): Json<PasswordChange>,
) -> Result<Envelope<NoData>, ApiError> {
    state
        .accounts
        .change_password(&principal, &body.current_password, &body.new_password, &client)
        .await?;
    Ok(Envelope::ok(NoData).with_message("password changed; your other sessions have ended"))
}

/// The caller's live sessions; `current` marks the one making the request.
#[utoipa::path(get, path = "/account/sessions", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Envelope<SessionsBody>), (status = 401, body = ErrorBody)))]
pub async fn list_sessions(
    State(state): State<AppState>,
    Auth(principal): Auth,
) -> Result<Envelope<SessionsBody>, ApiError> {
    let sessions = state.accounts.list_sessions(&principal).await?;
    Ok(Envelope::ok(SessionsBody { sessions: sessions.into_iter().map(Into::into).collect() }))
}

/// Ends one of the caller's sessions (the current one too: that signs out).
/// Ending an ended session again succeeds.
#[utoipa::path(delete, path = "/account/sessions/{id}", tag = "account", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the session's id")),
    responses((status = 200, body = Envelope<NoData>), (status = 400, body = ErrorBody, description = "the id is not a UUID"),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such session of the caller")))]
pub async fn end_session(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<NoData>, ApiError> {
    state.accounts.end_own_session(&principal, id).await?;
    Ok(Envelope::ok(NoData).with_message("session ended"))
}
