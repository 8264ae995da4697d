//! The account page's data: the user's own sessions.

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
