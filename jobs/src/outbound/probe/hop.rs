//! One hop of a probe: resolve, connect, shake hands, send, read the head;
//! and the report of the last one.

use std::pin::Pin;

use http::Version;
use hyper::body::Incoming;
use hyper::client::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo};
use kinds::HttpPhase;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::task::JoinHandle;

use super::message::{build, Hop};
use super::proxy;
use super::run::{millis, Run};
use super::{
    body, BodyRead, HttpVersion, ProbeFailure, ProbeReport, ProbeRequest, TlsSeen, PEEK_BYTES,
    PEEK_TIME,
};
use crate::outbound::tls::Verify;
use crate::outbound::{Outbound, OutboundError, TlsInspectError};

/// Anything a request can go over: a plain or a TLS connection.
trait Io: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Io for T {}

/// Drives the connection; dropping it closes the connection.
struct Driver(JoinHandle<()>);

impl Drop for Driver {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// An answer's head, with its connection still open for the body.
pub(super) struct Answer {
    pub(super) response: http::Response<Incoming>,
    _driver: Driver,
}

/// Sends one hop over a fresh guarded connection and reads the answer's head.
pub(super) async fn exchange(
    out: &Outbound,
    run: &mut Run,
    hop: &Hop,
    request: &ProbeRequest<'_>,
) -> Result<Answer, Box<ProbeFailure>> {
    let (version, accept_invalid) = (request.version, request.accept_invalid_certs);
    let url = &hop.url;
    let https = match url.scheme() {
        "https" => true,
        "http" => false,
        other => {
            let error = OutboundError::InvalidUrl(format!(
                "only http and https are supported, not {other}"
            ));
            return Err(run.fail(HttpPhase::Dns, error));
        }
    };
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return Err(
            run.fail(HttpPhase::Dns, OutboundError::InvalidUrl("the URL has no host".into()))
        );
    };

    // Through a proxy, the proxy is what is resolved, checked and reached.
    let (to_host, to_port) = match request.proxy {
        Some(proxy) => proxy::endpoint(proxy).map_err(|e| run.fail(HttpPhase::Dns, e))?,
        None => (host, port),
    };
    let addrs = match request.resolver {
        Some(resolver) => {
            let remaining = run.remaining();
            let lookup = out.resolve_via(resolver, to_host, to_port, remaining);
            run.phase(HttpPhase::Dns, lookup).await?
        }
        None => run.phase(HttpPhase::Dns, out.resolve_for_connect(to_host, to_port)).await?,
    };
    let (mut tcp, addr) = run.phase(HttpPhase::Connect, out.connect_checked(&addrs)).await?;
    run.resolved_ip = Some(addr.ip());
    if let (Some(proxy), true) = (request.proxy, https) {
        tcp = run.phase(HttpPhase::Connect, proxy::tunnel(tcp, proxy, host, port)).await?;
    }

    let (io, h2): (Pin<Box<dyn Io>>, bool) = if https {
        let verify = if accept_invalid { Verify::Lenient } else { Verify::Strict };
        let session = handshake(out, run, tcp, host, version, verify).await?;
        let h2 = session.alpn() == Some(b"h2");
        run.tls = Some(TlsSeen {
            version: session.version,
            chain: session.chain,
            ignored: session.ignored,
        });
        (Box::pin(session.stream), h2)
    } else {
        run.tls = None;
        (Box::pin(tcp), version == HttpVersion::Http2)
    };

    // Plain HTTP through a proxy: the request names the whole URL.
    let via = request.proxy.filter(|_| !https);
    let request = build(out, hop, h2, via).map_err(|e| run.fail(HttpPhase::Ttfb, e))?;
    let send = async {
        let io = TokioIo::new(io);
        let (response, driver) = if h2 {
            let (mut sender, conn) =
                http2::handshake(TokioExecutor::new(), io).await.map_err(hyper_error)?;
            let driver = Driver(tokio::spawn(async move {
                let _ = conn.await;
            }));
            (sender.send_request(request).await.map_err(hyper_error)?, driver)
        } else {
            let (mut sender, conn) = http1::handshake(io).await.map_err(hyper_error)?;
            let driver = Driver(tokio::spawn(async move {
                let _ = conn.await;
            }));
            (sender.send_request(request).await.map_err(hyper_error)?, driver)
        };
        Ok(Answer { response, _driver: driver })
    };
    run.phase(HttpPhase::Ttfb, send).await
}

/// The TLS phase: a refusal keeps the chain the server sent.
async fn handshake(
    out: &Outbound,
    run: &mut Run,
    tcp: tokio::net::TcpStream,
    host: &str,
    version: HttpVersion,
    verify: Verify,
) -> Result<crate::outbound::tls::Session, Box<ProbeFailure>> {
    let alpn: Vec<Vec<u8>> = match version {
        HttpVersion::Auto => vec![b"h2".to_vec(), b"http/1.1".to_vec()],
        HttpVersion::Http1 => vec![b"http/1.1".to_vec()],
        HttpVersion::Http2 => vec![b"h2".to_vec()],
    };
    let mut refused = None;
    let shake = async {
        out.handshake(tcp, host, alpn, verify).await.map_err(|err| match err {
            TlsInspectError::Connect(err) => err,
            TlsInspectError::Refused { failure, chain } => {
                let error = match &failure {
                    domain::tls::TlsFailure::Handshake(detail) => {
                        OutboundError::Tls(detail.clone())
                    }
                    other => OutboundError::Tls(other.to_string()),
                };
                refused = Some((failure, chain.map(|c| *c)));
                error
            }
        })
    };
    let session = run.phase(HttpPhase::Tls, shake).await;
    if let Err(mut failure) = session {
        failure.refused = refused;
        return Err(failure);
    }
    session
}

fn hyper_error(err: hyper::Error) -> OutboundError {
    OutboundError::from_error(&err)
}

impl Answer {
    /// The report of the final hop: reads the body if asked.
    pub(super) async fn finish(
        self,
        run: &mut Run,
        request: &ProbeRequest<'_>,
        redirects: usize,
    ) -> Result<ProbeReport, Box<ProbeFailure>> {
        let to_head = run.elapsed();
        let (parts, incoming) = self.response.into_parts();
        let status = parts.status.as_u16();
        let body = match request.read_body {
            None => match request.peek_unless {
                Some(fine) if !fine(status) => {
                    let peek = body::peek(incoming, &parts.headers, PEEK_BYTES);
                    match tokio::time::timeout(PEEK_TIME.min(run.remaining()), peek).await {
                        Ok(bytes) => BodyRead::Peeked(bytes),
                        Err(_) => BodyRead::NotRead,
                    }
                }
                _ => BodyRead::NotRead,
            },
            Some(limit) => {
                let read = body::read(incoming, &parts.headers, limit);
                match run.phase(HttpPhase::Transfer, read).await {
                    Ok(bytes) => BodyRead::Read(bytes),
                    Err(failure) => BodyRead::Failed(failure.message()),
                }
            }
        };
        let mut phases = run.phases;
        phases.total_ms = Some(millis(run.elapsed()));
        Ok(ProbeReport {
            status,
            headers: parts.headers,
            body,
            phases,
            to_head,
            resolved_ip: run.resolved_ip,
            http_version: if parts.version == Version::HTTP_2 { "HTTP/2" } else { "HTTP/1.1" },
            tls: run.tls.take(),
            redirects,
        })
    }
}
