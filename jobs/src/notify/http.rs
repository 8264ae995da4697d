//! Sending one HTTP request for a provider and judging the answer: 2xx is
//! delivered; 408, 429 and 5xx are worth a retry (honouring `Retry-After`);
//! other answers are permanent, redirects included (a receiver that moved is
//! not followed). Error texts never contain the URL, which is a secret for
//! Slack. Requests are [`OutboundRequest`]s, so the guard checks every one.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;

use super::{Delivered, DeliveryError};
use crate::outbound::{OutboundError, OutboundRequest};

/// The longest a single delivery may take, whatever the client's own limits.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// How much of a failed answer's body is quoted in the error.
const BODY_EXCERPT: usize = 200;
/// The longest `Retry-After` honoured; beyond it the usual backoff applies.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// What our requests say they are.
pub(crate) const USER_AGENT: &str = concat!("RunState/", env!("CARGO_PKG_VERSION"));

/// Sends `request` and judges the answer.
pub(crate) async fn send(request: OutboundRequest) -> Result<Delivered, DeliveryError> {
    let mut response = request
        .timeout(REQUEST_TIMEOUT)
        .header(reqwest::header::USER_AGENT, USER_AGENT)
        .send()
        .await
        .map_err(request_error)?;
    let status = response.status();
    if status.is_success() {
        return Ok(Delivered { status_code: Some(status.as_u16()) });
    }
    let retry_after = retry_after(response.headers(), Utc::now());
    let excerpt = excerpt(&mut response).await;
    let mut error = format!("the receiver answered {status}");
    if !excerpt.is_empty() {
        error.push_str(": ");
        error.push_str(&excerpt);
    }
    Err(judge(status, error, retry_after))
}

/// Whether a non-2xx status is worth retrying.
fn judge(status: StatusCode, error: String, retry_after: Option<Duration>) -> DeliveryError {
    let status_code = Some(status.as_u16());
    let retryable = status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT;
    if retryable {
        DeliveryError::Retryable { error, retry_after, status_code }
    } else {
        DeliveryError::Permanent { error, status_code }
    }
}

/// `Retry-After` as seconds or an HTTP date, capped.
fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let raw = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = match raw.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let at = DateTime::parse_from_rfc2822(raw).ok()?.to_utc();
            (at - now).to_std().unwrap_or(Duration::ZERO)
        }
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// The start of the body, on one line; reading stops early so a huge or
/// endless body cannot hold the worker.
async fn excerpt(response: &mut reqwest::Response) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < BODY_EXCERPT * 4 {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&bytes);
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    super::text::truncate(&line, BODY_EXCERPT)
}

/// A request that got no answer (the guard's refusals included), without the URL.
fn request_error(err: OutboundError) -> DeliveryError {
    match err {
        OutboundError::Timeout => DeliveryError::retryable("the receiver did not answer in time"),
        OutboundError::Dns(_) | OutboundError::Connect(_) | OutboundError::Tls(_) => {
            DeliveryError::retryable(format!("cannot connect to the receiver ({err})"))
        }
        OutboundError::Denied { .. }
        | OutboundError::InvalidUrl(_)
        | OutboundError::InvalidRequest(_)
        | OutboundError::TooManyRedirects => {
            DeliveryError::permanent(format!("the request cannot be made ({err})"))
        }
        OutboundError::BodyTooLarge { .. } | OutboundError::Http(_) => {
            DeliveryError::retryable(err.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn server_errors_429_and_408_are_retryable_other_4xx_permanent() {
        for code in [500, 502, 503, 429, 408] {
            let status = StatusCode::from_u16(code).unwrap();
            assert!(judge(status, String::new(), None).is_retryable(), "{code}");
        }
        for code in [400, 401, 403, 404, 410, 301] {
            let status = StatusCode::from_u16(code).unwrap();
            let err = judge(status, String::new(), None);
            assert!(!err.is_retryable(), "{code}");
            assert_eq!(err.status_code(), Some(code));
        }
    }

    #[test]
    fn a_refused_receiver_is_a_permanent_failure_that_names_the_rule() {
        let denied =
            OutboundError::Denied { addr: "127.0.0.1".parse().unwrap(), rule: "loopback address" };
        let err = request_error(denied);
        assert!(!err.is_retryable());
        assert_eq!(
            err.to_string(),
            "the request cannot be made (refused 127.0.0.1: loopback address (allow it with \
             --allow-targets))"
        );
        assert!(request_error(OutboundError::Timeout).is_retryable());
        assert!(request_error(OutboundError::Connect("connection refused".into())).is_retryable());
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap().to_utc();
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("Sun, 22 Nov 2026 10:01:00 GMT"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(60)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("99999999"));
        assert_eq!(retry_after(&headers, now), Some(MAX_RETRY_AFTER));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now), None);
    }
}
