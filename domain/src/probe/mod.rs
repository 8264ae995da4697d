//! What one HTTP check measured and saw, as the prober reports it and as
//! assertions, the check rows and the charts read it.

mod facts;
mod phases;
mod sums;

pub use facts::{excerpt, HttpFacts, EXCERPT_MAX, REDACTED};
pub use phases::Phases;
pub use sums::PhaseSums;
