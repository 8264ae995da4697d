//! Maintenance windows: planned work during which a user's monitors keep
//! being checked and their incidents open and resolve as usual, but their
//! notifications are held; when the window ends, only the net change is
//! sent (docs/maintenance.md). The schedule ([`schedule`], [`rrule`]) and
//! the request's validation ([`spec`]) are pure; [`service`] is the owner's
//! CRUD and [`hold`] the pipeline's side: holding and releasing;
//! [`coverage`] says which windows cover which monitors (directly, or
//! through a status page the window names).

pub mod coverage;
pub mod hold;
pub mod rrule;
pub mod schedule;
pub mod service;
pub mod spec;

pub use schedule::{Recurrence, Schedule, Window};
pub use service::{MaintenanceService, MaintenanceView, WindowRef};
pub use spec::{MaintenanceInput, MaintenanceSpec};

/// What can go wrong with maintenance windows, in terms the HTTP layer maps once.
#[derive(Debug, thiserror::Error)]
pub enum MaintenanceError {
    /// Well-formed input with a value that is refused; names the field.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("maintenance window not found")]
    NotFound,
    #[error("database error")]
    Database(#[from] sea_orm::DbErr),
}

impl MaintenanceError {
    /// A validation error about `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid { field: field.into(), message: message.into() }
    }
}
