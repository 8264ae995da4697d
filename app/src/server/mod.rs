//! The server side of the server functions (compiled with `ssr` only): reads
//! what the request carries and calls the domain services.

pub mod session;

use domain::accounts::{AccountError, AccountService, ClientInfo, Principal};
use http::StatusCode;
use leptos::prelude::*;

use crate::error::AppError;

/// Settings of the browser session, provided by the server per request.
#[derive(Debug, Clone, Copy)]
pub struct SessionSettings {
    /// Mark cookies `Secure` (the app is served over HTTPS).
    pub secure_cookies: bool,
}

/// The account service from the request's context.
pub fn accounts() -> Result<AccountService, AppError> {
    use_context::<AccountService>().ok_or(AppError::Internal)
}

/// The caller, as the session middleware found them.
pub fn principal() -> Option<Principal> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Principal>().cloned())
}

/// Where the request came from.
pub fn client() -> ClientInfo {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientInfo>().cloned())
        .unwrap_or_default()
}

/// Sets the HTTP status of a failed server-function call to match the
/// error, so logs and proxies see a 4xx for a user's mistake, not a 500.
pub fn with_status(err: AppError) -> AppError {
    let status = match &err {
        AppError::Invalid { .. } => StatusCode::BAD_REQUEST,
        AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal | AppError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
    err
}

impl From<AccountError> for AppError {
    fn from(err: AccountError) -> Self {
        let message = err.to_string();
        match err {
            AccountError::InvalidInput(_) => {
                let field = if message.contains("email") { "email" } else { "password" };
                Self::Invalid { field: Some(field.into()), message }
            }
            AccountError::EmailTaken => Self::Invalid { field: Some("email".into()), message },
            AccountError::WrongCredentials | AccountError::Unauthenticated(_) => {
                Self::Unauthorized(message)
            }
            AccountError::Disabled
            | AccountError::SignupClosed
            | AccountError::InvitationRequired
            | AccountError::Forbidden(_) => Self::Forbidden(message),
            AccountError::Throttled { .. } => Self::Throttled(message),
            AccountError::UserNotFound => Self::NotFound(message),
            AccountError::Conflict(_) => Self::Conflict(message),
            AccountError::Database(_) | AccountError::Internal(_) => {
                leptos::logging::error!("account service failed: {err:?}");
                Self::Internal
            }
        }
    }
}
