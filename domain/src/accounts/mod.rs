//! Accounts: users, passwords, roles, access tokens, refresh-token sessions,
//! sign-in and sign-up throttling, the password-hashing gate and the audit log.

mod admin;
pub mod api_tokens;
pub mod audit;
pub mod cookies;
mod credentials;
mod error;
pub mod gate;
mod invitations;
mod own;
mod service;
pub mod sessions;
pub mod throttle;
pub mod tokens;

pub use admin::{AdminUserView, UserChanges};
pub use credentials::{Email, Password, PasswordHasher, Role};
pub use error::AccountError;
pub use invitations::Invitation;
pub use own::SessionView;
pub use service::{
    AccountService, AdminGrant, ClientInfo, Credential, Principal, SignupPolicy, TokenPair,
    UserView,
};
pub use tokens::TokenKeys;

/// The clock the service reads session ages and limit windows from.
pub use crate::clock::Clock;
