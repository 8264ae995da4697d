//! What a job sends: a ping's kind from the URL's tail (Healthchecks'
//! forms), or Uptime Kuma's push query; and the part of its body kept.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The most bytes of a ping's body kept (the endpoint says so in its
/// `Ping-Body-Limit` header).
pub const PING_BODY_LIMIT: usize = 10 * 1024;

/// What a ping says, read from the tail after `/ping/{token}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PingKind {
    /// The bare URL: the job finished well.
    Success,
    /// `/start`: a run began.
    Start,
    /// `/fail`: the job failed.
    Fail,
    /// `/log`: a message; it changes nothing.
    Log,
    /// `/{0..=255}`: the job's exit status; 0 is success, anything else a
    /// failure (as Healthchecks reads it).
    Exit(u8),
}

/// The tail was none of the forms above.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a ping: use /start, /fail, /log or an exit status 0 to 255")]
pub struct UnknownPing(pub String);

impl PingKind {
    /// Reads the tail: `""`, `start`, `fail`, `log` or `0`..=`255` (no sign,
    /// no leading `+`; a leading zero is accepted, as a shell's status is).
    pub fn from_tail(tail: &str) -> Result<Self, UnknownPing> {
        let tail = tail.trim_matches('/');
        match tail {
            "" => Ok(Self::Success),
            "start" => Ok(Self::Start),
            "fail" => Ok(Self::Fail),
            "log" => Ok(Self::Log),
            digits
                if !digits.is_empty()
                    && digits.len() <= 3
                    && digits.bytes().all(|b| b.is_ascii_digit()) =>
            {
                digits.parse::<u8>().map(Self::Exit).map_err(|_| UnknownPing(tail.to_owned()))
            }
            _ => Err(UnknownPing(tail.to_owned())),
        }
    }

    /// Whether this ping ends a run, and how: `None` for a start or a log.
    pub fn outcome(self) -> Option<super::Outcome> {
        use super::Outcome;
        match self {
            Self::Success | Self::Exit(0) => Some(Outcome::Success),
            Self::Fail => Some(Outcome::Failure { exit_code: None }),
            Self::Exit(code) => Some(Outcome::Failure { exit_code: Some(code) }),
            Self::Start | Self::Log => None,
        }
    }
}

/// One ping as recorded: when, what, the run id the job gave (`?rid=`), and
/// the kept start of its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ping {
    pub at: DateTime<Utc>,
    pub kind: PingKind,
    #[serde(default)]
    pub rid: Option<Uuid>,
    #[serde(default)]
    pub body: String,
}

impl Ping {
    /// A ping without run id or body.
    pub fn new(at: DateTime<Utc>, kind: PingKind) -> Self {
        Self { at, kind, rid: None, body: String::new() }
    }

    /// The same ping, with a run id.
    pub fn with_rid(self, rid: Uuid) -> Self {
        Self { rid: Some(rid), ..self }
    }
}

/// The body a ping carried, as kept: invalid UTF-8 replaced, cut on a
/// character boundary to at most [`PING_BODY_LIMIT`] bytes. The flag says
/// whether it was cut.
pub fn keep_body(raw: &[u8]) -> (String, bool) {
    let head = &raw[..raw.len().min(PING_BODY_LIMIT)];
    let text = String::from_utf8_lossy(head);
    // Replacement characters are wider than the bytes they replace.
    let kept = crate::text::prefix_bytes(&text, PING_BODY_LIMIT);
    let cut = raw.len() > PING_BODY_LIMIT || kept.len() < text.len();
    (kept.to_owned(), cut)
}

/// Uptime Kuma's push query: `?status=up|down&msg=…&ping=…`, so its users
/// switch by changing the host. As Kuma reads it: a missing status is `up`,
/// any status but `up` is down, and an unreadable `ping` is left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PushForm {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub msg: Option<String>,
    #[serde(default)]
    pub ping: Option<String>,
}

/// A push read into this module's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Push {
    pub kind: PingKind,
    /// The message, made safe to keep ([`crate::text::remote`]).
    pub message: String,
    /// The response time the job reported, in milliseconds.
    pub ping_ms: Option<f64>,
}

impl PushForm {
    /// Reads the query.
    pub fn read(&self) -> Push {
        let up = self.status.as_deref().map(str::trim).is_none_or(|s| s.is_empty() || s == "up");
        let ping_ms = self
            .ping
            .as_deref()
            .and_then(|p| p.trim().parse::<f64>().ok())
            .filter(|ms| ms.is_finite() && *ms >= 0.0);
        Push {
            kind: if up { PingKind::Success } else { PingKind::Fail },
            message: crate::text::remote(self.msg.as_deref().unwrap_or("OK")),
            ping_ms,
        }
    }
}

#[cfg(test)]
#[path = "ping_tests.rs"]
mod tests;
