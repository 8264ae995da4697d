//! Listing a repository's (or an organisation's) self-hosted runners with
//! GitHub's REST API, through the guarded client: every page, 100 at a
//! time, following `Link: rel="next"`; with the documented headers; with
//! conditional requests (`If-None-Match`: a listing where every page is 304
//! reuses the stored runners and costs no rate limit); and honouring rate
//! limits (`x-ratelimit-*`, `retry-after`, secondary limits).
//! <https://docs.github.com/rest/actions/self-hosted-runners>

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use domain::monitors::GithubRunnersSpec;
use domain::runners::{ListedRunner, ListingOutcome, PageTag, RunnerStatus};
use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION, ETAG, IF_NONE_MATCH, LINK};
use reqwest::StatusCode;
use serde::Deserialize;

use crate::outbound::{read_capped, Outbound, OutboundError};

/// GitHub's API version this client speaks.
pub const API_VERSION: &str = "2022-11-28";
/// Runners per page: GitHub's maximum.
pub const PER_PAGE: u32 = 100;
/// Pages at most (10,000 runners): a bound against a server that never ends.
const MAX_PAGES: usize = 100;
/// Runners at most, whatever the pages hold: a bound against a server that
/// packs more than `PER_PAGE` into a page.
const MAX_RUNNERS: usize = 10_000;
/// A page's body at most.
const PAGE_LIMIT: usize = 4 * 1024 * 1024;
/// The longest GitHub may make us wait; a reset further away is not trusted.
const MAX_WAIT: chrono::Duration = chrono::Duration::hours(1);
/// A secondary limit without a stated wait: GitHub asks for at least a minute.
const SECONDARY_WAIT: chrono::Duration = chrono::Duration::seconds(60);

/// What one listing saw, with its cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub outcome: ListingOutcome,
    /// The last HTTP status GitHub answered.
    pub http_status: Option<u16>,
    /// Time for every request of the listing.
    pub elapsed: Duration,
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    runners: Vec<Runner>,
}

#[derive(Deserialize)]
struct Runner {
    id: i64,
    name: String,
    #[serde(default)]
    os: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    busy: bool,
    #[serde(default)]
    labels: Vec<Label>,
}

#[derive(Deserialize)]
struct Label {
    name: String,
}

/// How one request ended.
enum Answer {
    Page { runners: Vec<ListedRunner>, etag: Option<String>, next: Option<String> },
    NotModified,
    Stop(ListingOutcome),
}

/// Lists the runners of `spec` with `token`. `stored` is the last full
/// listing's pages: their ETags make the requests conditional.
pub async fn list_runners(
    out: &Outbound,
    spec: &GithubRunnersSpec,
    token: &str,
    stored: &[PageTag],
    timeout: Duration,
) -> Listing {
    let started = Instant::now();
    let mut last_status = None;
    // A budget for the whole listing: every page gets the monitor's timeout.
    let budget = timeout.saturating_mul(4).max(Duration::from_secs(60));
    let run = async {
        let first = walk(out, spec, token, stored, timeout, &mut last_status).await;
        match first {
            // Some pages changed, some did not: the 304 pages' runners are not
            // stored page by page, so list again without conditions.
            Walk::Mixed => match walk(out, spec, token, &[], timeout, &mut last_status).await {
                Walk::Done(outcome) => outcome,
                Walk::Mixed => ListingOutcome::Failed {
                    error: "GitHub answered 304 to a request without a condition".into(),
                },
            },
            Walk::Done(outcome) => outcome,
        }
    };
    let outcome =
        tokio::time::timeout(budget, run).await.unwrap_or_else(|_| ListingOutcome::Failed {
            error: format!("listing the runners took longer than {} s", budget.as_secs()),
        });
    Listing { outcome, http_status: last_status, elapsed: started.elapsed() }
}

enum Walk {
    Done(ListingOutcome),
    Mixed,
}

async fn walk(
    out: &Outbound,
    spec: &GithubRunnersSpec,
    token: &str,
    stored: &[PageTag],
    timeout: Duration,
    last_status: &mut Option<u16>,
) -> Walk {
    let mut url = Some(format!("{}?per_page={PER_PAGE}", spec.runners_url()));
    let (mut runners, mut pages) = (Vec::new(), Vec::new());
    let (mut changed, mut unchanged) = (0usize, 0usize);
    while let Some(current) = url.take() {
        if pages.len() >= MAX_PAGES {
            return Walk::Done(ListingOutcome::Failed {
                error: format!("more than {MAX_PAGES} pages of runners"),
            });
        }
        let index = pages.len();
        let etag = stored.get(index).filter(|p| p.url == current).and_then(|p| p.etag.clone());
        match request(out, &current, token, etag.as_deref(), timeout, last_status).await {
            Answer::Page { runners: page, etag, next } => {
                changed += 1;
                runners.extend(page);
                if runners.len() > MAX_RUNNERS {
                    return Walk::Done(ListingOutcome::Failed {
                        error: format!("more than {MAX_RUNNERS} runners"),
                    });
                }
                pages.push(PageTag { url: current, etag });
                url = match next {
                    Some(next) if same_origin(&next, &spec.api_url) => Some(next),
                    Some(_) => {
                        return Walk::Done(ListingOutcome::Failed {
                            error: "GitHub's next-page link points to another host".into(),
                        })
                    }
                    None => None,
                };
            }
            Answer::NotModified if etag.is_some() => {
                unchanged += 1;
                pages.push(PageTag { url: current, etag });
                url = stored.get(index + 1).map(|p| p.url.clone());
            }
            Answer::NotModified => return Walk::Mixed,
            Answer::Stop(outcome) => return Walk::Done(outcome),
        }
    }
    match (changed, unchanged) {
        (0, _) => Walk::Done(ListingOutcome::Unchanged),
        (_, 0) => Walk::Done(ListingOutcome::Listed { runners, pages }),
        _ => Walk::Mixed,
    }
}

async fn request(
    out: &Outbound,
    url: &str,
    token: &str,
    etag: Option<&str>,
    timeout: Duration,
    last_status: &mut Option<u16>,
) -> Answer {
    let mut request = out
        .get(url)
        .timeout(timeout)
        .header(ACCEPT, "application/vnd.github+json")
        .header("X-GitHub-Api-Version", API_VERSION)
        .header(AUTHORIZATION, format!("Bearer {token}"));
    if let Some(etag) = etag {
        request = request.header(IF_NONE_MATCH, etag);
    }
    let response = match request.send().await {
        Ok(response) => response,
        Err(OutboundError::Timeout) => {
            return Answer::Stop(ListingOutcome::Failed {
                error: format!("GitHub did not answer within {} ms", timeout.as_millis()),
            })
        }
        Err(err) => return Answer::Stop(ListingOutcome::Failed { error: err.to_string() }),
    };
    let status = response.status();
    *last_status = Some(status.as_u16());
    let headers = response.headers().clone();
    if status == StatusCode::NOT_MODIFIED {
        return Answer::NotModified;
    }
    let body = match read_capped(response, PAGE_LIMIT).await {
        Ok(body) => body,
        Err(err) => return Answer::Stop(ListingOutcome::Failed { error: err.to_string() }),
    };
    if !status.is_success() {
        return Answer::Stop(refusal(status, &headers, &body, Utc::now()));
    }
    match serde_json::from_slice::<Page>(&body) {
        Ok(page) => Answer::Page {
            runners: page.runners.into_iter().map(listed).collect(),
            etag: header(&headers, ETAG.as_str()).map(str::to_owned),
            next: header(&headers, LINK.as_str()).and_then(next_link),
        },
        Err(err) => Answer::Stop(ListingOutcome::Failed {
            error: format!("GitHub's runner list is not the documented JSON ({err})"),
        }),
    }
}

fn listed(runner: Runner) -> ListedRunner {
    ListedRunner {
        github_id: runner.id,
        name: runner.name,
        status: RunnerStatus::from_github(&runner.status),
        busy: runner.busy,
        os: runner.os,
        labels: runner.labels.into_iter().map(|l| l.name).collect(),
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// What a non-2xx answer means: a rate limit (wait), the token refused, or
/// another failure. Rate limits per GitHub's docs: 429, or 403 with
/// `x-ratelimit-remaining: 0`, `retry-after`, or a secondary-limit message.
pub fn refusal(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    now: DateTime<Utc>,
) -> ListingOutcome {
    let message = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned());
    let message = domain::text::remote(&message);
    let retry_after = header(headers, "retry-after").and_then(|v| v.trim().parse::<i64>().ok());
    let exhausted = header(headers, "x-ratelimit-remaining").is_some_and(|v| v.trim() == "0");
    let reset = header(headers, "x-ratelimit-reset")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .and_then(|secs| DateTime::from_timestamp(secs, 0));
    let secondary = message.to_lowercase().contains("rate limit");
    let limited = status == StatusCode::TOO_MANY_REQUESTS
        || (status == StatusCode::FORBIDDEN && (exhausted || retry_after.is_some() || secondary));
    if limited {
        let until = match (retry_after, exhausted, reset) {
            (Some(secs), _, _) => now + chrono::Duration::seconds(secs.max(1)),
            (None, true, Some(reset)) => reset,
            _ => now + SECONDARY_WAIT,
        };
        let until = until.clamp(now + chrono::Duration::seconds(1), now + MAX_WAIT);
        return ListingOutcome::RateLimited {
            until,
            error: format!("rate limited until {}", until.format("%Y-%m-%d %H:%M:%S UTC")),
        };
    }
    let error = match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            format!("GitHub rejected the token: {message}")
        }
        StatusCode::NOT_FOUND => format!(
            "GitHub found no such repository or organisation, or the token cannot see it ({message})"
        ),
        _ => format!("GitHub answered HTTP {}: {message}", status.as_u16()),
    };
    ListingOutcome::Failed { error }
}

/// The `rel="next"` URL of a `Link` header.
pub fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let is_next = params
            .split(';')
            .any(|p| p.trim().replace(' ', "").eq_ignore_ascii_case("rel=\"next\""));
        is_next.then(|| url.trim().trim_start_matches('<').trim_end_matches('>').to_owned())
    })
}

/// The token may only ever go to the configured API's scheme, host and port.
fn same_origin(url: &str, api_url: &str) -> bool {
    match (url::Url::parse(url), url::Url::parse(api_url)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap_or(HeaderValue::from_static("")));
        }
        map
    }

    #[test]
    fn the_next_link_is_found_among_others() {
        let link = r#"<https://api.github.com/repositories/1/actions/runners?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/1/actions/runners?per_page=100&page=3>; rel="last""#;
        assert_eq!(
            next_link(link).as_deref(),
            Some("https://api.github.com/repositories/1/actions/runners?per_page=100&page=2")
        );
        assert_eq!(next_link(r#"<https://x/?page=1>; rel="prev""#), None);
    }

    #[test]
    fn an_exhausted_primary_limit_waits_for_the_reset() {
        let now = Utc::now();
        let reset = (now.timestamp() + 120).to_string();
        let hs = headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", &reset)]);
        let body = br#"{"message": "API rate limit exceeded for user ID 1."}"#;
        match refusal(StatusCode::FORBIDDEN, &hs, body, now) {
            ListingOutcome::RateLimited { until, error } => {
                assert_eq!(until.timestamp(), now.timestamp() + 120);
                assert!(error.starts_with("rate limited until "), "{error}");
            }
            other => panic!("expected a rate limit, got {other:?}"),
        }
    }

    #[test]
    fn secondary_limits_and_429_honour_retry_after_or_wait_a_minute() {
        let now = Utc::now();
        let hs = headers(&[("retry-after", "30")]);
        let limited = |status, hs: &HeaderMap, body: &[u8]| match refusal(status, hs, body, now) {
            ListingOutcome::RateLimited { until, .. } => (until - now).num_seconds(),
            other => panic!("expected a rate limit, got {other:?}"),
        };
        assert_eq!(limited(StatusCode::FORBIDDEN, &hs, b"{}"), 30);
        assert_eq!(limited(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), b"{}"), 60);
        let body = br#"{"message": "You have exceeded a secondary rate limit."}"#;
        assert_eq!(limited(StatusCode::FORBIDDEN, &HeaderMap::new(), body), 60);
    }

    #[test]
    fn a_refused_token_is_a_clear_error_not_a_rate_limit() {
        let now = Utc::now();
        let body = br#"{"message": "Bad credentials"}"#;
        let outcome = refusal(StatusCode::UNAUTHORIZED, &HeaderMap::new(), body, now);
        assert_eq!(
            outcome,
            ListingOutcome::Failed { error: "GitHub rejected the token: Bad credentials".into() }
        );
        let body = br#"{"message": "Resource not accessible by personal access token"}"#;
        let hs = headers(&[("x-ratelimit-remaining", "4999")]);
        assert!(matches!(
            refusal(StatusCode::FORBIDDEN, &hs, body, now),
            ListingOutcome::Failed { error } if error.starts_with("GitHub rejected the token")
        ));
    }

    #[test]
    fn pagination_never_leaves_the_configured_api() {
        assert!(same_origin("https://api.github.com/x?page=2", "https://api.github.com"));
        assert!(!same_origin("https://evil.example/x", "https://api.github.com"));
        assert!(!same_origin("http://api.github.com/x", "https://api.github.com"));
    }
}
