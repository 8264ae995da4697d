//! Building the guarded reqwest clients.

use std::sync::Arc;
use std::time::Duration;

use reqwest::redirect::{Attempt, Policy};

use super::guard::Guard;
use super::resolver::{check_url, GuardedResolver};
use super::{OutboundError, OutboundOptions, MAX_REDIRECTS};

/// A ceiling for callers that set no timeout of their own (webhooks, Slack):
/// nothing outbound may hang a worker for ever.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Builds a client whose every connection goes through the guard.
#[allow(clippy::disallowed_methods, reason = "the guarded clients are built here and only here")]
pub(crate) fn build(
    opts: &OutboundOptions,
    guard: &Arc<Guard>,
    roots: &[reqwest::Certificate],
    follow_redirects: bool,
) -> Result<reqwest::Client, OutboundError> {
    let redirects =
        if follow_redirects { guarded_redirects(Arc::clone(guard)) } else { Policy::none() };
    reqwest::Client::builder()
        .user_agent(opts.user_agent.as_str())
        .dns_resolver(GuardedResolver::new(Arc::clone(guard)))
        // A proxy would resolve and connect on our behalf, past the guard;
        // without this, reqwest honours HTTP_PROXY and friends.
        .no_proxy()
        .redirect(redirects)
        // Redirects must not leak the previous URL to another host.
        .referer(false)
        // A fresh connection per request: a check measures the whole connect
        // and handshake, and sees a changed certificate at once.
        .pool_max_idle_per_host(0)
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(DEFAULT_TIMEOUT)
        .tls_certs_merge(roots.iter().cloned())
        .build()
        .map_err(|e| OutboundError::Http(format!("could not build the HTTP client: {e}")))
}

/// Parses the operator's extra root certificates (PEM, one or more per file).
pub(crate) fn parse_roots(pems: &[Vec<u8>]) -> Result<Vec<reqwest::Certificate>, OutboundError> {
    let mut roots = Vec::new();
    for (i, pem) in pems.iter().enumerate() {
        let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
            OutboundError::Tls(format!("extra root certificate #{} is not valid PEM: {e}", i + 1))
        })?;
        if certs.is_empty() {
            return Err(OutboundError::Tls(format!(
                "extra root certificate #{} contains no certificate",
                i + 1
            )));
        }
        roots.extend(certs);
    }
    Ok(roots)
}

/// Follows at most `MAX_REDIRECTS` hops, each to http(s) only, and checks
/// each hop's literal address (names go through the resolver, which checks them).
fn guarded_redirects(guard: Arc<Guard>) -> Policy {
    Policy::custom(move |attempt: Attempt| {
        // `previous` holds the original URL plus every hop followed so far.
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error(OutboundError::TooManyRedirects);
        }
        match check_url(&guard, attempt.url()) {
            Ok(()) => attempt.follow(),
            Err(refused) => attempt.error(refused),
        }
    })
}
