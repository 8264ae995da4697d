//! The account page's data: the user's own sessions and API tokens.

use serde::{Deserialize, Serialize};

use super::When;

/// One of the user's live sessions (a signed-in browser or API client).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionItem {
    pub id: String,
    /// When the user signed in.
    pub signed_in: When,
    /// The last refresh of its tokens.
    pub last_used: When,
    /// When it ends at the latest.
    pub ends: When,
    /// The browser or client as it named itself, shortened; `Unknown client` when it did not.
    pub client: String,
    /// The address it signed in from, or empty.
    pub address: String,
    /// The session the page was loaded with.
    pub current: bool,
}

/// One of the user's live API tokens (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenItem {
    pub id: String,
    pub name: String,
    /// Its first characters, e.g. `rs_Ab3xY`.
    pub prefix: String,
    /// `read`, `write` or `admin`.
    pub scope: String,
    pub created: When,
    /// When it was last used; none yet.
    pub last_used: Option<When>,
    /// When it stops working; none: until revoked.
    pub expires: Option<When>,
    /// An admin made it for this user.
    pub by_admin: bool,
}

/// A token just made: the secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub name: String,
    pub secret: String,
}
