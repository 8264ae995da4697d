//! The account page: sessions and password.

use leptos::prelude::*;

use crate::dto::SessionItem;
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
