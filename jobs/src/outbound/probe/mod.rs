//! The HTTP prober: one request, and its redirects, over fresh guarded
//! connections, timed by phase (dns, connect, tls, ttfb, transfer). reqwest
//! has no hook between its phases, so HTTP checks use this; notification
//! senders keep reqwest ([`super::OutboundRequest`]).
//!
//! Each hop resolves and checks its host ([`Outbound::resolve_for_connect`]),
//! connects to a checked address, shakes hands with the same trust as the
//! `tls` kind (keeping the chain the server sent), and speaks HTTP/1.1 or
//! HTTP/2 over that one connection with hyper.

mod body;
mod hop;
mod message;
mod proxy;
mod run;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use bytes::Bytes;
use domain::probe::Phases;
use domain::tls::{CertSummary, TlsFailure};
use http::{HeaderName, HeaderValue, Method};
use kinds::HttpPhase;
use url::Url;

use super::{Outbound, OutboundError, MAX_REDIRECTS};
use run::Run;

/// Which HTTP version to speak.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HttpVersion {
    /// HTTP/2 where the server offers it by ALPN, HTTP/1.1 otherwise (and on plain HTTP).
    #[default]
    Auto,
    Http1,
    /// HTTP/2 only: by ALPN over TLS, with prior knowledge over plain HTTP.
    Http2,
}

/// The most of a body [`ProbeRequest::peek_unless`] reads.
pub const PEEK_BYTES: usize = 8 * 1024;

/// How long reading a peek may take, at most: it only decorates a failure.
const PEEK_TIME: Duration = Duration::from_millis(500);

/// One probe: what to send and how far to go.
#[derive(Clone)]
pub struct ProbeRequest<'a> {
    pub method: Method,
    pub url: &'a Url,
    pub headers: &'a [(HeaderName, HeaderValue)],
    pub body: Option<Bytes>,
    /// Redirects to follow, each hop checked by the guard; 0 returns the 3xx.
    pub max_redirects: usize,
    /// The whole exchange, redirects and body included.
    pub timeout: Duration,
    /// Read the body, up to this many bytes after decoding; `None` leaves it unread.
    pub read_body: Option<usize>,
    /// When the body is not read: the statuses whose body is not worth a look.
    /// Any other status has the start of its body read ([`PEEK_BYTES`], for
    /// at most half a second), to show why it failed.
    pub peek_unless: Option<&'a (dyn Fn(u16) -> bool + Sync)>,
    pub version: HttpVersion,
    /// Go on past a certificate that does not verify (kept in [`TlsSeen::ignored`]).
    pub accept_invalid_certs: bool,
    /// The DNS server to resolve hosts with (`ip:port`); `None`: the system's.
    pub resolver: Option<SocketAddr>,
    /// An `http://[user:password@]host:port` proxy to go through.
    pub proxy: Option<&'a Url>,
}

/// The TLS session of the final hop.
#[derive(Debug, Clone)]
pub struct TlsSeen {
    /// e.g. `TLSv1.3`.
    pub version: String,
    pub chain: CertSummary,
    /// Why the certificate would have been refused, when the request said to
    /// accept invalid certificates.
    pub ignored: Option<TlsFailure>,
}

/// The body of the final response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyRead {
    /// Not asked for.
    NotRead,
    /// Decoded, within the cap.
    Read(Bytes),
    /// The start of the body of an answer with an unexpected status.
    Peeked(Bytes),
    /// Why reading it failed (too large, cut off, timed out), for the user.
    Failed(String),
}

/// What a probe that got an answer saw.
#[derive(Debug, Clone)]
pub struct ProbeReport {
    pub status: u16,
    /// The final response's headers (names are lower case in a `HeaderMap`).
    pub headers: http::HeaderMap,
    pub body: BodyRead,
    pub phases: Phases,
    /// To the final response's head, redirects included: the check's response time.
    pub to_head: Duration,
    /// The address the final hop connected to.
    pub resolved_ip: Option<IpAddr>,
    /// `HTTP/1.1` or `HTTP/2`.
    pub http_version: &'static str,
    pub tls: Option<TlsSeen>,
    pub redirects: usize,
}

/// Why a probe got no answer, and how far it went.
#[derive(Debug, Clone)]
pub struct ProbeFailure {
    /// The phase that failed.
    pub phase: HttpPhase,
    pub error: OutboundError,
    /// From the start to the failure.
    pub elapsed: Duration,
    /// The phases that completed.
    pub phases: Phases,
    pub resolved_ip: Option<IpAddr>,
    /// A refused handshake: why, and the chain the server sent when it got that far.
    pub refused: Option<(TlsFailure, Option<CertSummary>)>,
}

impl ProbeFailure {
    /// The sentence a user sees: a timeout names the phase it cut.
    pub fn message(&self) -> String {
        match &self.error {
            OutboundError::Timeout => format!(
                "timed out during {} after {} ms",
                self.phase.during(),
                self.elapsed.as_millis()
            ),
            other => other.to_string(),
        }
    }
}

impl Outbound {
    /// Sends `request` and follows its redirects (each hop checked), timing
    /// every phase; the whole exchange ends within `request.timeout`.
    pub async fn probe(&self, request: ProbeRequest<'_>) -> Result<ProbeReport, Box<ProbeFailure>> {
        let mut run = Run::new(request.timeout);
        let mut hop = message::Hop::first(&request);
        let max = request.max_redirects.min(MAX_REDIRECTS);
        for redirects in 0..=MAX_REDIRECTS {
            let answer = hop::exchange(self, &mut run, &hop, &request).await?;
            let next = if max == 0 { None } else { hop.follow(&answer.response) };
            match next {
                None => return answer.finish(&mut run, &request, redirects).await,
                Some(Err(error)) => return Err(run.fail(HttpPhase::Ttfb, error)),
                Some(Ok(_)) if redirects >= max => {
                    return Err(run.fail(HttpPhase::Ttfb, OutboundError::TooManyRedirects));
                }
                Some(Ok(next)) => hop = next,
            }
        }
        Err(run.fail(HttpPhase::Ttfb, OutboundError::TooManyRedirects))
    }
}
