//! A test message, sent at a user's request straight to the channel (not
//! through the queue), with what happened and how long it took.

use std::time::Instant;

use domain::channels::DeliveryChannel;

use super::{deliver, Alert, SmtpConfig};
use crate::outbound::Outbound;

/// What a test message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestReport {
    pub delivered: bool,
    /// The receiver's HTTP status or SMTP reply code, when it answered.
    pub status_code: Option<u16>,
    /// Why it was not delivered.
    pub error: Option<String>,
    /// Whether a later retry could succeed (failures only).
    pub retryable: Option<bool>,
    pub duration_ms: u64,
}

/// Sends the test message to `channel`; `link` is where it points in RunState.
pub async fn send_test(
    out: &Outbound,
    smtp: Option<&SmtpConfig>,
    channel: &DeliveryChannel,
    link: String,
) -> TestReport {
    let alert = Alert::test(&channel.name, link);
    let message_id = format!("msg_{}", uuid::Uuid::new_v4().simple());
    let started = Instant::now();
    let result = deliver(out, smtp, channel, &alert, &message_id).await;
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let report = match result {
        Ok(delivered) => TestReport {
            delivered: true,
            status_code: delivered.status_code,
            error: None,
            retryable: None,
            duration_ms,
        },
        Err(err) => TestReport {
            delivered: false,
            status_code: err.status_code(),
            error: Some(err.to_string()),
            retryable: Some(err.is_retryable()),
            duration_ms,
        },
    };
    tracing::info!(
        channel_id = %channel.id,
        kind = channel.kind().as_str(),
        delivered = report.delivered,
        status_code = report.status_code,
        retryable = report.retryable,
        duration_ms,
        "channel test message"
    );
    report
}
