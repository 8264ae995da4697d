//! Public status pages (docs/status-pages.md): a user's pages and their
//! ordered components (`service`, `input`), what a page says about each
//! component (`states`), and the public read: [`PublicPage`], built only
//! from a published page by its slug, holding only what the page shows
//! (`public`), behind a short in-process cache (`cache`).
//!
//! Access to one page is a value, as for monitors: [`PageRef`], made only
//! by [`StatusPageService::authorize`] for the page's owner or an admin;
//! another user's page is "not found", like one that does not exist.

pub mod badges;
pub mod cache;
pub mod input;
pub mod public;
pub mod service;
pub mod states;

pub use badges::{BadgeMetric, BadgeSubject, BadgeTarget, Figure};
pub use cache::PublicCache;
pub use input::{ComponentInput, PageInput, Slug, MAX_COMPONENTS};
pub use kinds::{ComponentKind, ComponentState, PageTheme};
pub use public::{DayUptime, PublicComponent, PublicPage, UPTIME_DAYS};
pub use service::{ComponentView, PageRef, PageView, StatusPageService};

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
            _ => false,
        }
    }
}
