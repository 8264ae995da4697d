//! Public incidents (docs/status-pages.md#public-incidents): what a page
//! tells its visitors about an outage, separate from the internal incident
//! that checks open. People write them and their updates through
//! [`IncidentService`] (only with a `PageRef`, like the page itself);
//! `automatic` drafts one when a shown monitor's incident opens, publishes
//! due drafts and follows the internal incident's resolution; `public`
//! reads the published ones for the page and its feeds; `markdown` renders
//! the owners' text safely.

pub mod automatic;
pub mod feed;
pub mod input;
pub mod markdown;
pub mod public;
pub mod service;

pub use feed::{Feed, FeedEntry, FeedEntryKind, FEED_ENTRIES};
pub use input::{ImpactInput, IncidentInput, IncidentPatch, UpdateInput, UpdatePatch};
pub use kinds::{ComponentImpact, IncidentPhase, PublicIncidentState};
pub use public::{PublicImpact, PublicIncident, PublicUpdate, RECENT_DAYS};
pub use service::{ImpactView, IncidentService, IncidentView, UpdateView};

/// Why a public incident operation failed.
#[derive(Debug, thiserror::Error)]
pub enum IncidentError {
    /// A field of the request is unacceptable (422, naming it).
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// No such incident or update on this page (or the page is not the caller's).
    #[error("incident not found")]
    NotFound,
    #[error("database error")]
    Database(#[from] sea_orm::DbErr),
}

impl IncidentError {
    /// An error about `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid { field: field.into(), message: message.into() }
    }
}
