//! The account page: the user's sessions, password and API tokens.

use chrono::Utc;
use domain::accounts::api_tokens::{ApiTokenView, TokenRequest};
use domain::accounts::SessionView;
use kinds::TokenScope;

use super::convert::when;
use super::{accounts, client, parse_id, signed_in};
use crate::dto::{NewToken, SessionItem, TokenItem};
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

fn token_item(view: ApiTokenView) -> TokenItem {
    let now = Utc::now();
    TokenItem {
        id: view.id.to_string(),
        name: view.name,
        prefix: view.prefix,
        scope: view.scope.as_str().to_owned(),
        created: when(view.created_at, now),
        last_used: view.last_used_at.map(|at| when(at, now)),
        expires: view.expires_at.map(|at| when(at, now)),
        by_admin: view.created_by_admin,
    }
}

/// The caller's live API tokens.
pub async fn tokens() -> Result<Vec<TokenItem>, AppError> {
    let caller = signed_in()?;
    Ok(accounts()?.list_api_tokens(&caller).await?.into_iter().map(token_item).collect())
}

/// Makes an API token for the caller; an empty expiry is none.
pub async fn create_token(
    name: String,
    scope: String,
    expires_in_days: String,
) -> Result<NewToken, AppError> {
    let caller = signed_in()?;
    let scope = scope
        .parse::<TokenScope>()
        .map_err(|_| AppError::invalid("scope", format!("Scope: {}", TokenScope::EXPECTED)))?;
    let expires_in_days = match expires_in_days.trim() {
        "" => None,
        days => Some(
            days.parse()
                .map_err(|_| AppError::invalid("expires_in_days", "Expires in: whole days"))?,
        ),
    };
    let request = TokenRequest { name, scope, expires_in_days };
    let made = accounts()?.create_api_token(&caller, request, &client()).await?;
    Ok(NewToken { name: made.view.name, secret: made.secret })
}

/// Revokes one of the caller's API tokens.
pub async fn revoke_token(id: String) -> Result<(), AppError> {
    let caller = signed_in()?;
    accounts()?.revoke_api_token(&caller, parse_id(&id, "token")?, &client()).await?;
    Ok(())
}
