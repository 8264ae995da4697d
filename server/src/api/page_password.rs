//! A status page's password (`/status-pages/{id}/password`): set, change or
//! remove it. The password is never read back; the answer says only whether
//! the page is protected ([status-pages.md](../../../docs/status-pages.md#password-protection)).

use axum::extract::State;
use domain::monitors::{Read, Write};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::envelope::Envelope;
use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Path};
use crate::auth::Auth;
use crate::state::AppState;

/// The page's new password, or `null` to remove it.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = StatusPagePasswordRequest)]
#[serde(deny_unknown_fields)]
pub struct PasswordRequest {
    /// 8 to 128 characters; `null` makes the page public again.
    pub password: Option<String>,
}

/// Whether visitors need a password.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StatusPagePassword)]
pub struct PasswordBody {
    pub protected: bool,
}

/// Whether a page needs a password.
#[utoipa::path(get, operation_id = "get_status_page_password", path = "/status-pages/{id}/password", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<PasswordBody>), (status = 404, body = ErrorBody, description = "no such page, or another user's")))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<PasswordBody>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Read).await?;
    Ok(Envelope::ok(PasswordBody { protected: state.status_pages.is_protected(&page).await? }))
}

/// Sets, changes or removes a page's password; passes given before stop working.
#[utoipa::path(put, operation_id = "set_status_page_password", path = "/status-pages/{id}/password", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id")), request_body = PasswordRequest, security(("bearer" = [])),
    responses((status = 200, body = Envelope<PasswordBody>), (status = 404, body = ErrorBody, description = "no such page, or another user's"),
              (status = 422, body = ErrorBody, description = "`field`: `password` (8 to 128 characters)"),
              (status = 503, body = ErrorBody, description = "the password hashing gate is full; retry shortly")))]
pub async fn set(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Json(request): Json<PasswordRequest>,
) -> Result<Envelope<PasswordBody>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Write).await?;
    let protected = state.status_pages.set_password(&page, request.password.as_deref()).await?;
    Ok(Envelope::ok(PasswordBody { protected }))
}
