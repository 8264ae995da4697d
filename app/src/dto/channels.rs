//! Notification channels as pages show and edit them.

use kinds::ChannelKind;
use serde::{Deserialize, Serialize};

/// A channel, secrets masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelItem {
    pub id: String,
    pub name: String,
    pub kind: ChannelKind,
    /// Where it delivers, masked (URL or recipients).
    pub target: String,
    /// The webhook's signing secret, masked.
    pub secret: Option<String>,
}

/// The channel form, as the browser posts it. On edit, empty fields stay as
/// they are (secrets are never sent back to the browser).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ChannelForm {
    /// Empty for a new channel.
    pub id: String,
    pub name: String,
    /// slack, webhook or email (ignored on edit).
    pub kind: String,
    /// The Slack or webhook URL.
    pub url: String,
    /// A webhook signing secret; generated when empty on create.
    pub secret: String,
    /// Email recipients, comma-separated.
    pub to: String,
}

/// A created channel, with the generated webhook secret shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelCreated {
    pub channel: ChannelItem,
    pub secret: Option<String>,
}

/// What a test message did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestOutcome {
    pub delivered: bool,
    /// The receiver's HTTP status or SMTP reply code.
    pub status_code: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: u64,
}

impl TestOutcome {
    /// One line for people: `Delivered (HTTP 200) in 12 ms` or the error.
    pub fn summary(&self) -> String {
        let code = self.status_code.map(|c| format!(" (status {c})")).unwrap_or_default();
        if self.delivered {
            format!("Delivered{code} in {} ms", self.duration_ms)
        } else {
            let why = self.error.as_deref().unwrap_or("unknown error");
            format!("Not delivered{code}: {why}")
        }
    }
}
