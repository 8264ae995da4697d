//! HTTP and TCP checks against real servers on loopback: what a user sees for
//! each kind of answer.

use crate::common;

use std::time::{Duration, Instant};

use common::{Reply, Server};
use domain::monitors::{HttpSpec, Status, StatusRange, TcpSpec};
use jobs::checks::{check_http, check_tcp, CheckOutcome};
use jobs::outbound::{Outbound, OutboundOptions};
use jobs::testing::tls::{self, TestCa};

const TIMEOUT: Duration = Duration::from_secs(2);

/// The guard, allowing the stand-ins' address (127.0.0.2) and no other loopback.
fn allowing_stand_ins() -> Outbound {
    Outbound::new(OutboundOptions {
        allow: vec!["127.0.0.2/32".parse().expect("CIDR")],
        ..OutboundOptions::default()
    })
    .expect("outbound")
}

fn spec(url: &str) -> HttpSpec {
    HttpSpec::get(url).expect("valid spec")
}

fn ranges(raw: &[&str]) -> Vec<StatusRange> {
    raw.iter().map(|r| StatusRange::try_from((*r).to_owned()).expect("range")).collect()
}

fn assert_down(outcome: &CheckOutcome, error: &str) {
    assert_eq!(outcome.status, Status::Down, "{outcome:?}");
    assert_eq!(outcome.error.as_deref(), Some(error), "{outcome:?}");
}

#[tokio::test]
async fn an_expected_status_is_up_with_its_latency() {
    let server = Server::start("127.0.0.2", |_| Reply::ok("fine")).await;
    let outcome = check_http(&allowing_stand_ins(), &spec(&server.url("/")), TIMEOUT).await;
    assert_eq!(outcome.status, Status::Up, "{outcome:?}");
    assert_eq!(outcome.http_status, Some(200));
    assert!(outcome.latency_ms.is_some_and(|ms| ms < 1000), "{outcome:?}");
    assert_eq!(outcome.error, None);
}

#[tokio::test]
async fn a_status_outside_the_expected_ranges_is_down_and_says_which() {
    let server = Server::start("127.0.0.2", |req| match req.path.as_str() {
        "/busy" => Reply::status(503),
        _ => Reply::status(404),
    })
    .await;
    let out = allowing_stand_ins();

    let outcome = check_http(&out, &spec(&server.url("/busy")), TIMEOUT).await;
    assert_down(&outcome, "HTTP 503 is not in the expected 200-399");
    assert_eq!(outcome.http_status, Some(503));
    assert!(outcome.latency_ms.is_some());
    let excerpt = outcome.http.as_ref().and_then(|h| h.excerpt.as_deref());
    assert_eq!(excerpt, None, "an empty body leaves nothing to show");

    let mut custom = spec(&server.url("/missing"));
    custom.expected_status = ranges(&["200-299", "301"]);
    assert_down(
        &check_http(&out, &custom, TIMEOUT).await,
        "HTTP 404 is not in the expected 200-299, 301",
    );

    custom.expected_status = ranges(&["404"]);
    assert_eq!(check_http(&out, &custom, TIMEOUT).await.status, Status::Up);
}

#[tokio::test]
async fn a_keyword_must_be_present_or_absent_as_configured() {
    let server = Server::start("127.0.0.2", |_| Reply::ok("<p>status: healthy</p>")).await;
    let out = allowing_stand_ins();
    let mut check = spec(&server.url("/"));

    check.keyword = Some("healthy".into());
    assert_eq!(check_http(&out, &check, TIMEOUT).await.status, Status::Up);

    check.keyword = Some("maintenance".into());
    assert_down(
        &check_http(&out, &check, TIMEOUT).await,
        "keyword \"maintenance\" was not found in the response",
    );

    check.keyword_absent = true;
    assert_eq!(check_http(&out, &check, TIMEOUT).await.status, Status::Up);

    check.keyword = Some("healthy".into());
    assert_down(
        &check_http(&out, &check, TIMEOUT).await,
        "keyword \"healthy\" was found in the response",
    );
}

#[tokio::test]
async fn a_slow_answer_is_degraded_above_the_threshold() {
    let server =
        Server::start("127.0.0.2", |_| Reply::ok("late").after(Duration::from_millis(300))).await;
    let out = allowing_stand_ins();
    let mut check = spec(&server.url("/"));

    check.degraded_after_ms = Some(100);
    let outcome = check_http(&out, &check, TIMEOUT).await;
    assert_eq!(outcome.status, Status::Degraded, "{outcome:?}");
    assert!(outcome.latency_ms.is_some_and(|ms| ms >= 300), "{outcome:?}");
    assert_eq!(outcome.error, None);

    check.degraded_after_ms = Some(1500);
    assert_eq!(check_http(&out, &check, TIMEOUT).await.status, Status::Up);
}

#[tokio::test]
async fn without_following_redirects_the_3xx_is_what_counts() {
    let server = Server::start("127.0.0.2", |req| match req.path.as_str() {
        "/start" => Reply::redirect("/end"),
        _ => Reply::ok("end"),
    })
    .await;
    let out = allowing_stand_ins();
    let mut check = spec(&server.url("/start"));

    let followed = check_http(&out, &check, TIMEOUT).await;
    assert_eq!((followed.status, followed.http_status), (Status::Up, Some(200)));

    check.follow_redirects = false;
    let unfollowed = check_http(&out, &check, TIMEOUT).await;
    assert_eq!((unfollowed.status, unfollowed.http_status), (Status::Up, Some(302)));

    check.expected_status = ranges(&["200"]);
    assert_down(&check_http(&out, &check, TIMEOUT).await, "HTTP 302 is not in the expected 200");
    assert_eq!(server.requests().iter().filter(|r| r.path == "/end").count(), 1);
}

#[tokio::test]
async fn the_method_headers_and_body_are_sent_as_configured() {
    let server = Server::start("127.0.0.2", |_| Reply::status(201)).await;
    let mut check = spec(&server.url("/hook"));
    check.method = kinds::HttpMethod::Post;
    check.headers.insert("X-Check".into(), "yes".into());
    check.body = Some("ping".into());

    assert_eq!(check_http(&allowing_stand_ins(), &check, TIMEOUT).await.status, Status::Up);
    let requests = server.requests();
    let request = requests.first().expect("one request");
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/hook"));
    assert_eq!(request.header("x-check"), Some("yes"));
    assert!(request.header("user-agent").is_some_and(|ua| ua.starts_with("RunState/")));
    assert_eq!(request.body, b"ping");
}

#[tokio::test]
async fn an_endless_body_with_a_keyword_is_down_as_too_large() {
    let server = Server::start("127.0.0.2", |_| Reply::Endless).await;
    let mut check = spec(&server.url("/"));
    check.keyword = Some("never there".into());
    // Without the cap the endless body would end in the timeout instead.
    let outcome = check_http(&allowing_stand_ins(), &check, TIMEOUT).await;
    assert_down(&outcome, "the response body is larger than 1 MiB");
    assert_eq!(outcome.http_status, Some(200));
}

#[tokio::test]
async fn the_body_is_not_read_without_a_keyword() {
    // The body never comes: a check that waited for it would time out.
    let server = Server::start("127.0.0.2", |_| Reply::Stalled).await;
    let outcome = check_http(&allowing_stand_ins(), &spec(&server.url("/")), TIMEOUT).await;
    assert_eq!(outcome.status, Status::Up, "{outcome:?}");
}

#[tokio::test]
async fn a_silent_target_is_down_when_the_timeout_ends() {
    let server = Server::start("127.0.0.2", |_| Reply::Silent).await;
    let timeout = Duration::from_secs(1);
    let started = Instant::now();
    let outcome = check_http(&allowing_stand_ins(), &spec(&server.url("/")), timeout).await;
    assert_eq!(outcome.status, Status::Down);
    // The phase that was cut is named, and the time it was cut at (never early).
    let error = outcome.error.as_deref().unwrap_or_default();
    let ms = error.strip_prefix("timed out during the wait for the response after ");
    let ms: u64 = ms.and_then(|rest| rest.strip_suffix(" ms")?.parse().ok()).expect(error);
    assert!(ms >= 1000, "{error}");
    let phases = outcome.http.expect("the phases that completed").phases;
    assert!(phases.dns_ms.is_some() && phases.connect_ms.is_some(), "{phases:?}");
    assert_eq!((phases.tls_ms, phases.ttfb_ms), (None, None), "{phases:?}");
    // Never early; and long before the 60 s the silent server holds the
    // connection (a generous bound a loaded machine cannot miss).
    let elapsed = started.elapsed();
    assert!(elapsed >= timeout && elapsed < Duration::from_secs(30), "took {elapsed:?}");
}

#[tokio::test]
async fn a_slow_target_does_not_delay_another_check() {
    let slow = Server::start("127.0.0.2", |_| Reply::Silent).await;
    let fast = Server::start("127.0.0.2", |_| Reply::ok("quick")).await;
    let out = allowing_stand_ins();
    let (slow_spec, fast_spec) = (spec(&slow.url("/")), spec(&fast.url("/")));

    // The slow check waits up to 30 s: if checks were serialised, the fast
    // one could only finish after it. No duration is compared.
    let slow_check = tokio::spawn({
        let out = out.clone();
        async move { check_http(&out, &slow_spec, Duration::from_secs(30)).await }
    });
    while slow.requests().is_empty() {
        assert!(!slow_check.is_finished(), "the slow check ended before its request");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let fast_outcome = check_http(&out, &fast_spec, TIMEOUT).await;
    assert_eq!(fast_outcome.status, Status::Up, "{fast_outcome:?}");
    assert!(!slow_check.is_finished(), "the fast check waited for the slow one");
    slow_check.abort();
}

#[tokio::test]
async fn a_refused_target_is_down_with_the_rule_and_never_contacted() {
    let server = Server::counting("127.0.0.1").await;
    let out = Outbound::new(OutboundOptions::default()).expect("outbound");
    for url in [server.url("/"), format!("http://localhost:{}/", server.addr.port())] {
        let outcome = check_http(&out, &spec(&url), TIMEOUT).await;
        assert_down(
            &outcome,
            "refused 127.0.0.1: loopback address (allow it with --allow-targets)",
        );
        assert_eq!((outcome.http_status, outcome.latency_ms), (None, None));
    }
    assert_eq!(server.connections().await, 0);
}

#[tokio::test]
async fn a_bad_certificate_is_down_with_the_reason() {
    let ca = TestCa::new();
    let server =
        Server::start_tls("127.0.0.2", tls::acceptor(ca.expired_leaf(&["127.0.0.2"])), |_| {
            Reply::ok("no")
        })
        .await;
    let out = Outbound::new(OutboundOptions {
        allow: vec!["127.0.0.2/32".parse().expect("CIDR")],
        extra_roots_pem: vec![ca.pem.clone()],
        ..OutboundOptions::default()
    })
    .expect("outbound");
    let outcome = check_http(&out, &spec(&server.https_url("/")), TIMEOUT).await;
    assert_down(&outcome, "TLS handshake failed: the certificate has expired");
    let refused = outcome.http.and_then(|h| h.certificate).expect("the refused chain is kept");
    assert!(!refused.accepted && refused.chain.days_left(chrono::Utc::now()) < 0);
}

fn tcp(host: &str, port: u16) -> TcpSpec {
    TcpSpec { host: host.into(), port }.validated().expect("valid spec")
}

#[tokio::test]
async fn an_open_port_is_up() {
    let server = Server::counting("127.0.0.2").await;
    let outcome =
        check_tcp(&allowing_stand_ins(), &tcp("127.0.0.2", server.addr.port()), TIMEOUT).await;
    assert_eq!(outcome.status, Status::Up, "{outcome:?}");
    assert!(outcome.latency_ms.is_some());
    assert_eq!((outcome.http_status, outcome.error), (None, None));
    assert_eq!(server.connections().await, 1);
}

#[tokio::test]
async fn a_closed_port_is_down_with_connection_refused() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.2:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let outcome = check_tcp(&allowing_stand_ins(), &tcp("127.0.0.2", port), TIMEOUT).await;
    assert_down(&outcome, "could not connect: connection refused");
}

#[tokio::test]
async fn a_refused_tcp_host_is_down_and_never_contacted() {
    let server = Server::counting("127.0.0.1").await;
    let out = Outbound::new(OutboundOptions::default()).expect("outbound");
    for host in ["127.0.0.1", "localhost", "2130706433"] {
        let outcome = check_tcp(&out, &tcp(host, server.addr.port()), TIMEOUT).await;
        assert_down(
            &outcome,
            "refused 127.0.0.1: loopback address (allow it with --allow-targets)",
        );
    }
    assert_eq!(server.connections().await, 0);
}

/// Assertions as a form would give them, validated like the API's.
fn assertions(list: serde_json::Value) -> Vec<domain::assertions::Assertion> {
    let inputs = serde_json::from_value(list).expect("inputs");
    domain::assertions::validated_list(inputs, "http.assertions").expect("valid")
}

#[tokio::test]
async fn assertions_on_status_headers_and_body_judge_the_real_answer() {
    let server = Server::start("127.0.0.2", |req| match req.path.as_str() {
        "/api" => Reply::ok(r#"{"status": "ok", "build": "2026-12-07"}"#)
            .header("content-type", "application/json")
            .header("x-served-by", "edge-3"),
        _ => Reply::status(201).body("<p>created</p>"),
    })
    .await;
    let out = allowing_stand_ins();
    let mut check = spec(&server.url("/api"));

    check.assertions = assertions(serde_json::json!([
        {"source": "status", "op": "equals", "target": "200"},
        {"source": "header", "path": "Content-Type", "op": "contains", "target": "json"},
        {"source": "body_regex", "op": "matches", "target": r#""build":\s*"\d{4}-\d{2}-\d{2}""#},
        {"source": "json_path", "path": "$.status", "op": "equals", "target": "ok"},
        {"source": "time", "op": "less_than", "target": "5000"},
    ]));
    let outcome = check_http(&out, &check, TIMEOUT).await;
    assert_eq!((outcome.status, outcome.error.as_deref()), (Status::Up, None), "{outcome:?}");

    check.assertions = assertions(serde_json::json!([
        {"source": "header", "path": "x-served-by", "op": "matches", "target": "^edge-[12]$",
         "severity": "degrade"},
    ]));
    let outcome = check_http(&out, &check, TIMEOUT).await;
    assert_eq!(outcome.status, Status::Degraded, "{outcome:?}");
    assert_eq!(
        outcome.error.as_deref(),
        Some("header x-served-by is \"edge-3\", expected to match /^edge-[12]$/")
    );

    check.assertions = assertions(serde_json::json!([
        {"source": "body_regex", "op": "not_matches", "target": "(?i)STATUS", "severity": "degrade"},
        {"source": "header", "path": "retry-after", "op": "exists"},
    ]));
    assert_down(&check_http(&out, &check, TIMEOUT).await, "header retry-after is absent");

    // The expected ranges still come first: a 201 passes them, then the status assertion fails it.
    let mut created = spec(&server.url("/new"));
    created.assertions = assertions(serde_json::json!([
        {"source": "status", "op": "equals", "target": "200"},
    ]));
    let outcome = check_http(&out, &created, TIMEOUT).await;
    assert_down(&outcome, "status is 201, expected 200");
    assert_eq!(outcome.http_status, Some(201));
}

#[tokio::test]
async fn what_this_check_cannot_see_fails_its_assertion_and_says_so() {
    let server = Server::start("127.0.0.2", |_| Reply::ok("plain")).await;
    let mut check = spec(&server.url("/"));
    check.assertions = assertions(serde_json::json!([
        {"source": "cert_days", "op": "greater_than", "target": "14", "severity": "degrade"},
        {"source": "json_path", "path": "$.ok", "op": "exists"},
    ]));
    let outcome = check_http(&allowing_stand_ins(), &check, TIMEOUT).await;
    assert_eq!(outcome.status, Status::Down, "{outcome:?}");
    let error = outcome.error.unwrap_or_default();
    assert!(error.starts_with("body is not JSON"), "{error}");
    check.assertions.truncate(1);
    let outcome = check_http(&allowing_stand_ins(), &check, TIMEOUT).await;
    assert_eq!(outcome.status, Status::Degraded, "{outcome:?}");
    assert_eq!(
        outcome.error.as_deref(),
        Some("certificate days left are unknown (no TLS certificate on this check)")
    );
}
