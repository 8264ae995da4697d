//! The HTTP check: status code, optional keyword, response time.

use std::time::{Duration, Instant};

use domain::monitors::{HttpSpec, Status, StatusRange};
use kinds::HttpMethod;

use super::{millis, timed_out, CheckOutcome};
use crate::outbound::{read_capped, Outbound, Redirects};

/// The most body a keyword check reads (after decompression).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Runs one HTTP check; the whole exchange, body included, ends within `timeout`.
pub async fn check_http(out: &Outbound, spec: &HttpSpec, timeout: Duration) -> CheckOutcome {
    tokio::time::timeout(timeout, run(out, spec, timeout))
        .await
        .unwrap_or_else(|_| CheckOutcome::down(timed_out(timeout), None, None))
}

fn method_of(method: HttpMethod) -> reqwest::Method {
    match method {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Head => reqwest::Method::HEAD,
        HttpMethod::Post => reqwest::Method::POST,
        HttpMethod::Put => reqwest::Method::PUT,
        HttpMethod::Patch => reqwest::Method::PATCH,
        HttpMethod::Delete => reqwest::Method::DELETE,
        HttpMethod::Options => reqwest::Method::OPTIONS,
    }
}

async fn run(out: &Outbound, spec: &HttpSpec, timeout: Duration) -> CheckOutcome {
    let method = method_of(spec.method);
    let redirects = if spec.follow_redirects { Redirects::Follow } else { Redirects::Return };
    let mut request = out.request(method, spec.url.as_str(), redirects).timeout(timeout);
    for (name, value) in &spec.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    if let Some(body) = &spec.body {
        request = request.body(body.clone());
    }

    let started = Instant::now();
    let response = match request.send().await {
        Ok(response) => response,
        Err(err) => return CheckOutcome::failed(&err, timeout),
    };
    let latency_ms = millis(started.elapsed());
    let code = response.status().as_u16();
    let down = |error: String| CheckOutcome::down(error, Some(latency_ms), Some(code));

    if !spec.expected_status.iter().any(|range| range.contains(code)) {
        return down(format!(
            "HTTP {code} is not in the expected {}",
            ranges(&spec.expected_status)
        ));
    }
    match &spec.keyword {
        Some(keyword) => {
            let body = match read_capped(response, BODY_LIMIT).await {
                Ok(body) => body,
                Err(err) => return down(super::describe(&err, timeout)),
            };
            // Lossy decoding keeps every valid UTF-8 run intact, so a keyword
            // in a page with a stray invalid byte is still found.
            let found = String::from_utf8_lossy(&body).contains(keyword.as_str());
            if found && spec.keyword_absent {
                return down(format!("keyword {} was found in the response", quoted(keyword)));
            }
            if !found && !spec.keyword_absent {
                return down(format!("keyword {} was not found in the response", quoted(keyword)));
            }
        }
        // Nothing to look for: the body is never read.
        None => drop(response),
    }

    let slow = spec.degraded_after_ms.is_some_and(|limit| latency_ms > limit);
    CheckOutcome {
        status: if slow { Status::Degraded } else { Status::Up },
        latency_ms: Some(latency_ms),
        http_status: Some(code),
        error: None,
    }
}

fn ranges(expected: &[StatusRange]) -> String {
    expected.iter().map(|range| String::from(*range)).collect::<Vec<_>>().join(", ")
}

/// A keyword in quotes, cut short: keywords may be up to 1024 characters.
fn quoted(keyword: &str) -> String {
    const MAX: usize = 40;
    match keyword.char_indices().nth(MAX) {
        Some((cut, _)) => format!("\"{}…\"", &keyword[..cut]),
        None => format!("\"{keyword}\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_keywords_are_shortened_in_messages() {
        assert_eq!(quoted("ok"), "\"ok\"");
        assert_eq!(quoted(&"é".repeat(50)), format!("\"{}…\"", "é".repeat(40)));
    }

    #[test]
    fn expected_ranges_read_as_configured() {
        let expected =
            vec![StatusRange { low: 200, high: 299 }, StatusRange { low: 301, high: 301 }];
        assert_eq!(ranges(&expected), "200-299, 301");
    }
}
