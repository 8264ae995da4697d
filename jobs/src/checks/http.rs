//! The HTTP check: status code, optional keyword, response time, then the
//! monitor's assertions (`domain::assertions`).

use std::time::{Duration, Instant};

use domain::assertions::{self, needs_body, Observed};
use domain::monitors::{HttpSpec, Status, StatusRange};
use domain::probe::Phases;
use kinds::HttpMethod;

use super::{millis, timed_out, CheckOutcome};
use crate::outbound::{read_capped, Outbound, Redirects};

/// The most body a keyword check or a body assertion reads (after decompression).
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
    // Only the assertions read headers; copied before the body consumes the response.
    let headers: Vec<(String, String)> = if spec.assertions.is_empty() {
        Vec::new()
    } else {
        response
            .headers()
            .iter()
            .map(|(name, value)| {
                (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned())
            })
            .collect()
    };
    let body = if spec.keyword.is_some() || needs_body(&spec.assertions) {
        match read_capped(response, BODY_LIMIT).await {
            Ok(body) => Some(body),
            Err(err) => return down(super::describe(&err, timeout)),
        }
    } else {
        // Nothing to look for: the body is never read.
        drop(response);
        None
    };
    if let (Some(keyword), Some(body)) = (&spec.keyword, &body) {
        // Lossy decoding keeps every valid UTF-8 run intact, so a keyword
        // in a page with a stray invalid byte is still found.
        let found = String::from_utf8_lossy(body).contains(keyword.as_str());
        if found && spec.keyword_absent {
            return down(format!("keyword {} was found in the response", quoted(keyword)));
        }
        if !found && !spec.keyword_absent {
            return down(format!("keyword {} was not found in the response", quoted(keyword)));
        }
    }

    let slow = spec.degraded_after_ms.is_some_and(|limit| latency_ms > limit);
    let mut outcome = CheckOutcome {
        status: if slow { Status::Degraded } else { Status::Up },
        latency_ms: Some(latency_ms),
        http_status: Some(code),
        error: None,
    };
    if !spec.assertions.is_empty() {
        // On this reqwest path only the total is measured (to the response
        // head, as `latency_ms`), and neither the resolved address nor the
        // certificate is seen: the phase-timing prober (jobs::outbound::probe)
        // fills those, and until then such assertions fail saying so.
        let phases = Phases { total_ms: Some(latency_ms), ..Phases::default() };
        let observed = Observed {
            status: code,
            headers: &headers,
            body: body.as_deref(),
            phases: &phases,
            resolved_ip: None,
            cert_days_left: None,
        };
        apply(&mut outcome, assertions::evaluate(&spec.assertions, &observed));
    }
    outcome
}

/// The assertions are judged after the fields before them: down beats
/// degraded beats up. A check already degraded (slow) stays so, and takes
/// a failing assertion's message, as it has none of its own.
fn apply(outcome: &mut CheckOutcome, verdict: assertions::Verdict) {
    let takes = match verdict.status {
        Status::Down => true,
        Status::Degraded => outcome.status == Status::Up || outcome.error.is_none(),
        _ => false,
    };
    if takes {
        outcome.status = verdict.status;
        outcome.error = verdict.error;
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
    fn a_verdict_never_makes_a_check_better() {
        let verdict = |status, error: &str| assertions::Verdict {
            status,
            error: (!error.is_empty()).then(|| error.to_owned()),
        };
        let outcome = |status| CheckOutcome {
            status,
            latency_ms: Some(900),
            http_status: Some(200),
            error: None,
        };
        let mut up = outcome(Status::Up);
        apply(&mut up, verdict(Status::Up, ""));
        assert_eq!(up, outcome(Status::Up));
        apply(&mut up, verdict(Status::Degraded, "json $.a not found"));
        assert_eq!(
            (up.status, up.error.as_deref()),
            (Status::Degraded, Some("json $.a not found"))
        );
        let mut slow = outcome(Status::Degraded);
        apply(&mut slow, verdict(Status::Up, ""));
        assert_eq!(slow.status, Status::Degraded, "degraded_after_ms still holds");
        apply(&mut slow, verdict(Status::Down, "status is 200, expected 204"));
        assert_eq!(
            (slow.status, slow.error.as_deref()),
            (Status::Down, Some("status is 200, expected 204"))
        );
    }

    #[test]
    fn expected_ranges_read_as_configured() {
        let expected =
            vec![StatusRange { low: 200, high: 299 }, StatusRange { low: 301, high: 301 }];
        assert_eq!(ranges(&expected), "200-299, 301");
    }
}
