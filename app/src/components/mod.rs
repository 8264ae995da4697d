//! Small building blocks shared by pages.

mod confirm;
mod field;
mod guard;
mod poll;
mod sparkline;
mod states;
mod status;
mod toast;

pub use confirm::ConfirmButton;
pub use field::{FieldError, FormError};
pub use guard::{AdminOnly, SignedIn};
pub use poll::use_tick;
pub use sparkline::Sparkline;
pub use states::{EmptyState, ErrorBox, Loading};
pub use status::StatusBadge;
pub use toast::{toast_results, ToastRegion, Toasts};
