//! Notification channels: where alerts go (Slack, a signed webhook, email).
//! Secrets (webhook URLs, signing secrets) are encrypted at rest and only
//! ever shown masked; workers get them decrypted through
//! [`ChannelService::load_for_delivery`].

pub(crate) mod crypto;
mod fields;
mod service;
mod spec;
mod test_limits;

pub use crypto::{EncryptionKey, KeyError, OpenError};
pub use fields::{
    channel_name, generate_webhook_secret, mask_secret, mask_url, MAX_NAME_CHARS, MAX_RECIPIENTS,
    MAX_URL_LEN, SECRET_PREFIX,
};
pub use service::{ChannelScope, ChannelService, ChannelView, DeliveryChannel};
pub use spec::{
    ChannelDisplay, ChannelInput, ChannelKind, ChannelPatch, EmailInput, SlackInput, SlackPatch,
    Target, WebhookInput, WebhookPatch,
};
pub use test_limits::TestLimits;

/// What can go wrong with channels, in terms the HTTP layer maps once.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    /// Well-formed input with a value that is refused; names the field.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("channel not found")]
    NotFound,
    #[error("{0}")]
    Forbidden(&'static str),
    /// Stored secrets no longer open: the key changed or the row was altered.
    #[error(transparent)]
    Undecryptable(#[from] OpenError),
    /// Too many test messages; retry after this many seconds.
    #[error("too many test messages; retry after {retry_after_secs} seconds")]
    Throttled { retry_after_secs: u64 },
    /// The owner already has as many channels as the server allows.
    #[error(transparent)]
    Quota(#[from] crate::quotas::QuotaExceeded),
    #[error("database error")]
    Database(#[from] sea_orm::DbErr),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ChannelError {
    /// A validation error about `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid { field: field.into(), message: message.into() }
    }
}
