//! Who is calling: bearer tokens for API clients, session cookies for the
//! browser app, and the cross-site request guard for the latter.

pub mod client;
pub mod csrf;
mod extract;
pub mod session;

pub use extract::{Admin, Auth, Client};
