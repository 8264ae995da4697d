//! The HTTP check: status code, optional keyword, response time, measured
//! by phase with the prober ([`Outbound::probe`]), then the monitor's
//! assertions (`domain::assertions`).

use std::time::Duration;

use chrono::{DateTime, Utc};

use bytes::Bytes;
use domain::assertions::{self, needs_body, Observed};
use domain::monitors::{HttpSpec, Status, StatusRange};
use domain::probe::{excerpt, HttpFacts};
use domain::tls::SeenChain;
use http::{HeaderName, HeaderValue};
use kinds::{HttpMethod, HttpVersionPref};

use super::{millis, CheckOutcome};
use crate::outbound::{
    BodyRead, HttpVersion, Outbound, ProbeFailure, ProbeReport, ProbeRequest, MAX_REDIRECTS,
};

/// The most body a keyword check or a body assertion reads (after decompression).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Runs one HTTP check now; see [`check_http_at`].
pub async fn check_http(out: &Outbound, spec: &HttpSpec, timeout: Duration) -> CheckOutcome {
    check_http_at(out, spec, timeout, Utc::now()).await
}

/// Runs one HTTP check; the whole exchange, body included, ends within
/// `timeout`. `now` is the check's time, for a certificate's days left.
pub async fn check_http_at(
    out: &Outbound,
    spec: &HttpSpec,
    timeout: Duration,
    now: DateTime<Utc>,
) -> CheckOutcome {
    let headers = match header_pairs(spec) {
        Ok(headers) => headers,
        Err(error) => return CheckOutcome::down(error, None, None),
    };
    let expected = |code: u16| spec.expected_status.iter().any(|range| range.contains(code));
    let request = ProbeRequest {
        method: method_of(spec.method),
        url: &spec.url,
        headers: &headers,
        body: spec.body.clone().map(Bytes::from),
        max_redirects: if spec.follow_redirects { MAX_REDIRECTS } else { 0 },
        timeout,
        read_body: (spec.keyword.is_some() || needs_body(&spec.assertions)).then_some(BODY_LIMIT),
        peek_unless: Some(&expected),
        version: match spec.http_version {
            HttpVersionPref::Auto => HttpVersion::Auto,
            HttpVersionPref::Http1 => HttpVersion::Http1,
            HttpVersionPref::Http2 => HttpVersion::Http2,
        },
        accept_invalid_certs: spec.accept_invalid_certs,
        resolver: spec.resolver,
        proxy: spec.proxy.as_ref(),
    };
    match out.probe(request).await {
        Ok(report) => judge(spec, report, now),
        Err(failure) => failed(&failure),
    }
}

fn method_of(method: HttpMethod) -> http::Method {
    match method {
        HttpMethod::Get => http::Method::GET,
        HttpMethod::Head => http::Method::HEAD,
        HttpMethod::Post => http::Method::POST,
        HttpMethod::Put => http::Method::PUT,
        HttpMethod::Patch => http::Method::PATCH,
        HttpMethod::Delete => http::Method::DELETE,
        HttpMethod::Options => http::Method::OPTIONS,
    }
}

/// The monitor's headers as sent; validation already refused bad names, so
/// an error here means stored settings went bad.
fn header_pairs(spec: &HttpSpec) -> Result<Vec<(HeaderName, HeaderValue)>, String> {
    spec.headers
        .iter()
        .map(|(name, value)| {
            let name = HeaderName::try_from(name.as_str())
                .map_err(|_| format!("invalid request: the header name `{name}` is not valid"))?;
            let value = HeaderValue::try_from(value.as_str())
                .map_err(|_| format!("invalid request: the value of `{name}` is not valid"))?;
            Ok((name, value))
        })
        .collect()
}

/// Status, keyword and response time decide; what was measured is kept.
fn judge(spec: &HttpSpec, report: ProbeReport, now: DateTime<Utc>) -> CheckOutcome {
    let latency_ms = millis(report.to_head);
    let code = report.status;
    let mut facts = HttpFacts {
        phases: report.phases,
        resolved_ip: report.resolved_ip,
        http_version: Some(report.http_version.to_owned()),
        tls_version: report.tls.as_ref().map(|t| t.version.clone()),
        excerpt: None,
        certificate: report.tls.as_ref().map(|t| {
            Box::new(SeenChain {
                chain: t.chain.clone(),
                version: t.version.clone(),
                accepted: true,
            })
        }),
    };
    let body = match &report.body {
        BodyRead::Read(bytes) | BodyRead::Peeked(bytes) => Some(bytes.clone()),
        BodyRead::NotRead | BodyRead::Failed(_) => None,
    };
    let mut down = |error: String| {
        facts.excerpt = body_excerpt(body.as_deref(), spec);
        CheckOutcome {
            status: Status::Down,
            latency_ms: Some(latency_ms),
            http_status: Some(code),
            error: Some(error),
            http: Some(facts.clone()),
        }
    };

    if !spec.expected_status.iter().any(|range| range.contains(code)) {
        return down(format!(
            "HTTP {code} is not in the expected {}",
            ranges(&spec.expected_status)
        ));
    }
    if let Some(keyword) = &spec.keyword {
        let text = match &report.body {
            BodyRead::Read(bytes) => bytes,
            BodyRead::Failed(error) => return down(error.clone()),
            BodyRead::NotRead | BodyRead::Peeked(_) => {
                return down("the body was not read".into());
            }
        };
        // Lossy decoding keeps every valid UTF-8 run intact, so a keyword
        // in a page with a stray invalid byte is still found.
        let found = String::from_utf8_lossy(text).contains(keyword.as_str());
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
        http: None,
    };
    if !spec.assertions.is_empty() {
        let observed = Observed {
            status: code,
            headers: &header_texts(&report.headers),
            body: match &report.body {
                BodyRead::Read(bytes) => Some(&bytes[..]),
                _ => None,
            },
            phases: &report.phases,
            resolved_ip: report.resolved_ip,
            // Of the chain that was accepted; a lenient handshake's refused
            // chain has days too, and they are what a user asks about.
            cert_days_left: report.tls.as_ref().map(|t| t.chain.days_left(now)),
        };
        apply(&mut outcome, assertions::evaluate(&spec.assertions, &observed));
        if outcome.status == Status::Down {
            facts.excerpt = body_excerpt(body.as_deref(), spec);
        }
    }
    outcome.http = Some(facts);
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

/// No answer: the phases that completed, and the phase that failed named.
fn failed(failure: &ProbeFailure) -> CheckOutcome {
    // A refused certificate is kept too: the page shows what the server sends.
    let certificate = failure
        .refused
        .as_ref()
        .and_then(|(_, chain)| chain.clone())
        .map(|chain| Box::new(SeenChain { chain, version: String::new(), accepted: false }));
    let facts = HttpFacts {
        phases: failure.phases,
        resolved_ip: failure.resolved_ip,
        certificate,
        ..HttpFacts::default()
    };
    CheckOutcome {
        status: Status::Down,
        latency_ms: None,
        http_status: None,
        error: Some(failure.message()),
        http: Some(facts),
    }
}

/// The answer's headers as text, for assertions only: most checks have none,
/// and need not copy every header of every answer.
fn header_texts(headers: &http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned())
        })
        .collect()
}

/// The start of a failing answer's body, if it had one (a HEAD, a 204 and
/// an empty error page have nothing to show).
fn body_excerpt(body: Option<&[u8]>, spec: &HttpSpec) -> Option<String> {
    body.filter(|b| !b.is_empty()).map(|b| excerpt(b, &secrets(spec)))
}

/// What must not be shown back: the monitor's header values, its request
/// body, and the password of its URL.
fn secrets(spec: &HttpSpec) -> Vec<&str> {
    let mut secrets: Vec<&str> = spec.headers.values().map(String::as_str).collect();
    secrets.extend(spec.body.as_deref());
    secrets.extend(spec.url.password());
    secrets
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
            http: None,
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
