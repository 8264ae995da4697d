//! A monitor's status.

use serde::{Deserialize, Serialize};

/// What a monitor (or one check) says about its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not checked yet, or not enough results to say.
    Unknown,
    Up,
    /// Answering, but slower than the monitor's threshold.
    Degraded,
    Down,
    Paused,
}

impl Status {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Up => "up",
            Self::Degraded => "degraded",
            Self::Down => "down",
            Self::Paused => "paused",
        }
    }

    /// Reads a stored status; anything unknown is `Unknown`.
    pub fn from_stored(raw: &str) -> Self {
        match raw {
            "up" => Self::Up,
            "degraded" => Self::Degraded,
            "down" => Self::Down,
            "paused" => Self::Paused,
            _ => Self::Unknown,
        }
    }

    /// Whether the target answered acceptably (degraded still answers).
    pub fn is_healthy(self) -> bool {
        matches!(self, Self::Up | Self::Degraded)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
