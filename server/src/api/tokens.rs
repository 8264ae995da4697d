//! API tokens: the caller's own (list, create, revoke) and an admin's for
//! another user. Managing tokens needs a signed-in session, not a token.

use axum::extract::State;
use domain::accounts::api_tokens::{ApiTokenView, NewApiToken, TokenRequest};
use kinds::TokenScope;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::envelope::{Envelope, NoData};
use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Path};
use crate::auth::{Admin, Auth, Client};
use crate::state::AppState;

/// A token to make.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiTokenCreate {
    /// What it is for, 1 to 100 characters.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: String,
    /// `read` (GET and HEAD only), `write`, or `admin` (an admin's token only).
    pub scope: TokenScope,
    /// Days until it expires, 1 to 3650; absent or null: until revoked.
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<i64>,
}

/// A token as listed: never the secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenBody {
    pub id: Uuid,
    pub name: String,
    /// The token's first characters, e.g. `rs_Ab3xY`.
    pub prefix: String,
    pub scope: TokenScope,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// An admin made it for this user.
    pub created_by_admin: bool,
    /// The whole token (`rs_…`), in the answer that creates it only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl From<ApiTokenView> for ApiTokenBody {
    fn from(t: ApiTokenView) -> Self {
        Self {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            scope: t.scope,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            created_at: t.created_at,
            created_by_admin: t.created_by_admin,
            token: None,
        }
    }
}

impl From<NewApiToken> for ApiTokenBody {
    fn from(new: NewApiToken) -> Self {
        Self { token: Some(new.secret), ..Self::from(new.view) }
    }
}

/// The caller's tokens, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokensBody {
    pub tokens: Vec<ApiTokenBody>,
}

fn request(body: ApiTokenCreate) -> TokenRequest {
    TokenRequest { name: body.name, scope: body.scope, expires_in_days: body.expires_in_days }
}

/// The caller's live tokens (revoked ones are gone).
#[utoipa::path(get, path = "/account/tokens", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Envelope<ApiTokensBody>), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "called with an API token: tokens are managed from a sign-in")))]
pub async fn list_tokens(
    State(state): State<AppState>,
    Auth(principal): Auth,
) -> Result<Envelope<ApiTokensBody>, ApiError> {
    let tokens = state.accounts.list_api_tokens(&principal).await?;
    Ok(Envelope::ok(ApiTokensBody { tokens: tokens.into_iter().map(Into::into).collect() }))
}

/// Makes a token for the caller; `token` holds it, in this answer only.
#[utoipa::path(post, path = "/account/tokens", tag = "account", security(("bearer" = [])),
    request_body = ApiTokenCreate,
    responses((status = 201, body = Envelope<ApiTokenBody>), (status = 400, body = ErrorBody, description = "bad JSON, or a bad name or expiry (`field` names it)"),
              (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "called with an API token (tokens are managed from a sign-in), the `admin` scope for a non-admin, or 50 live tokens already")))]
pub async fn create_token(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Client(client): Client,
    Json(body): Json<ApiTokenCreate>,
) -> Result<Envelope<ApiTokenBody>, ApiError> {
    let made = state.accounts.create_api_token(&principal, request(body), &client).await?;
    Ok(Envelope::created(ApiTokenBody::from(made))
        .with_message("store the token now: it is not shown again"))
}

/// Revokes one of the caller's tokens (an admin: anyone's). Revoking a
/// revoked token again succeeds.
#[utoipa::path(delete, path = "/account/tokens/{id}", tag = "account", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the token's id")),
    responses((status = 200, body = Envelope<NoData>), (status = 400, body = ErrorBody, description = "the id is not a UUID"),
              (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "called with an API token: tokens are managed from a sign-in"),
              (status = 404, body = ErrorBody, description = "no such token of the caller")))]
pub async fn revoke_token(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Client(client): Client,
    Path(id): Path<Uuid>,
) -> Result<Envelope<NoData>, ApiError> {
    state.accounts.revoke_api_token(&principal, id, &client).await?;
    Ok(Envelope::ok(NoData).with_message("token revoked"))
}

/// Makes a token for another user (an admin only); `token` holds it, in this
/// answer only. The user sees it in their list, marked as made by an admin.
#[utoipa::path(post, path = "/admin/users/{id}/tokens", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the user's id")),
    request_body = ApiTokenCreate,
    responses((status = 201, body = Envelope<ApiTokenBody>), (status = 400, body = ErrorBody, description = "bad JSON, or a bad name or expiry (`field` names it)"),
              (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "not an admin, called with an API token, the `admin` scope for a non-admin user, or 50 live tokens already"),
              (status = 404, body = ErrorBody, description = "no such user")))]
pub async fn create_token_for(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Client(client): Client,
    Path(id): Path<Uuid>,
    Json(body): Json<ApiTokenCreate>,
) -> Result<Envelope<ApiTokenBody>, ApiError> {
    let made = state.accounts.create_api_token_for(&admin, id, request(body), &client).await?;
    Ok(Envelope::created(ApiTokenBody::from(made))
        .with_message("hand the token over now: it is not shown again"))
}
