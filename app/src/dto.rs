//! Data the server sends to pages, shared by both sides.

use serde::{Deserialize, Serialize};

/// The signed-in user, as the UI needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: String,
    pub email: String,
    /// `USER` or `ADMIN`.
    pub role: String,
}

impl CurrentUser {
    /// Whether admin pages are open to this user.
    pub fn is_admin(&self) -> bool {
        self.role == "ADMIN"
    }
}
