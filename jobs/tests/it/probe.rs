//! The HTTP prober (`Outbound::probe`, and HTTP checks through it) against
//! real HTTP/1.1 and HTTP/2 servers on 127.0.0.2: every phase timed, the
//! phase that failed named, redirects checked hop by hop, and the start of a
//! failing body kept without the monitor's secrets.

use crate::common;

use std::convert::Infallible;
use std::io::Write;
use std::time::Duration;

use bytes::Bytes;
use common::{Reply, Server};
use domain::monitors::{HttpSpec, Status};
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use jobs::checks::check_http;
use jobs::outbound::{BodyRead, HttpVersion, Outbound, OutboundOptions, ProbeRequest};
use jobs::testing::tls::{self, TestCa};
use jobs::testing::{STAND_IN_ALLOW, STAND_IN_HOST};
use tokio::net::TcpListener;

const TIMEOUT: Duration = Duration::from_secs(5);

fn outbound(ca: Option<&TestCa>) -> Outbound {
    Outbound::new(OutboundOptions {
        allow: vec![STAND_IN_ALLOW.parse().expect("CIDR")],
        extra_roots_pem: ca.map(|ca| vec![ca.pem.clone()]).unwrap_or_default(),
        ..OutboundOptions::default()
    })
    .expect("outbound")
}

fn spec(url: &str) -> HttpSpec {
    HttpSpec::get(url).expect("valid spec")
}

fn request(url: &url::Url) -> ProbeRequest<'_> {
    ProbeRequest {
        method: http::Method::GET,
        url,
        headers: &[],
        body: None,
        max_redirects: 10,
        timeout: TIMEOUT,
        read_body: Some(1 << 20),
        peek_unless: None,
        version: HttpVersion::Auto,
        accept_invalid_certs: false,
        resolver: None,
        proxy: None,
    }
}

#[tokio::test]
async fn an_https_check_is_timed_by_phase_with_its_versions_and_address() {
    let ca = TestCa::new();
    let acceptor = tls::acceptor(ca.leaf(&[STAND_IN_HOST]));
    let server = Server::start_tls(STAND_IN_HOST, acceptor, |_| Reply::ok("all good")).await;
    let mut check = spec(&server.https_url("/"));
    check.keyword = Some("good".into());

    let outcome = check_http(&outbound(Some(&ca)), &check, TIMEOUT).await;
    assert_eq!(outcome.status, Status::Up, "{outcome:?}");
    let facts = outcome.http.expect("an HTTP check keeps its facts");
    let p = facts.phases;
    for (name, phase) in [
        ("dns", p.dns_ms),
        ("connect", p.connect_ms),
        ("tls", p.tls_ms),
        ("ttfb", p.ttfb_ms),
        ("transfer", p.transfer_ms),
    ] {
        assert!(phase.is_some(), "{name} was not measured: {p:?}");
    }
    let parts = [p.dns_ms, p.connect_ms, p.tls_ms, p.ttfb_ms, p.transfer_ms];
    let sum: u32 = parts.iter().flatten().sum();
    assert!(p.total_ms.is_some_and(|total| total >= sum), "{p:?}");
    assert_eq!(facts.resolved_ip, Some(STAND_IN_HOST.parse().expect("ip")));
    assert_eq!(facts.http_version.as_deref(), Some("HTTP/1.1"));
    assert_eq!(facts.tls_version.as_deref(), Some("TLSv1.3"));
    assert_eq!(facts.excerpt, None, "nothing is kept of a passing answer");
    let seen = facts.certificate.expect("an HTTPS check keeps the chain it was shown");
    assert!(seen.accepted);
    assert_eq!(seen.chain.leaf.subject, "CN=RunState test server");
}

/// An HTTPS server speaking HTTP/2 only (agreed by ALPN), answering 200
/// with the protocol it heard.
async fn h2_server(ca: &TestCa) -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let acceptor = tls::acceptor_offering(ca.leaf(&[STAND_IN_HOST]), &[b"h2"]);
    let listener = TcpListener::bind((STAND_IN_HOST, 0)).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else { return };
                let service = service_fn(|req: http::Request<hyper::body::Incoming>| async move {
                    let heard = format!("{:?}", req.version());
                    Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from(heard))))
                });
                let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    (addr, task)
}

#[tokio::test]
async fn http2_is_spoken_where_the_server_offers_it_and_refusable() {
    let ca = TestCa::new();
    let (addr, task) = h2_server(&ca).await;
    let url = url::Url::parse(&format!("https://{addr}/")).expect("url");
    let out = outbound(Some(&ca));

    let report = out.probe(request(&url)).await.expect("an answer");
    assert_eq!((report.status, report.http_version), (200, "HTTP/2"));
    assert_eq!(report.body, BodyRead::Read(Bytes::from_static(b"HTTP/2.0")));

    // Asked for HTTP/1.1 only, a server that speaks nothing else refuses
    // the handshake (no protocol in common), and the failure says so.
    let http1 = ProbeRequest { version: HttpVersion::Http1, ..request(&url) };
    let failure = out.probe(http1).await.expect_err("the server speaks HTTP/2 only");
    assert_eq!(failure.phase, kinds::HttpPhase::Tls, "{failure:?}");
    assert!(failure.message().starts_with("TLS handshake failed"), "{}", failure.message());
    assert!(failure.phases.connect_ms.is_some() && failure.phases.tls_ms.is_none());
    task.abort();
}

#[tokio::test]
async fn a_stalled_handshake_times_out_naming_the_tls_phase() {
    // Accepts the connection and never says a word.
    let listener = TcpListener::bind((STAND_IN_HOST, 0)).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = listener.accept().await {
            held.push(tcp);
        }
    });
    let check = spec(&format!("https://{addr}/"));
    let outcome = check_http(&outbound(None), &check, Duration::from_millis(800)).await;
    let error = outcome.error.as_deref().unwrap_or_default();
    assert!(error.starts_with("timed out during the TLS handshake after "), "{error}");
    let phases = outcome.http.expect("the phases that completed").phases;
    assert!(phases.connect_ms.is_some(), "{phases:?}");
    assert_eq!((phases.tls_ms, phases.ttfb_ms), (None, None), "{phases:?}");
    holder.abort();
}

#[tokio::test]
async fn a_failing_answer_keeps_the_start_of_its_body_without_the_monitors_secrets() {
    let server = Server::start(STAND_IN_HOST, |req| {
        // A server that echoes what it was sent, as error pages often do.
        let token = req.header("x-api-key").unwrap_or_default().to_owned();
        Reply::status(503).body(format!("<h1>Maintenance</h1><p>key {token} refused</p>"))
    })
    .await;
    let mut check = spec(&server.url("/"));
    check.headers.insert("X-Api-Key".into(), "sk_live_0123456789".into());

    let outcome = check_http(&outbound(None), &check, TIMEOUT).await;
    assert_eq!(outcome.error.as_deref(), Some("HTTP 503 is not in the expected 200-399"));
    let excerpt = outcome.http.and_then(|f| f.excerpt).expect("the body's start is kept");
    assert_eq!(excerpt, "<h1>Maintenance</h1><p>key [redacted] refused</p>");
}

#[tokio::test]
async fn redirects_are_followed_hop_by_hop_each_checked_and_credentials_kept_home() {
    let end = Server::start(STAND_IN_HOST, |_| Reply::ok("end")).await;
    let end_url = end.url("/end");
    let start = Server::start(STAND_IN_HOST, move |req| match req.path.as_str() {
        "/local" => Reply::redirect("/final"),
        "/final" => Reply::ok("here"),
        "/away" => Reply::redirect(end_url.clone()),
        _ => Reply::redirect("http://127.0.0.1:9/denied"),
    })
    .await;
    let out = outbound(None);
    let auth = [(http::header::AUTHORIZATION, http::HeaderValue::from_static("Bearer t0ken"))];

    let url = url::Url::parse(&start.url("/local")).expect("url");
    let report = out.probe(ProbeRequest { headers: &auth, ..request(&url) }).await.expect("answer");
    assert_eq!((report.status, report.redirects), (200, 1));
    assert_eq!(start.requests()[1].header("authorization"), Some("Bearer t0ken"));

    // Another origin (another port) does not get the credentials.
    let url = url::Url::parse(&start.url("/away")).expect("url");
    let report = out.probe(ProbeRequest { headers: &auth, ..request(&url) }).await.expect("answer");
    assert_eq!((report.status, report.redirects), (200, 1));
    assert_eq!(end.requests()[0].header("authorization"), None);

    // A hop to a denied address is refused before any connection.
    let outcome = check_http(&out, &spec(&start.url("/elsewhere")), TIMEOUT).await;
    assert_eq!(
        outcome.error.as_deref(),
        Some("refused 127.0.0.1: loopback address (allow it with --allow-targets)")
    );
}

#[tokio::test]
async fn a_gzip_body_is_decoded_before_the_keyword_is_looked_for() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"<p>status: healthy</p>").expect("gzip");
    let zipped = gz.finish().expect("gzip");
    let server = Server::start(STAND_IN_HOST, move |_| {
        Reply::ok(zipped.clone()).header("content-encoding", "gzip")
    })
    .await;
    let mut check = spec(&server.url("/"));
    check.keyword = Some("healthy".into());
    let outcome = check_http(&outbound(None), &check, TIMEOUT).await;
    assert_eq!(outcome.status, Status::Up, "{outcome:?}");
    assert_eq!(server.requests()[0].header("accept-encoding"), Some("gzip, deflate"));
}

#[tokio::test]
async fn a_server_that_stalls_in_each_phase_is_named_for_it() {
    let out = outbound(None);
    let short = Duration::from_millis(700);
    let stalled = |outcome: &jobs::checks::CheckOutcome, during: &str| {
        let error = outcome.error.as_deref().unwrap_or_default();
        let prefix = format!("timed out during {during} after ");
        let ms: u64 = error
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(" ms")?.parse().ok())
            .unwrap_or_else(|| panic!("expected a timeout during {during}, got {error:?}"));
        assert!(ms >= 700, "{error}");
    };

    // connect: a listener whose accept queue is full drops further SYNs,
    // so the handshake never completes.
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.bind(format!("{STAND_IN_HOST}:0").parse().expect("addr")).expect("bind");
    let full = socket.listen(0).expect("listen");
    let port = full.local_addr().expect("addr").port();
    let mut queued = Vec::new();
    for _ in 0..2 {
        if let Ok(conn) = out.connect_tcp(STAND_IN_HOST, port, short).await {
            queued.push(conn);
        }
    }
    let outcome = check_http(&out, &spec(&format!("http://{STAND_IN_HOST}:{port}/")), short).await;
    stalled(&outcome, "the connection");

    // transfer: the head comes, the body never does.
    let server = Server::start(STAND_IN_HOST, |_| Reply::Stalled).await;
    let mut check = spec(&server.url("/"));
    check.keyword = Some("never".into());
    let outcome = check_http(&out, &check, short).await;
    stalled(&outcome, "the body transfer");
    assert_eq!(outcome.http_status, Some(200), "the head had come: {outcome:?}");
    let phases = outcome.http.expect("facts").phases;
    assert!(phases.ttfb_ms.is_some() && phases.transfer_ms.is_none(), "{phases:?}");
    drop((full, queued));
}

#[tokio::test]
async fn an_invalid_certificate_can_be_accepted_and_the_reason_is_kept() {
    let acceptor = tls::acceptor(tls::self_signed(&[STAND_IN_HOST]));
    let server = Server::start_tls(STAND_IN_HOST, acceptor, |_| Reply::ok("lab")).await;
    let url = url::Url::parse(&server.https_url("/")).expect("url");
    let out = outbound(None);

    let failure = out.probe(request(&url)).await.expect_err("refused by default");
    let refused = failure.refused.as_ref().map(|(why, _)| why.clone());
    assert_eq!(refused, Some(domain::tls::TlsFailure::SelfSigned));

    let lenient = ProbeRequest { accept_invalid_certs: true, ..request(&url) };
    let report = out.probe(lenient).await.expect("accepted when told to");
    assert_eq!(report.status, 200);
    let seen = report.tls.expect("the session");
    assert_eq!(seen.ignored, Some(domain::tls::TlsFailure::SelfSigned));
}

#[tokio::test]
async fn a_monitors_own_resolver_answers_and_its_addresses_are_checked() {
    let dns = jobs::testing::DnsStandIn::start().await;
    let server = Server::start(STAND_IN_HOST, |_| Reply::ok("by name")).await;
    let port = server.addr.port();
    dns.set("app.example.test", kinds::DnsRecordType::A, &[STAND_IN_HOST]);
    dns.set("inside.example.test", kinds::DnsRecordType::A, &["10.0.0.7"]);
    dns.set_rcode("gone.example.test", hickory_proto::op::ResponseCode::NXDomain);
    let out = outbound(None);
    let probe = |host: &str| format!("http://{host}:{port}/");

    let url = url::Url::parse(&probe("app.example.test")).expect("url");
    let report = out
        .probe(ProbeRequest { resolver: Some(dns.addr), ..request(&url) })
        .await
        .expect("resolved by the monitor's resolver");
    assert_eq!(report.resolved_ip, Some(STAND_IN_HOST.parse().expect("ip")));
    assert_eq!(
        server.requests()[0].header("host"),
        Some(format!("app.example.test:{port}").as_str())
    );

    let url = url::Url::parse(&probe("inside.example.test")).expect("url");
    let failure = out.probe(ProbeRequest { resolver: Some(dns.addr), ..request(&url) }).await;
    let failure = failure.expect_err("a private answer is refused");
    assert_eq!(failure.phase, kinds::HttpPhase::Dns);
    assert_eq!(
        failure.message(),
        "refused 10.0.0.7: private address (allow it with --allow-targets)"
    );

    let url = url::Url::parse(&probe("gone.example.test")).expect("url");
    let failure = out.probe(ProbeRequest { resolver: Some(dns.addr), ..request(&url) }).await;
    let message = failure.expect_err("no such name").message();
    assert!(message.contains("NXDOMAIN"), "{message}");
}

/// A forward proxy on 127.0.0.2: `CONNECT` tunnels anywhere; a plain
/// request in absolute form is answered by the proxy itself, echoing the
/// request line and its `Proxy-Authorization`.
async fn proxy() -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = TcpListener::bind((STAND_IN_HOST, 0)).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                while !head.ends_with(b"\r\n\r\n") {
                    let Ok(byte) = client.read_u8().await else { return };
                    head.push(byte);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let line = head.lines().next().unwrap_or_default().to_owned();
                if let Some(target) =
                    line.strip_prefix("CONNECT ").and_then(|l| l.split(' ').next())
                {
                    #[allow(
                        clippy::disallowed_methods,
                        reason = "the proxy stand-in reaches the target itself"
                    )]
                    let Ok(mut upstream) = tokio::net::TcpStream::connect(target).await
                    else {
                        return;
                    };
                    let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await;
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                } else {
                    let auth = head
                        .lines()
                        .find_map(|l| {
                            let (name, value) = l.split_once(": ")?;
                            name.eq_ignore_ascii_case("proxy-authorization").then_some(value)
                        })
                        .unwrap_or("none")
                        .to_owned();
                    let body = format!("{line} / {auth}");
                    let reply =
                        format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}", body.len());
                    let _ = client.write_all(reply.as_bytes()).await;
                }
            });
        }
    });
    (addr, task)
}

#[tokio::test]
async fn a_proxy_is_what_is_checked_and_reached_and_it_reaches_the_target() {
    let (proxy_addr, task) = proxy().await;
    let proxy_url = url::Url::parse(&format!("http://ops:s3cret@{proxy_addr}")).expect("url");
    let out = outbound(None);

    // Plain HTTP: the whole URL goes to the proxy, with its credentials.
    let url = url::Url::parse("http://status.example.test/health").expect("url");
    let report = out
        .probe(ProbeRequest { proxy: Some(&proxy_url), ..request(&url) })
        .await
        .expect("answered by the proxy");
    let BodyRead::Read(body) = report.body else { panic!("{:?}", report.body) };
    assert_eq!(
        String::from_utf8_lossy(&body),
        "GET http://status.example.test/health HTTP/1.1 / Basic b3BzOnMzY3JldA=="
    );
    assert_eq!(report.resolved_ip, Some(STAND_IN_HOST.parse().expect("ip")), "the proxy's address");

    // HTTPS: a tunnel to a target on 127.0.0.1, which the guard would refuse
    // to RunState itself; the certificate is still the target's, verified.
    let ca = TestCa::new();
    let acceptor = tls::acceptor(ca.leaf(&["127.0.0.1"]));
    let target = Server::start_tls("127.0.0.1", acceptor, |_| Reply::ok("tunnelled")).await;
    let out = outbound(Some(&ca));
    let url = url::Url::parse(&target.https_url("/")).expect("url");
    let report = out
        .probe(ProbeRequest { proxy: Some(&proxy_url), ..request(&url) })
        .await
        .expect("through the tunnel");
    assert_eq!(report.body, BodyRead::Read(Bytes::from_static(b"tunnelled")));
    assert!(report.tls.is_some_and(|t| t.ignored.is_none()));
    let direct = out.probe(request(&url)).await.expect_err("not without the proxy");
    assert!(direct.message().starts_with("refused 127.0.0.1"), "{}", direct.message());

    // A proxy on a denied address is refused like any target.
    let inside = url::Url::parse("http://127.0.0.1:3128").expect("url");
    let refused = out.probe(ProbeRequest { proxy: Some(&inside), ..request(&url) }).await;
    assert!(refused.expect_err("denied").message().starts_with("refused 127.0.0.1"));
    task.abort();
}

#[tokio::test]
async fn certificate_days_are_counted_from_the_checks_own_time() {
    let ca = TestCa::new();
    let acceptor = tls::acceptor(ca.leaf_valid(&[STAND_IN_HOST], -1, 10));
    let server = Server::start_tls(STAND_IN_HOST, acceptor, |_| Reply::ok("ok")).await;
    let mut check = spec(&server.https_url("/"));
    let rule = serde_json::json!({"source": "cert_days", "op": "greater_than", "target": "14",
        "severity": "degrade"});
    check.assertions = domain::assertions::validated_list(
        vec![serde_json::from_value(rule).expect("assertion")],
        "http.assertions",
    )
    .expect("valid");
    let out = outbound(Some(&ca));

    let now = chrono::Utc::now();
    let outcome = jobs::checks::check_http_at(&out, &check, TIMEOUT, now).await;
    assert_eq!(outcome.status, Status::Degraded, "{outcome:?}");
    let error = outcome.error.as_deref();
    assert_eq!(error, Some("certificate days left is 10, expected more than 14"));
    // The same certificate, checked as if 20 days earlier, has 30 days left.
    let earlier = now - chrono::Duration::days(20);
    let outcome = jobs::checks::check_http_at(&out, &check, TIMEOUT, earlier).await;
    assert_eq!(outcome.status, Status::Up, "{outcome:?}");
}
