//! What one HTTP check measured and saw, as the prober reports it and as
//! assertions, the check rows and the charts read it.

mod phases;

pub use phases::Phases;
