//! Monitors: what to check, how often, and what their checks say.

pub mod spec;
pub mod status;

pub use spec::{HttpSpec, SpecError, StatusRange, TcpSpec};
pub use status::Status;
