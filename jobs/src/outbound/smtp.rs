//! SMTP through the guard: the server's name is resolved and checked here,
//! and lettre is handed the checked address (never the name), so it opens
//! its connection to exactly what the guard allowed. TLS still verifies the
//! certificate against the name.

use std::net::SocketAddr;
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::response::Response;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::{Outbound, OutboundError};

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text (`smtp://`), for a relay on the same machine or network.
    None,
    /// TLS from the first byte (`smtps://`).
    Implicit,
    /// Plain text upgraded with STARTTLS, refused if the server cannot (`smtp+starttls://`).
    StartTls,
}

/// Which SMTP server to reach, and how.
pub struct SmtpEndpoint<'a> {
    /// The server's name or address, as configured.
    pub host: &'a str,
    pub port: u16,
    pub tls: SmtpTls,
    pub credentials: Option<Credentials>,
    /// The limit on each SMTP command.
    pub timeout: Duration,
}

/// Why an email was not handed over.
#[derive(Debug, thiserror::Error)]
pub enum SmtpSendError {
    /// The guard or the name lookup refused the server; nothing was sent.
    #[error(transparent)]
    Outbound(#[from] OutboundError),
    /// The server (or the connection to it) failed the exchange.
    #[error(transparent)]
    Smtp(#[from] lettre::transport::smtp::Error),
}

impl Outbound {
    /// Sends `message` through the SMTP server at `endpoint`, connecting only
    /// to an address the guard checked.
    pub async fn send_mail(
        &self,
        endpoint: SmtpEndpoint<'_>,
        message: Message,
    ) -> Result<Response, SmtpSendError> {
        let addrs = self.resolve_checked(endpoint.host, endpoint.port).await?;
        let addr = addrs
            .first()
            .copied()
            .ok_or_else(|| OutboundError::Dns(format!("{} has no addresses", endpoint.host)))?;
        let transport = transport(&endpoint, addr)?;
        Ok(transport.send(message).await?)
    }
}

fn transport(
    endpoint: &SmtpEndpoint<'_>,
    addr: SocketAddr,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, SmtpSendError> {
    let tls_parameters = || {
        // The certificate is checked against the configured name, not the address.
        TlsParameters::new(endpoint.host.trim_start_matches('[').trim_end_matches(']').to_owned())
    };
    let tls = match endpoint.tls {
        SmtpTls::None => Tls::None,
        SmtpTls::Implicit => Tls::Wrapper(tls_parameters()?),
        SmtpTls::StartTls => Tls::Required(tls_parameters()?),
    };
    // "Dangerous" only means lettre sets no TLS by itself; `tls` above says which.
    #[allow(clippy::disallowed_methods, reason = "the one SMTP connection, to a checked address")]
    let mut builder =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(addr.ip().to_string())
            .port(addr.port())
            .tls(tls)
            .timeout(Some(endpoint.timeout));
    if let Some(credentials) = endpoint.credentials.clone() {
        builder = builder.credentials(credentials);
    }
    Ok(builder.build())
}
