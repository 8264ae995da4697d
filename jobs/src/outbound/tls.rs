//! The TLS door: a handshake with `host:port` that reports the chain the
//! server sent even when it is refused, so a check can say both "expired"
//! and which certificate, and when. The connection is the guard's
//! ([`Outbound::connect_tcp`]); trust is the same as for HTTP checks: the
//! platform's roots plus the operator's extra roots, verified by webpki.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use domain::tls::{CertSummary, TlsFailure};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, SignatureScheme};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::error::describe_tls;
use super::{Outbound, OutboundError};

/// What a completed handshake showed.
#[derive(Debug, Clone)]
pub struct TlsInspection {
    /// The chain the server sent, summarised.
    pub chain: CertSummary,
    /// The negotiated version, e.g. `TLSv1.3`.
    pub version: String,
    /// How long the TCP connection took (resolving included).
    pub connect: Duration,
    /// How long the handshake took, after the connection.
    pub handshake: Duration,
}

/// Why an inspection gave no [`TlsInspection`].
#[derive(Debug, Clone, thiserror::Error)]
pub enum TlsInspectError {
    /// No handshake began: the guard refused, the name did not resolve, no
    /// connection, or the connection timed out.
    #[error(transparent)]
    Connect(OutboundError),
    /// The handshake failed or the certificate was refused.
    #[error("{failure}")]
    Refused {
        /// Why, in a user's terms.
        failure: TlsFailure,
        /// The chain the server sent, when it got that far (boxed: large, and rare).
        chain: Option<Box<CertSummary>>,
    },
}

/// The trust shared by every inspection: built on first use, because loading
/// the platform's roots reads files and most installations never inspect.
#[derive(Default)]
pub(crate) struct Trust {
    extra_roots: Vec<CertificateDer<'static>>,
    verifier: OnceLock<Result<Arc<dyn ServerCertVerifier>, rustls::Error>>,
}

impl Trust {
    /// Trust in the platform's roots and these (PEM, as the operator gave them).
    pub(crate) fn new(extra_roots_pem: &[Vec<u8>]) -> Result<Self, OutboundError> {
        let mut extra_roots = Vec::new();
        for (i, pem) in extra_roots_pem.iter().enumerate() {
            let certs = CertificateDer::pem_slice_iter(pem)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| {
                    OutboundError::Tls(format!(
                        "extra root certificate #{} is not valid PEM: {e}",
                        i + 1
                    ))
                })?;
            extra_roots.extend(certs);
        }
        Ok(Self { extra_roots, verifier: OnceLock::new() })
    }

    fn verifier(&self) -> Result<Arc<dyn ServerCertVerifier>, rustls::Error> {
        self.verifier
            .get_or_init(|| {
                let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
                let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(
                    self.extra_roots.iter().cloned(),
                    provider,
                )?;
                Ok(Arc::new(verifier) as Arc<dyn ServerCertVerifier>)
            })
            .clone()
    }
}

/// A TLS session over a guarded connection, and what its handshake showed.
pub(crate) struct Session {
    pub(crate) stream: tokio_rustls::client::TlsStream<TcpStream>,
    pub(crate) chain: CertSummary,
    /// The negotiated version, e.g. `TLSv1.3`.
    pub(crate) version: String,
    /// Why the certificate would have been refused, when told to go on anyway.
    pub(crate) ignored: Option<TlsFailure>,
}

/// Whether a handshake refuses a certificate that does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verify {
    /// Refuse it: the default, always for the `tls` kind.
    Strict,
    /// Go on, keeping why it would have been refused (a monitor that accepts
    /// invalid certificates, and says so on its page).
    Lenient,
}

impl Session {
    /// The protocol the server chose by ALPN (`h2`, `http/1.1`), if any.
    pub(crate) fn alpn(&self) -> Option<&[u8]> {
        self.stream.get_ref().1.alpn_protocol()
    }
}

impl Outbound {
    /// Connects to a checked address of `host` and completes a TLS handshake,
    /// all within `timeout`. The certificate is verified for `host` (a name or
    /// an IP address); a refused one comes back as [`TlsInspectError::Refused`]
    /// with the chain the server sent.
    pub async fn inspect_tls(
        &self,
        host: &str,
        port: u16,
        timeout: Duration,
    ) -> Result<TlsInspection, TlsInspectError> {
        server_name(host)?;
        let started = Instant::now();
        let tcp = self.connect_tcp(host, port, timeout).await.map_err(TlsInspectError::Connect)?;
        let connect = started.elapsed();
        let remaining = timeout.saturating_sub(connect);
        let shake = self.handshake(tcp, host, Vec::new(), Verify::Strict);
        let session = tokio::time::timeout(remaining, shake).await.map_err(|_| {
            TlsInspectError::Refused {
                failure: TlsFailure::handshake(&format!(
                    "timed out after {} ms",
                    started.elapsed().as_millis()
                )),
                chain: None,
            }
        })??;
        let handshake = started.elapsed().saturating_sub(connect);
        Ok(TlsInspection { chain: session.chain, version: session.version, connect, handshake })
    }

    /// Shakes hands over `tcp` (a guarded connection to `host`), offering the
    /// `alpn` protocols. The chain the server sent is kept either way.
    pub(crate) async fn handshake(
        &self,
        tcp: TcpStream,
        host: &str,
        alpn: Vec<Vec<u8>>,
        verify: Verify,
    ) -> Result<Session, TlsInspectError> {
        let name = server_name(host)?;
        let verifier = self.inner.trust.verifier().map_err(|e| refused(&e))?;
        let recorder = Arc::new(Recording {
            inner: verifier,
            seen: Mutex::default(),
            lenient: verify == Verify::Lenient,
            overlooked: Mutex::default(),
        });
        let mut config = ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| refused(&e))?
        .dangerous()
        // Not dangerous: the recorder keeps the chain and asks the real verifier.
        .with_custom_certificate_verifier(Arc::clone(&recorder) as Arc<dyn ServerCertVerifier>)
        .with_no_client_auth();
        config.alpn_protocols = alpn;

        let outcome = TlsConnector::from(Arc::new(config)).connect(name, tcp).await;
        let chain = recorder.summary().map(Box::new);
        let stream = match outcome {
            Ok(stream) => stream,
            Err(io) => {
                let failure = match io.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
                    Some(tls) => failure(tls, chain.as_deref()),
                    None => TlsFailure::handshake(&io.to_string()),
                };
                return Err(TlsInspectError::Refused { failure, chain });
            }
        };
        let version = stream
            .get_ref()
            .1
            .protocol_version()
            .map_or_else(|| "unknown".to_owned(), version_name);
        let chain = *chain.ok_or_else(|| TlsInspectError::Refused {
            failure: TlsFailure::handshake("the server's certificates could not be read"),
            chain: None,
        })?;
        let ignored = recorder.overlooked().map(|err| failure(&err, Some(&chain)));
        Ok(Session { stream, chain, version, ignored })
    }
}

fn server_name(host: &str) -> Result<ServerName<'static>, TlsInspectError> {
    // A bracketed IPv6 literal, as a URL spells it, is an address too.
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    ServerName::try_from(bare.to_owned()).map_err(|_| {
        TlsInspectError::Connect(OutboundError::InvalidRequest(format!(
            "`{host}` is not a host name or an IP address"
        )))
    })
}

fn refused(err: &rustls::Error) -> TlsInspectError {
    TlsInspectError::Refused { failure: failure(err, None), chain: None }
}

/// A rustls error in a user's terms. webpki says "unknown issuer" for a
/// self-signed certificate too; one that names itself as its issuer is that.
fn failure(err: &rustls::Error, chain: Option<&CertSummary>) -> TlsFailure {
    use CertificateError as C;
    match err {
        rustls::Error::InvalidCertificate(cert) => match cert {
            C::Expired | C::ExpiredContext { .. } => TlsFailure::Expired,
            C::NotValidYet | C::NotValidYetContext { .. } => TlsFailure::NotYetValid,
            C::NotValidForName | C::NotValidForNameContext { .. } => TlsFailure::HostnameMismatch,
            C::UnknownIssuer if chain.is_some_and(|c| c.leaf.self_issued) => TlsFailure::SelfSigned,
            C::UnknownIssuer => TlsFailure::UnknownIssuer,
            // A lone certificate that names itself as issuer and is refused for
            // anything else (`openssl req -x509` marks it a CA, which webpki
            // refuses as an end entity): to a user, it is self-signed.
            _ if chain.is_some_and(|c| c.leaf.self_issued && c.issuers.is_empty()) => {
                TlsFailure::SelfSigned
            }
            _ => TlsFailure::handshake(&describe_tls(err)),
        },
        _ => TlsFailure::handshake(&describe_tls(err)),
    }
}

/// `TLSv1_3` → `TLSv1.3`, as OpenSSL and most tools print it.
fn version_name(version: rustls::ProtocolVersion) -> String {
    match version {
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".to_owned(),
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".to_owned(),
        other => format!("{other:?}"),
    }
}

/// A verifier that keeps the chain it is shown, then asks the real one.
/// rustls forgets a chain it refused; a check still needs to describe it.
/// A lenient one accepts what the real one refuses and keeps why; the
/// handshake's signatures are still verified.
#[derive(Debug)]
struct Recording {
    inner: Arc<dyn ServerCertVerifier>,
    seen: Mutex<Vec<CertificateDer<'static>>>,
    lenient: bool,
    overlooked: Mutex<Option<rustls::Error>>,
}

impl Recording {
    fn overlooked(&self) -> Option<rustls::Error> {
        self.overlooked.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn summary(&self) -> Option<CertSummary> {
        let seen = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        CertSummary::from_der(&seen).ok()
    }
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let chain = std::iter::once(end_entity).chain(intermediates);
        *self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
            chain.map(|c| c.clone().into_owned()).collect();
        let verdict = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        match verdict {
            Err(err) if self.lenient => {
                *self.overlooked.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
                    Some(err);
                Ok(ServerCertVerified::assertion())
            }
            verdict => verdict,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }

    fn requires_raw_public_keys(&self) -> bool {
        self.inner.requires_raw_public_keys()
    }
}
