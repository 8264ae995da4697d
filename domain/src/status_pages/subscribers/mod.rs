//! Subscribers of status pages (docs/status-pages.md#subscribers, decision
//! 128). Visitors subscribe by email (double opt-in: nothing but the
//! confirmation mail is sent until its link is followed) or by webhook
//! (active once a signed test delivery was answered 2xx), to the whole page
//! or to chosen components. `service` takes subscriptions and gives the
//! owner the list; `events` records what a page announces (incidents
//! published, updated and resolved; maintenance scheduled, started and
//! ended) from the page's own state, once each, and writes one delivery
//! per matching subscriber; `deliveries` hands them out to be sent, with a
//! lease, like the notification log. `tokens` signs the links in the mails.

pub mod deliveries;
pub mod events;
pub mod prune;
pub mod service;
pub mod tokens;

pub use deliveries::{DeliveryWork, Purpose};
pub use kinds::{PageEventKind, SubscriberKind, SubscriberState};
pub use service::{PendingWebhook, SubscriberService, SubscriberView, Subscription};
pub use tokens::{LinkError, LinkKey, CONFIRM_HOURS};

/// Why a subscription operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SubscriberError {
    /// A field of the request is unacceptable (422, naming it).
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// No such page (or unpublished), or no such subscriber on it.
    #[error("not found")]
    NotFound,
    /// The page has a password and the visitor's pass does not open it.
    #[error("this status page needs a password")]
    Locked,
    /// Too many subscriptions from this client or to this address: wait.
    #[error("too many subscription requests; try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    /// A link that is not one of ours, or was altered.
    #[error("this link is not valid")]
    BadLink,
    /// A confirmation link older than 24 hours.
    #[error("this confirmation link has expired; subscribe again")]
    Expired,
    /// The webhook is already subscribed to this page.
    #[error("this webhook already receives this page's notices")]
    AlreadySubscribed,
    /// Sealing or opening a webhook's secret failed.
    #[error("internal error: {0}")]
    Internal(String),
    #[error("database error")]
    Database(#[from] sea_orm::DbErr),
}

impl SubscriberError {
    /// An error about `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid { field: field.into(), message: message.into() }
    }
}

impl From<super::PageError> for SubscriberError {
    fn from(err: super::PageError) -> Self {
        match err {
            super::PageError::Locked => Self::Locked,
            super::PageError::Database(err) => Self::Database(err),
            super::PageError::Invalid { field, message } => Self::Invalid { field, message },
            super::PageError::Internal(err) => Self::Internal(err),
            _ => Self::NotFound,
        }
    }
}

impl From<LinkError> for SubscriberError {
    fn from(err: LinkError) -> Self {
        match err {
            LinkError::Invalid => Self::BadLink,
            LinkError::Expired => Self::Expired,
        }
    }
}
