//! One module per page.

mod account;
mod auth_forms;
mod home;
mod not_found;

pub use account::Account;
pub use auth_forms::{SignIn, SignUp};
pub use home::Home;
pub use not_found::NotFound;
