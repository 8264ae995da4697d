//! The monitoring pipeline's database side: claiming due checks, recording
//! results through one skeleton every check kind plugs a step into
//! ([`recording::Step`]), turning status changes into incidents and
//! notifications, and the notification log. The workers in `jobs` call
//! these; every step is idempotent, since jobs are delivered at least once.

pub mod batch;
pub mod incidents;
pub mod notifications;
pub mod recording;
pub mod results;
pub mod retention;
pub mod scheduling;
pub mod transitions;

pub use batch::record_results;
pub use recording::{record, Recorded, Step};
pub use results::{record_result, CheckResult};
pub use scheduling::{claim_due, DueCheck};
