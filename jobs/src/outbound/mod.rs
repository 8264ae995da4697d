//! The one guarded way out: every request and connection RunState makes to a
//! target or a notification service goes through [`Outbound`]. It resolves the
//! name, checks every address against the deny list (see `guard`), and connects
//! to the address it checked. Redirects are checked hop by hop.
//!
//! [`Outbound`] never hands out its HTTP client: HTTP goes through
//! [`OutboundRequest`], TCP through [`Outbound::connect_tcp`], TLS inspection
//! through [`Outbound::inspect_tls`], SMTP through [`Outbound::send_mail`],
//! DNS queries through [`Outbound::query_dns`].
//! Building a client or a connection anywhere else is refused by clippy
//! (`disallowed-methods` in `clippy.toml`).

mod body;
mod client;
mod dns;
mod error;
mod guard;
mod icmp;
mod lookup;
mod probe;
mod request;
mod resolver;
mod smtp;
mod tls;

use std::net::SocketAddr;
use std::sync::{Arc, Once};
use std::time::Duration;

use tokio::net::TcpStream;

pub use body::read_capped;
pub use dns::{DnsReply, UDP_PAYLOAD};
pub use error::OutboundError;
pub use guard::deny_rule;
pub use icmp::{PingError, PingReport};
pub use probe::{BodyRead, HttpVersion, ProbeFailure, ProbeReport, ProbeRequest, TlsSeen};
pub use request::{OutboundRequest, Redirects};
pub use smtp::{SmtpEndpoint, SmtpSendError, SmtpTls};
pub use tls::{TlsInspectError, TlsInspection};

use guard::Guard;

/// How many redirects a request follows before giving up.
pub const MAX_REDIRECTS: usize = 10;

/// Settings for outbound traffic, read once at start-up.
#[derive(Debug, Clone)]
pub struct OutboundOptions {
    /// Ranges exempt from the deny list (`--allow-targets`).
    pub allow: Vec<ipnet::IpNet>,
    /// Extra trusted root certificates (PEM), for targets behind a private CA.
    pub extra_roots_pem: Vec<Vec<u8>>,
    /// The User-Agent header sent with every request.
    pub user_agent: String,
    /// The servers a `system` DNS monitor asks; `None` reads the nameservers
    /// of /etc/resolv.conf (the ones the C library's lookups use) once, here.
    pub system_dns: Option<Vec<SocketAddr>>,
}

impl Default for OutboundOptions {
    fn default() -> Self {
        Self {
            allow: Vec::new(),
            extra_roots_pem: Vec::new(),
            user_agent: format!("RunState/{}", env!("CARGO_PKG_VERSION")),
            system_dns: None,
        }
    }
}

/// The guarded clients; cheap to clone.
#[derive(Clone)]
pub struct Outbound {
    inner: Arc<Inner>,
}

struct Inner {
    guard: Arc<Guard>,
    client: reqwest::Client,
    no_redirects: reqwest::Client,
    trust: tls::Trust,
    system_dns: Vec<SocketAddr>,
    user_agent: http::HeaderValue,
}

impl Outbound {
    /// Builds the guarded clients (and installs the TLS crypto provider).
    pub fn new(opts: OutboundOptions) -> Result<Self, OutboundError> {
        install_crypto_provider();
        let guard = Arc::new(Guard::new(opts.allow.clone()));
        let roots = client::parse_roots(&opts.extra_roots_pem)?;
        let client = client::build(&opts, &guard, &roots, true)?;
        let no_redirects = client::build(&opts, &guard, &roots, false)?;
        let trust = tls::Trust::new(&opts.extra_roots_pem)?;
        let system_dns = opts.system_dns.clone().unwrap_or_else(dns::read_resolv_conf);
        let user_agent = http::HeaderValue::from_str(&opts.user_agent).map_err(|_| {
            OutboundError::InvalidRequest("the User-Agent is not a header value".into())
        })?;
        let inner = Inner { guard, client, no_redirects, trust, system_dns, user_agent };
        Ok(Self { inner: Arc::new(inner) })
    }

    /// The User-Agent every request sends.
    pub(crate) fn user_agent(&self) -> http::HeaderValue {
        self.inner.user_agent.clone()
    }

    /// Opens a TCP connection to a checked address of `host`, within `timeout`.
    pub async fn connect_tcp(
        &self,
        host: &str,
        port: u16,
        timeout: Duration,
    ) -> Result<TcpStream, OutboundError> {
        let attempt = async {
            let addrs = self.resolve_for_connect(host, port).await?;
            self.connect_checked(&addrs).await.map(|(stream, _)| stream)
        };
        tokio::time::timeout(timeout, attempt).await.map_err(|_| OutboundError::Timeout)?
    }

    /// Resolves and checks `host`, for [`Outbound::connect_checked`].
    pub(crate) async fn resolve_for_connect(
        &self,
        host: &str,
        port: u16,
    ) -> Result<CheckedAddrs, OutboundError> {
        self.resolve_checked(host, port).await.map(CheckedAddrs)
    }

    /// Connects to the first of the checked addresses that answers, and says
    /// which. Taking [`CheckedAddrs`], it cannot be handed an unchecked one.
    pub(crate) async fn connect_checked(
        &self,
        addrs: &CheckedAddrs,
    ) -> Result<(TcpStream, SocketAddr), OutboundError> {
        let mut last_error = None;
        for &addr in &addrs.0 {
            #[allow(
                clippy::disallowed_methods,
                reason = "the one TCP connect, to a checked address"
            )]
            let connected = TcpStream::connect(addr).await;
            match connected {
                Ok(stream) => return Ok((stream, addr)),
                Err(e) => last_error = Some(e),
            }
        }
        Err(last_error.map_or_else(
            || OutboundError::Dns("the host has no addresses".into()),
            |e| OutboundError::from_io(&e),
        ))
    }

    /// Resolves `host` (a name or an IP address in any spelling) and checks
    /// every address; refuses the host if any address is denied.
    pub async fn resolve_checked(
        &self,
        host: &str,
        port: u16,
    ) -> Result<Vec<SocketAddr>, OutboundError> {
        resolver::resolve_checked(&self.inner.guard, host, port).await
    }
}

/// Addresses the guard has checked. Only [`Outbound::resolve_for_connect`]
/// makes them, so a connection made from them went through the guard.
pub(crate) struct CheckedAddrs(Vec<SocketAddr>);

/// Makes aws-lc-rs the process's rustls crypto provider. Two providers are
/// linked (aws-lc-rs via reqwest, ring via sqlx), and with two rustls cannot
/// pick one by itself and panics; calling this again is harmless.
pub fn install_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Err means another provider was installed first, which is fine too.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    });
}
