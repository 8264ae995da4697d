//! The account page: the user's sessions and password.

use chrono::Utc;
use domain::accounts::SessionView;

use super::convert::when;
use super::{accounts, client, parse_id, signed_in};
use crate::dto::SessionItem;
use crate::error::AppError;

/// The longest user agent the page shows.
const CLIENT_CHARS: usize = 80;

fn item(view: SessionView) -> SessionItem {
    let now = Utc::now();
    let client = view.user_agent.as_deref().map(str::trim).filter(|ua| !ua.is_empty());
    SessionItem {
        id: view.id.to_string(),
        signed_in: when(view.created_at, now),
        last_used: when(view.last_used_at, now),
        ends: when(view.expires_at, now),
        client: client.map_or_else(
            || "Unknown client".to_owned(),
            |ua| ua.chars().take(CLIENT_CHARS).collect(),
        ),
        address: view.client_ip.unwrap_or_default(),
        current: view.current,
    }
}

/// The caller's live sessions, the current one marked.
pub async fn sessions() -> Result<Vec<SessionItem>, AppError> {
    let caller = signed_in()?;
    Ok(accounts()?.list_sessions(&caller).await?.into_iter().map(item).collect())
}

/// Ends one of the caller's sessions.
pub async fn end_session(id: String) -> Result<(), AppError> {
    let caller = signed_in()?;
    accounts()?.end_own_session(&caller, parse_id(&id, "session")?).await?;
    Ok(())
}

/// Changes the caller's password; their other sessions end.
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let caller = signed_in()?;
    accounts()?.change_password(&caller, &current_password, &new_password, &client()).await?;
    Ok(())
}
