//! The account page: sessions, password and API tokens.

use leptos::prelude::*;

use crate::dto::{NewToken, SessionItem, TokenItem};
use crate::error::AppError;

/// The signed-in user's live sessions, the current one marked.
#[server(prefix = "/rpc", endpoint = "account_sessions")]
pub async fn load_sessions() -> Result<Vec<SessionItem>, AppError> {
    crate::server::account::sessions().await.map_err(crate::server::with_status)
}

/// Ends one of the user's sessions.
#[server(prefix = "/rpc", endpoint = "account_end_session")]
pub async fn end_session(id: String) -> Result<(), AppError> {
    crate::server::account::end_session(id).await.map_err(crate::server::with_status)
}

/// Changes the user's password (the current one is required); their other
/// sessions end, this one stays.
#[server(prefix = "/rpc", endpoint = "account_change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    crate::server::account::change_password(current_password, new_password)
        .await
        .map_err(crate::server::with_status)
}

/// The signed-in user's live API tokens.
#[server(prefix = "/rpc", endpoint = "account_tokens")]
pub async fn load_tokens() -> Result<Vec<TokenItem>, AppError> {
    crate::server::account::tokens().await.map_err(crate::server::with_status)
}

/// Makes an API token; its secret is in the answer, once.
#[server(prefix = "/rpc", endpoint = "account_create_token")]
pub async fn create_token(
    name: String,
    scope: String,
    expires_in_days: String,
) -> Result<NewToken, AppError> {
    crate::server::account::create_token(name, scope, expires_in_days)
        .await
        .map_err(crate::server::with_status)
}

/// Revokes one of the user's API tokens.
#[server(prefix = "/rpc", endpoint = "account_revoke_token")]
pub async fn revoke_token(id: String) -> Result<(), AppError> {
    crate::server::account::revoke_token(id).await.map_err(crate::server::with_status)
}
