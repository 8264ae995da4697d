//! The guarded way out, against real servers on loopback: refused targets get
//! no connection at all, and hostile targets end in bounded time and memory
//! with a distinct error.

use crate::common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::{Reply, Server};
use jobs::outbound::{
    read_capped, Outbound, OutboundError, OutboundOptions, Redirects, MAX_REDIRECTS,
};
use jobs::testing::tls::{self, TestCa};
use reqwest::Method;

const MIB: usize = 1024 * 1024;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(2);

fn outbound(allow: &[&str]) -> Outbound {
    Outbound::new(OutboundOptions {
        allow: allow.iter().map(|net| net.parse().expect("CIDR")).collect(),
        ..OutboundOptions::default()
    })
    .expect("outbound")
}

fn trusting(ca: &TestCa) -> Outbound {
    Outbound::new(OutboundOptions {
        allow: vec!["127.0.0.2/32".parse().expect("CIDR")],
        extra_roots_pem: vec![ca.pem.clone()],
        ..OutboundOptions::default()
    })
    .expect("outbound")
}

async fn get(out: &Outbound, url: &str) -> Result<reqwest::Response, OutboundError> {
    out.get(url).timeout(REQUEST_TIMEOUT).send().await
}

fn assert_loopback_refused(result: Result<impl std::fmt::Debug, OutboundError>, what: &str) {
    match result {
        Err(err @ OutboundError::Denied { rule: "loopback address", .. }) => {
            let text = err.to_string();
            assert!(text.starts_with("refused ") && text.contains("loopback address"), "{text}");
            assert!(text.contains("--allow-targets"), "{text}");
        }
        other => panic!("{what}: expected a loopback refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn loopback_in_every_spelling_is_refused_without_a_connection() {
    let v4 = Server::counting("127.0.0.1").await;
    let v6 = Server::counting("::1").await;
    let (p4, p6) = (v4.addr.port(), v6.addr.port());
    let out = outbound(&[]);

    let urls = [
        format!("http://127.0.0.1:{p4}/"),
        format!("http://localhost:{p4}/"),
        format!("http://2130706433:{p4}/"),
        format!("http://0x7f000001:{p4}/"),
        format!("http://0177.0.0.1:{p4}/"),
        format!("http://127.1:{p4}/"),
        format!("http://[::1]:{p6}/"),
        format!("http://[::ffff:127.0.0.1]:{p4}/"),
        format!("http://[::ffff:7f00:1]:{p4}/"),
        format!("https://127.0.0.1:{p4}/"),
    ];
    for url in &urls {
        assert_loopback_refused(get(&out, url).await, url);
        let no_redirects = out.request(Method::GET, url, Redirects::Return);
        assert_loopback_refused(no_redirects.send().await, url);
    }
    for host in [
        "127.0.0.1",
        "localhost",
        "2130706433",
        "0x7f000001",
        "0177.0.0.1",
        "127.1",
        "::ffff:7f00:1",
    ] {
        assert_loopback_refused(out.connect_tcp(host, p4, REQUEST_TIMEOUT).await, host);
        assert_loopback_refused(out.resolve_checked(host, p4).await, host);
    }
    for host in ["::1", "[::1]"] {
        assert_loopback_refused(out.connect_tcp(host, p6, REQUEST_TIMEOUT).await, host);
    }
    assert_eq!(v4.connections().await, 0, "no connection may reach a refused target");
    assert_eq!(v6.connections().await, 0, "no connection may reach a refused target");

    // The control: allowed, the same spellings do reach the counting server.
    let allowed = outbound(&["127.0.0.1/32"]);
    for url in &urls[..6] {
        let response = get(&allowed, url).await.expect("allowed target answers");
        assert_eq!(response.status(), 200);
    }
    assert_eq!(v4.connections().await, 6);
}

#[tokio::test]
async fn a_redirect_into_a_refused_target_is_stopped_before_connecting() {
    let refused = Server::counting("127.0.0.1").await;
    let port = refused.addr.port();
    let allowed = Server::start("127.0.0.2", move |req| match req.path.as_str() {
        "/literal" => Reply::redirect(format!("http://127.0.0.1:{port}/")),
        "/name" => Reply::redirect(format!("http://localhost:{port}/")),
        "/decimal" => Reply::redirect(format!("http://2130706433:{port}/")),
        "/mapped" => Reply::redirect(format!("http://[::ffff:127.0.0.1]:{port}/")),
        _ => Reply::status(404),
    })
    .await;
    let out = outbound(&["127.0.0.2/32"]);

    for path in ["/literal", "/name", "/decimal", "/mapped"] {
        assert_loopback_refused(get(&out, &allowed.url(path)).await, path);
    }
    assert_eq!(allowed.connections().await, 4, "the allowed target itself is reached");
    assert_eq!(refused.connections().await, 0, "the redirect target is never connected to");
}

#[tokio::test]
async fn redirects_to_other_schemes_are_not_followed() {
    let server = Server::start("127.0.0.2", |req| match req.path.as_str() {
        "/ftp" => Reply::redirect("ftp://127.0.0.1/"),
        _ => Reply::redirect("file:///etc/passwd"),
    })
    .await;
    let out = outbound(&["127.0.0.2/32"]);
    let err = get(&out, &server.url("/ftp")).await.expect_err("refused");
    assert!(matches!(err, OutboundError::InvalidUrl(_)), "{err:?}");
    assert_eq!(err.to_string(), "invalid URL: only http and https are supported, not ftp");
    // A location without a host is not even a URL to follow: the 3xx comes back as it is.
    let response = get(&out, &server.url("/file")).await.expect("3xx");
    assert_eq!(response.status(), 302);
    assert_eq!(server.connections().await, 2);
}

#[tokio::test]
async fn ten_redirects_are_followed_and_the_eleventh_is_refused() {
    // /hop/N redirects to /hop/N-1; /hop/0 answers.
    let server = Server::start("127.0.0.2", |req| {
        let n: usize = req.path.trim_start_matches("/hop/").parse().unwrap_or(0);
        if n == 0 {
            Reply::ok("arrived")
        } else {
            Reply::redirect(format!("/hop/{}", n - 1))
        }
    })
    .await;
    let out = outbound(&["127.0.0.2/32"]);

    let response =
        get(&out, &server.url(&format!("/hop/{MAX_REDIRECTS}"))).await.expect("followed");
    assert_eq!(response.text().await.expect("body"), "arrived");

    let err =
        get(&out, &server.url(&format!("/hop/{}", MAX_REDIRECTS + 1))).await.expect_err("too many");
    assert!(matches!(err, OutboundError::TooManyRedirects), "{err:?}");
}

#[tokio::test]
async fn a_redirect_loop_ends_with_too_many_redirects() {
    let server = Server::start("127.0.0.2", |_| Reply::redirect("/loop")).await;
    let out = outbound(&["127.0.0.2/32"]);
    let err = get(&out, &server.url("/loop")).await.expect_err("loop");
    assert!(matches!(err, OutboundError::TooManyRedirects), "{err:?}");
    assert_eq!(err.to_string(), "too many redirects (more than 10)");
    assert_eq!(server.connections().await, MAX_REDIRECTS + 1, "the first request plus ten hops");
}

#[tokio::test]
async fn an_endless_body_stops_at_the_cap_quickly() {
    let server = Server::start("127.0.0.2", |_| Reply::Endless).await;
    let out = outbound(&["127.0.0.2/32"]);
    // Without the cap the endless body would end in a timeout, not this error.
    let response = get(&out, &server.url("/")).await.expect("headers");
    let err = read_capped(response, MIB).await.expect_err("capped");
    assert!(matches!(err, OutboundError::BodyTooLarge { limit: MIB }), "{err:?}");
    assert_eq!(err.to_string(), "the response body is larger than 1 MiB");
}

#[tokio::test]
async fn a_huge_declared_body_is_refused() {
    let server = Server::start("127.0.0.2", |_| Reply::Declared(50 * 1024 * 1024 * 1024)).await;
    let out = outbound(&["127.0.0.2/32"]);
    let response = get(&out, &server.url("/")).await.expect("headers");
    let err = read_capped(response, MIB).await.expect_err("capped");
    assert!(matches!(err, OutboundError::BodyTooLarge { .. }), "{err:?}");
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).expect("compress");
    encoder.finish().expect("compress")
}

#[tokio::test]
async fn a_gzip_bomb_stops_at_the_cap_after_decompression() {
    let bomb = gzip(&vec![0; 10 * 1000 * 1000]);
    assert!(bomb.len() < 64 * 1024, "the bomb is small on the wire");
    let small = gzip(b"hello, decoded");
    let server = Server::start("127.0.0.2", move |req| {
        let body = if req.path == "/small" { small.clone() } else { bomb.clone() };
        Reply::ok(body).header("content-encoding", "gzip")
    })
    .await;
    let out = outbound(&["127.0.0.2/32"]);

    let response = get(&out, &server.url("/bomb")).await.expect("headers");
    let err = read_capped(response, MIB).await.expect_err("capped");
    assert!(matches!(err, OutboundError::BodyTooLarge { limit: MIB }), "{err:?}");

    // The control: an honest gzip body is decoded.
    let response = get(&out, &server.url("/small")).await.expect("headers");
    assert_eq!(&read_capped(response, MIB).await.expect("body")[..], b"hello, decoded");
}

#[tokio::test]
async fn a_silent_server_times_out_within_the_timeout() {
    let server = Server::start("127.0.0.2", |_| Reply::Silent).await;
    let out = outbound(&["127.0.0.2/32"]);
    let timeout = Duration::from_secs(1);
    let started = Instant::now();
    let err = out.get(&server.url("/")).timeout(timeout).send().await.expect_err("timeout");
    let elapsed = started.elapsed();
    assert!(matches!(err, OutboundError::Timeout), "{err:?}");
    // Never early; and long before the 60 s the silent server holds the
    // connection (a generous bound a loaded machine cannot miss).
    assert!(elapsed >= timeout && elapsed < Duration::from_secs(30), "took {elapsed:?}");
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.2:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let out = outbound(&["127.0.0.2/32"]);
    let err = get(&out, &format!("http://127.0.0.2:{port}/")).await.expect_err("refused");
    assert_eq!(err.to_string(), "could not connect: connection refused");
}

#[tokio::test]
async fn a_trusted_private_ca_is_accepted() {
    let ca = TestCa::new();
    let server = Server::start_tls("127.0.0.2", tls::acceptor(ca.leaf(&["127.0.0.2"])), |_| {
        Reply::ok("secure")
    })
    .await;
    let response = get(&trusting(&ca), &server.https_url("/")).await.expect("trusted");
    assert_eq!(response.text().await.expect("body"), "secure");

    // Without the extra root the same server is not trusted.
    let err =
        get(&outbound(&["127.0.0.2/32"]), &server.https_url("/")).await.expect_err("untrusted");
    assert!(err.to_string().contains("not trusted"), "{err}");
}

#[tokio::test]
async fn bad_certificates_fail_with_distinct_reasons() {
    let ca = TestCa::new();
    let out = trusting(&ca);
    let cases = [
        ("self-signed", tls::self_signed(&["127.0.0.2"]), "not trusted"),
        ("expired", ca.expired_leaf(&["127.0.0.2"]), "expired"),
        (
            "wrong host",
            ca.leaf(&["other.example"]),
            "not valid for 127.0.0.2 (it names other.example)",
        ),
    ];
    let mut texts = Vec::new();
    for (what, leaf, expected) in cases {
        let server = Server::start_tls("127.0.0.2", tls::acceptor(leaf), |_| Reply::ok("no")).await;
        let err = get(&out, &server.https_url("/")).await.expect_err(what);
        assert!(matches!(err, OutboundError::Tls(_)), "{what}: {err:?}");
        let text = err.to_string();
        assert!(text.contains(expected), "{what}: {text}");
        texts.push(text);
    }
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), 3, "each failure reads differently: {texts:?}");
}

#[tokio::test]
async fn extra_roots_that_are_not_pem_are_refused_at_start() {
    let opts = OutboundOptions {
        extra_roots_pem: vec![b"not a certificate".to_vec()],
        ..OutboundOptions::default()
    };
    let err = Outbound::new(opts).err().expect("refused");
    assert!(matches!(err, OutboundError::Tls(_)), "{err:?}");
}

#[tokio::test]
async fn clones_share_the_guard() {
    let server = Server::counting("127.0.0.1").await;
    let out = outbound(&[]).clone();
    assert_loopback_refused(get(&out, &server.url("/")).await, "clone");
    assert_eq!(server.connections().await, 0);
}
