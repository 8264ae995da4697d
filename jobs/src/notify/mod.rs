//! Sending alerts: one file per provider (`slack.rs`, `webhook.rs`,
//! `email.rs`), each with its own tests, and [`deliver`] choosing among them
//! by the channel's kind. Errors say whether a retry can help. Slack's
//! answers to slash commands are made beside its sender (`slack_commands.rs`).

pub mod email;
mod http;
pub mod slack;
pub mod slack_commands;
pub mod subscribers;
mod test_message;
mod text;
pub mod webhook;

use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::channels::{DeliveryChannel, Target};
pub use kinds::NotificationEvent;

use crate::outbound::Outbound;

pub use crate::outbound::SmtpTls;
pub use email::{SmtpConfig, SmtpConfigError};
pub use test_message::{send_test, TestReport};

/// One alert, in terms every provider can render. A runner's outage sets
/// `repository` and `runner`; other fields default, so
/// `Alert { …, ..Default::default() }` builds any alert.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Alert {
    pub event: NotificationEvent,
    pub monitor_name: String,
    pub monitor_target: String,
    pub status: String,
    pub previous_status: Option<String>,
    pub cause: Option<String>,
    pub incident_number: Option<i32>,
    pub started_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Where to look in RunState (the monitor or incident page).
    pub link: String,
    /// For a runner's outage: `owner/repo` or `owner (organisation)`.
    pub repository: Option<String>,
    /// For a runner's outage: the runner's name.
    pub runner: Option<String>,
    /// For an event that is not about an incident (a certificate): what happened.
    pub detail: Option<String>,
    /// For such an event: when it was noticed.
    pub noticed_at: Option<DateTime<Utc>>,
}

impl Alert {
    /// The test message for a channel, linking to `link`.
    pub fn test(channel_name: &str, link: impl Into<String>) -> Self {
        Self {
            event: NotificationEvent::Test,
            monitor_name: channel_name.to_owned(),
            monitor_target: String::new(),
            status: "test".to_owned(),
            previous_status: None,
            cause: None,
            incident_number: None,
            started_at: None,
            resolved_at: None,
            link: link.into(),
            ..Default::default()
        }
    }

    /// How long the incident lasted, once resolved.
    pub fn duration(&self) -> Option<chrono::Duration> {
        match (self.started_at, self.resolved_at) {
            (Some(start), Some(end)) if end >= start => Some(end - start),
            _ => None,
        }
    }

    /// When the event happened: stable across retries, unlike the send time.
    pub fn occurred_at(&self) -> Option<DateTime<Utc>> {
        match self.event {
            NotificationEvent::Down => self.started_at,
            NotificationEvent::Up => self.resolved_at,
            NotificationEvent::Test => None,
            NotificationEvent::CertificateExpiring
            | NotificationEvent::CertificateChanged
            | NotificationEvent::DomainExpiring => self.noticed_at,
        }
    }
}

/// The receiver accepted the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    /// The HTTP status, or the SMTP reply code, of the acceptance.
    pub status_code: Option<u16>,
}

/// A delivery failed; whether to try again is part of the answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Worth another try later (5xx, 429, 408, timeouts, connection errors).
    #[error("{error}")]
    Retryable { error: String, retry_after: Option<Duration>, status_code: Option<u16> },
    /// Retrying cannot help (other 4xx, invalid settings, SMTP not configured).
    #[error("{error}")]
    Permanent { error: String, status_code: Option<u16> },
}

impl DeliveryError {
    /// A permanent failure without a status code.
    pub fn permanent(error: impl Into<String>) -> Self {
        Self::Permanent { error: error.into(), status_code: None }
    }

    /// A retryable failure without a status code or delay.
    pub fn retryable(error: impl Into<String>) -> Self {
        Self::Retryable { error: error.into(), retry_after: None, status_code: None }
    }

    /// Whether a later attempt may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Retryable { .. })
    }

    /// The receiver's HTTP status or SMTP code, when it answered.
    pub fn status_code(&self) -> Option<u16> {
        match self {
            Self::Retryable { status_code, .. } | Self::Permanent { status_code, .. } => {
                *status_code
            }
        }
    }

    /// How long the receiver asked us to wait (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Retryable { retry_after, .. } => *retry_after,
            Self::Permanent { .. } => None,
        }
    }
}

/// The error for an email channel on a server without SMTP settings.
pub const SMTP_NOT_CONFIGURED: &str = "email channels need RUNSTATE_SMTP_URL";

/// Sends `alert` to `channel`. `message_id` identifies this notification
/// and must stay the same across retries (receivers de-duplicate on it).
pub async fn deliver(
    out: &Outbound,
    smtp: Option<&SmtpConfig>,
    channel: &DeliveryChannel,
    alert: &Alert,
    message_id: &str,
) -> Result<Delivered, DeliveryError> {
    match &channel.target {
        Target::Slack { webhook_url } => slack::send(out, webhook_url, alert).await,
        Target::Webhook { url, secret } => webhook::send(out, url, secret, alert, message_id).await,
        Target::Email { to } => {
            let smtp = smtp.ok_or_else(|| DeliveryError::permanent(SMTP_NOT_CONFIGURED))?;
            email::send(out, smtp, to, alert, message_id).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn email_without_smtp_settings_is_a_permanent_failure() {
        let channel = DeliveryChannel {
            id: uuid::Uuid::new_v4(),
            owner_id: uuid::Uuid::new_v4(),
            name: "Team".into(),
            target: Target::Email { to: vec!["ops@example.org".into()] },
        };
        let out = Outbound::new(crate::outbound::OutboundOptions::default()).unwrap();
        let err = deliver(&out, None, &channel, &Alert::test("Team", "http://x"), "msg_1")
            .await
            .unwrap_err();
        assert_eq!(err, DeliveryError::permanent(SMTP_NOT_CONFIGURED));
    }

    #[test]
    fn a_recovery_knows_its_duration_and_moment() {
        let start = DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap().to_utc();
        let end = DateTime::parse_from_rfc3339("2026-11-22T11:30:00Z").unwrap().to_utc();
        let alert = Alert {
            event: NotificationEvent::Up,
            started_at: Some(start),
            resolved_at: Some(end),
            ..Alert::test("x", "http://x")
        };
        assert_eq!(alert.duration(), Some(chrono::Duration::minutes(90)));
        assert_eq!(alert.occurred_at(), Some(end));
    }
}
