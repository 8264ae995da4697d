//! Integrations with chat tools: Slack slash commands. An integration holds
//! a Slack app's signing secret (sealed at rest) and the monitors its
//! workspace may query; a command is answered only once its signature
//! verifies against one integration's secret.

pub mod commands;
mod replay;
mod service;
pub mod signature;
mod verify;

pub use commands::{answer, CommandAnswer, SlashCommand};
pub use service::{
    SlackIntegrationInput, SlackIntegrationService, SlackIntegrationView, VerifiedIntegration,
};
pub use signature::SignatureError;
pub use verify::MAX_CANDIDATES;

use crate::channels::OpenError;

/// What can go wrong with integrations, in terms the HTTP layer maps once.
#[derive(Debug, thiserror::Error)]
pub enum IntegrationError {
    /// Well-formed input with a value that is refused; names the field.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("integration not found")]
    NotFound,
    #[error("this integration belongs to another user")]
    Forbidden,
    /// The request is not signed by any integration's secret.
    #[error(transparent)]
    Unverified(#[from] SignatureError),
    /// A stored secret no longer opens: the key changed or the row was altered.
    #[error(transparent)]
    Undecryptable(#[from] OpenError),
    /// The owner already has as many integrations as the server allows.
    #[error(transparent)]
    Quota(#[from] crate::quotas::QuotaExceeded),
    #[error("database error")]
    Database(#[from] sea_orm::DbErr),
}

impl IntegrationError {
    /// A validation error about `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid { field: field.into(), message: message.into() }
    }
}
