//! A monitor's status: one definition, shared with the API's schema and the
//! browser (`kinds`).

pub use kinds::Status;
