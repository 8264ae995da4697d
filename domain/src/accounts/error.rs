//! What can go wrong with accounts, in terms the HTTP layer maps once.

/// Account failures. Each maps to one status code in the API.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Input that breaks a rule; `field` names the request's field at fault.
    #[error("{message}")]
    InvalidInput { field: &'static str, message: String },
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error("wrong email or password")]
    WrongCredentials,
    #[error("this account is disabled")]
    Disabled,
    #[error("sign-up is closed on this server")]
    SignupClosed,
    #[error("sign-up needs a valid invitation on this server")]
    InvitationRequired,
    #[error("too many attempts; retry after {retry_after_secs} seconds")]
    Throttled { retry_after_secs: u64 },
    #[error("the server is busy checking passwords; retry after {retry_after_secs} seconds")]
    Busy { retry_after_secs: u64 },
    #[error("{0}")]
    Unauthenticated(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("user not found")]
    UserNotFound,
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("session not found")]
    SessionNotFound,
    #[error("API token not found")]
    TokenNotFound,
    #[error("{0}")]
    Conflict(&'static str),
    #[error("database error")]
    Database(#[from] sea_orm::DbErr),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AccountError {
    /// Input that breaks a rule, about `field`.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::InvalidInput { field, message: message.into() }
    }

    /// The same error about another field: a rule checked on a value the
    /// caller sent under a different name (the new password of a change).
    pub fn about(self, name: &'static str) -> Self {
        match self {
            Self::InvalidInput { message, .. } => Self::InvalidInput { field: name, message },
            other => other,
        }
    }
}
