//! Public status pages (docs/status-pages.md): a user's pages and their
//! ordered components (`service`, `input`), what a page says about each
//! component (`states`), and the public read: [`PublicPage`], built only
//! from a published page by its slug, holding only what the page shows
//! (`public`), behind a short in-process cache (`cache`). Public incidents,
//! drafted from monitors' incidents or written by people, in `incidents`.
//!
//! Access to one page is a value, as for monitors: [`PageRef`], made only
//! by [`StatusPageService::authorize`] for the page's owner or an admin;
//! another user's page is "not found", like one that does not exist.

pub mod badges;
pub mod cache;
pub mod hosts;
pub mod incidents;
pub mod input;
pub mod maintenance;
pub mod protection;
pub mod public;
pub mod service;
pub mod states;
pub mod subscribers;

pub use badges::{BadgeMetric, BadgeSubject, BadgeTarget, Figure};
pub use cache::PublicCache;
pub use hosts::{HostMap, Hostname, MAX_DOMAINS};
pub use incidents::{IncidentError, IncidentService, PublicIncident};
pub use input::{ComponentInput, PageInput, Slug, MAX_COMPONENTS};
pub use kinds::{ComponentKind, ComponentState, PageTheme};
pub use maintenance::PublicMaintenance;
pub use protection::{cookie_name, pass_in, PagePass, PassKey, Protection};
pub use public::{DayUptime, PublicComponent, PublicPage, UPTIME_DAYS};
pub use service::{ComponentView, PageRef, PageView, StatusPageService};
pub use subscribers::{SubscriberError, SubscriberService};

/// Why a status page operation failed.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// A field of the request is unacceptable (422, naming it).
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// Unknown, another user's, or (for the public read) unpublished.
    #[error("status page not found")]
    NotFound,
    /// Another page has this slug.
    #[error("this slug is taken by another page")]
    SlugTaken,
    /// The page has a password and the visitor's pass does not open it.
    #[error("this status page needs a password")]
    Locked,
    /// The password given to open a page is not its password.
    #[error("wrong password")]
    WrongPassword,
    /// Too many attempts to open a page: wait.
    #[error("too many attempts; try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    /// Too many passwords are being hashed at once: retry shortly.
    #[error("busy; try again in {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
    /// A failure outside the database (hashing); logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
    /// Another page serves this hostname.
    #[error("{0} is already the domain of another page")]
    DomainTaken(String),
    #[error("database error")]
    Database(#[from] sea_orm::DbErr),
}

impl PageError {
    /// An error about `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid { field: field.into(), message: message.into() }
    }
}

impl PartialEq for PageError {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Invalid { field: a, message: m }, Self::Invalid { field: b, message: n }) => {
                a == b && m == n
            }
            (Self::NotFound, Self::NotFound) | (Self::SlugTaken, Self::SlugTaken) => true,
            (Self::DomainTaken(a), Self::DomainTaken(b)) => a == b,
            (Self::Locked, Self::Locked) | (Self::WrongPassword, Self::WrongPassword) => true,
            (Self::Throttled { retry_after_secs: a }, Self::Throttled { retry_after_secs: b }) => {
                a == b
            }
            _ => false,
        }
    }
}
