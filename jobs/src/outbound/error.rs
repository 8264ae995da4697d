//! Why an outbound request failed, in words a user can act on. The texts are
//! shown in the dashboard and stored with each check, so they stay short.

use std::error::Error as StdError;
use std::net::IpAddr;

use super::MAX_REDIRECTS;

/// Why an outbound request or connection failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum OutboundError {
    /// The target is on the deny list; no connection was attempted.
    #[error("refused {addr}: {rule} (allow it with --allow-targets)")]
    Denied {
        /// The refused address (a resolved one, for a host name).
        addr: IpAddr,
        /// Which rule refused it, e.g. "loopback address".
        rule: &'static str,
    },
    /// The URL (or a redirect's) cannot be requested.
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// The request itself is malformed (a bad header name or value, say).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The host name did not resolve.
    #[error("DNS lookup failed: {0}")]
    Dns(String),
    /// No TCP connection could be made.
    #[error("could not connect: {0}")]
    Connect(String),
    /// The TLS handshake failed, usually over the certificate.
    #[error("TLS handshake failed: {0}")]
    Tls(String),
    /// The whole exchange took longer than allowed.
    #[error("timed out")]
    Timeout,
    /// More redirects than RunState follows (a loop, usually).
    #[error("too many redirects (more than {MAX_REDIRECTS})")]
    TooManyRedirects,
    /// The (decoded) body went past the cap; reading stopped there.
    #[error("the response body is larger than {}", human_size(*limit))]
    BodyTooLarge {
        /// The cap, in bytes.
        limit: usize,
    },
    /// Anything else that went wrong in the HTTP exchange.
    #[error("request failed: {0}")]
    Http(String),
}

impl OutboundError {
    /// Classifies a reqwest error, recovering our own refusals from its causes.
    pub(crate) fn from_reqwest(err: reqwest::Error) -> Self {
        if let Some(found) = find_in_chain(&err) {
            return found;
        }
        if err.is_timeout() {
            return Self::Timeout;
        }
        if err.is_redirect() {
            return Self::TooManyRedirects;
        }
        if err.is_builder() {
            // A bad URL was recognised above; this is a bad header or the like.
            return Self::InvalidRequest(root_cause(&err));
        }
        if err.is_connect() {
            return Self::Connect(root_cause(&err));
        }
        if err.is_body() || err.is_decode() {
            return Self::Http(format!("could not read the body: {}", root_cause(&err)));
        }
        Self::Http(root_cause(&err))
    }

    /// Classifies any error of an exchange (hyper's), recovering our own
    /// refusals, TLS errors and I/O causes from its chain.
    pub(crate) fn from_error(err: &(dyn StdError + 'static)) -> Self {
        if let Some(found) = find_in_chain(err) {
            return found;
        }
        Self::Http(root_cause(err))
    }

    /// Describes a failed TCP connect.
    pub(crate) fn from_io(err: &std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::TimedOut {
            return Self::Timeout;
        }
        Self::Connect(describe_io(err))
    }
}

/// Walks the causes for a refusal of ours or a TLS error. `io::Error` hides its
/// payload from `source()`, so it is unwrapped by hand.
fn find_in_chain(err: &(dyn StdError + 'static)) -> Option<OutboundError> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(found) = classify_one(e) {
            return Some(found);
        }
        if let Some(inner) = e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            if let Some(found) = find_in_chain(inner) {
                return Some(found);
            }
        }
        current = e.source();
    }
    None
}

fn classify_one(e: &(dyn StdError + 'static)) -> Option<OutboundError> {
    if let Some(own) = e.downcast_ref::<OutboundError>() {
        return Some(own.clone());
    }
    if let Some(tls) = e.downcast_ref::<rustls::Error>() {
        return Some(OutboundError::Tls(describe_tls(tls)));
    }
    if let Some(url) = e.downcast_ref::<url::ParseError>() {
        return Some(OutboundError::InvalidUrl(url.to_string()));
    }
    None
}

/// The innermost cause, described plainly: reqwest's own top-level text
/// repeats the URL, which the user already knows.
fn root_cause(err: &(dyn StdError + 'static)) -> String {
    let mut last = err;
    while let Some(next) = last.source() {
        last = next;
    }
    match last.downcast_ref::<std::io::Error>() {
        Some(io) => describe_io(io),
        None => last.to_string(),
    }
}

fn describe_io(err: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match err.kind() {
        K::ConnectionRefused => "connection refused".into(),
        K::ConnectionReset => "connection reset by the server".into(),
        K::ConnectionAborted => "connection aborted".into(),
        K::HostUnreachable => "host unreachable".into(),
        K::NetworkUnreachable => "network unreachable".into(),
        K::UnexpectedEof => "the server closed the connection".into(),
        _ => err.to_string(),
    }
}

pub(crate) fn describe_tls(err: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match err {
        rustls::Error::InvalidCertificate(cert) => match cert {
            C::Expired | C::ExpiredContext { .. } => "the certificate has expired".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => {
                "the certificate is not valid yet".into()
            }
            C::NotValidForNameContext { expected, presented } => {
                format!(
                    "the certificate is not valid for {}{}",
                    expected.to_str(),
                    names(presented)
                )
            }
            C::NotValidForName => "the certificate is not valid for this host name".into(),
            C::UnknownIssuer => {
                "the certificate is not trusted (self-signed or from an unknown authority)".into()
            }
            C::Revoked => "the certificate has been revoked".into(),
            C::BadSignature => "the certificate has a bad signature".into(),
            other => format!("invalid certificate ({other:?})"),
        },
        rustls::Error::AlertReceived(alert) => format!("the server sent the alert {alert:?}"),
        other => other.to_string(),
    }
}

/// " (it names a, b)": the names a certificate presents, reduced from
/// webpki's debug form (`DnsName("a")`), at most three: the list is the
/// server's to make as long as it likes.
fn names(presented: &[String]) -> String {
    const SHOWN: usize = 3;
    if presented.is_empty() {
        return String::new();
    }
    let plain = |raw: &String| {
        let inner = raw.split_once('(').and_then(|(_, rest)| rest.strip_suffix(')'));
        inner.map_or(raw.as_str(), |n| n.trim_matches('"')).to_owned()
    };
    let mut list: Vec<String> = presented.iter().take(SHOWN).map(plain).collect();
    if presented.len() > SHOWN {
        list.push(format!("{} more", presented.len() - SHOWN));
    }
    format!(" (it names {})", list.join(", "))
}

/// "1 MiB" rather than "1048576".
fn human_size(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * KIB;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(
            OutboundError::BodyTooLarge { limit: 1 << 20 }.to_string(),
            "the response body is larger than 1 MiB"
        );
        assert_eq!(human_size(64 * 1024), "64 KiB");
        assert_eq!(human_size(1000), "1000 bytes");
    }

    #[test]
    fn presented_names_are_listed_plainly_and_briefly() {
        let raw = |n: &[&str]| n.iter().map(|s| format!("DnsName(\"{s}\")")).collect::<Vec<_>>();
        assert_eq!(names(&raw(&["other.example"])), " (it names other.example)");
        assert_eq!(names(&raw(&["a", "b", "c", "d", "e"])), " (it names a, b, c, 2 more)");
        assert_eq!(names(&[]), "");
    }

    #[test]
    fn refusals_survive_being_wrapped_in_io_errors() {
        let denied = OutboundError::Denied {
            addr: "127.0.0.1".parse().expect("ip"),
            rule: "loopback address",
        };
        let io = std::io::Error::other(denied);
        assert!(matches!(find_in_chain(&io), Some(OutboundError::Denied { .. })));
    }
}
