//! The RunState v1 account routes: sign-up, sign-in, me, refresh, logout.

use domain::accounts::sessions::ReusePolicy;
use domain::accounts::{Role, TokenPair, UserView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::envelope::{Envelope, NoData};
use super::error::ApiError;
use super::extract::Json;
use crate::auth::{Auth, Client};
use crate::state::AppState;
use axum::extract::State;

/// Credentials for sign-up and sign-in.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Credentials {
    /// Case-insensitive; at most 254 characters.
    #[schema(
        max_length = 254,
        pattern = r"^\s*[^@\s\x00-\x1f\x7f-\x9f]{1,64}@[^\W_]+(?:-+[^\W_]+)*(?:\.[^\W_]+(?:-+[^\W_]+)*)+\s*$"
    )]
    pub email: String,
    /// 8 to 128 characters, not only spaces.
    #[schema(min_length = 8, max_length = 128, pattern = r"\S")]
    pub password: String,
    /// Required when sign-up is invite-only.
    #[serde(default)]
    pub invitation: Option<String>,
}

/// A refresh token, for refresh and logout.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// A user as the RunState contract shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserBody {
    pub id: uuid::Uuid,
    pub email: String,
    pub role: Role,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<UserView> for UserBody {
    fn from(user: UserView) -> Self {
        Self { id: user.id, email: user.email, role: user.role, created_at: user.created_at }
    }
}

/// A token pair, and on sign-in the user it belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokensBody {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<UserBody>,
}

impl TokensBody {
    fn new(pair: TokenPair, user: Option<UserView>) -> Self {
        Self {
            access_token: pair.access_token,
            refresh_token: pair.refresh_token,
            token_type: pair.token_type.to_owned(),
            expires_in: pair.expires_in,
            user: user.map(UserBody::from),
        }
    }
}

/// Creates an account. Every attempt counts against the client's sign-up
/// limit (429 beyond it); 503 when too many passwords are being hashed.
#[utoipa::path(post, path = "/signup", tag = "auth", request_body = Credentials,
    responses((status = 201, body = Envelope<UserBody>), (status = 400, body = super::error::ErrorBody),
              (status = 403, body = super::error::ErrorBody),
              (status = 409, body = super::error::ErrorBody),
              (status = 429, body = super::error::ErrorBody),
              (status = 503, body = super::error::ErrorBody)))]
pub async fn signup(
    State(state): State<AppState>,
    Client(client): Client,
    Json(body): Json<Credentials>,
) -> Result<Envelope<UserBody>, ApiError> {
    let invitation = body.invitation.as_deref();
    let user = state.accounts.signup(&body.email, &body.password, invitation, &client).await?;
    Ok(Envelope::created(user.into()).with_message("account created"))
}

/// Signs in and returns a token pair. 429 when the client, or this account
/// from this client, has used up its attempts; 503 when too many passwords
/// are being checked.
#[utoipa::path(post, path = "/signin", tag = "auth", request_body = Credentials,
    responses((status = 200, body = Envelope<TokensBody>), (status = 400, body = super::error::ErrorBody),
              (status = 401, body = super::error::ErrorBody),
              (status = 429, body = super::error::ErrorBody),
              (status = 503, body = super::error::ErrorBody)))]
pub async fn signin(
    State(state): State<AppState>,
    Client(client): Client,
    Json(body): Json<Credentials>,
) -> Result<Envelope<TokensBody>, ApiError> {
    let (pair, user) = state.accounts.signin(&body.email, &body.password, &client).await?;
    Ok(Envelope::ok(TokensBody::new(pair, Some(user))))
}

/// The caller's account.
#[utoipa::path(get, path = "/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Envelope<UserBody>), (status = 401, body = super::error::ErrorBody)))]
pub async fn me(
    State(state): State<AppState>,
    Auth(principal): Auth,
) -> Result<Envelope<UserBody>, ApiError> {
    Ok(Envelope::ok(state.accounts.me(&principal).await?.into()))
}

/// Spends a refresh token for a new pair. Presenting a spent token again is
/// 401 and revokes its whole family.
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = Envelope<TokensBody>), (status = 401, body = super::error::ErrorBody)))]
pub async fn refresh(
    State(state): State<AppState>,
    Client(client): Client,
    Json(body): Json<RefreshRequest>,
) -> Result<Envelope<TokensBody>, ApiError> {
    let pair = state.accounts.refresh(&body.refresh_token, ReusePolicy::Strict, &client).await?;
    Ok(Envelope::ok(TokensBody::new(pair, None)))
}

/// Ends the session (family) of a refresh token.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = Envelope<NoData>), (status = 401, body = super::error::ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    Json(body): Json<RefreshRequest>,
) -> Result<Envelope<NoData>, ApiError> {
    state.accounts.logout(&body.refresh_token).await?;
    Ok(Envelope::ok(NoData).with_message("signed out"))
}
