//! TLS inspection (`Outbound::inspect_tls`) against real TLS servers on
//! 127.0.0.2 presenting generated chains: what a good chain records, each
//! refused certificate named for what it is (with the chain still described),
//! and the guard in the path.

use crate::common;

use std::time::Duration;

use chrono::Utc;
use common::{Reply, Server};
use domain::tls::{CertSummary, ExpiryThresholds, TlsFailure};
use jobs::outbound::{Outbound, OutboundError, OutboundOptions, TlsInspectError};
use jobs::testing::tls::{self, Leaf, TestCa};
use jobs::testing::{STAND_IN_ALLOW, STAND_IN_HOST};
use sha2::{Digest, Sha256};

const TIMEOUT: Duration = Duration::from_secs(5);

fn trusting(ca: &TestCa) -> Outbound {
    Outbound::new(OutboundOptions {
        allow: vec![STAND_IN_ALLOW.parse().expect("CIDR")],
        extra_roots_pem: vec![ca.pem.clone()],
        ..OutboundOptions::default()
    })
    .expect("outbound")
}

async fn serve(leaf: Leaf) -> Server {
    Server::start_tls(STAND_IN_HOST, tls::acceptor(leaf), |_| Reply::ok("tls")).await
}

/// Inspects a server presenting `leaf`, trusting `ca`.
async fn inspect(
    ca: &TestCa,
    leaf: Leaf,
) -> Result<jobs::outbound::TlsInspection, TlsInspectError> {
    let server = serve(leaf).await;
    trusting(ca).inspect_tls(STAND_IN_HOST, server.addr.port(), TIMEOUT).await
}

/// The failure and the chain of a refused handshake.
async fn refused(ca: &TestCa, leaf: Leaf) -> (TlsFailure, CertSummary) {
    match inspect(ca, leaf).await {
        Err(TlsInspectError::Refused { failure, chain }) => (failure, *chain.expect("the chain")),
        other => panic!("expected a refused certificate, got {other:?}"),
    }
}

#[tokio::test]
async fn a_trusted_chain_is_recorded_with_version_and_fingerprint() {
    let ca = TestCa::new();
    let leaf = ca.leaf(&["127.0.0.2"]);
    let der = leaf.cert.to_vec();
    let seen = inspect(&ca, leaf).await.expect("trusted");
    assert_eq!(seen.version, "TLSv1.3");
    let leaf = &seen.chain.leaf;
    assert_eq!(leaf.subject, "CN=RunState test server");
    assert_eq!(leaf.issuer, "CN=RunState test CA");
    assert_eq!(leaf.ip_addresses, [STAND_IN_HOST.parse::<std::net::IpAddr>().expect("ip")]);
    assert_eq!(seen.chain.fingerprint(), hex(&der));
    assert!(seen.chain.issuers.is_empty(), "the root is not sent");
}

#[tokio::test]
async fn a_certificate_expiring_in_five_days_is_accepted_and_crosses_the_7_day_threshold() {
    let ca = TestCa::new();
    let seen = inspect(&ca, ca.leaf_valid(&["127.0.0.2"], -30, 5)).await.expect("still valid");
    let days_left = seen.chain.days_left(Utc::now());
    assert_eq!(days_left, 5);
    let thresholds = ExpiryThresholds::default();
    assert_eq!(thresholds.crossed(None, days_left), Some(7));
    assert_eq!(thresholds.crossed(Some(days_left), days_left), None, "once, not per check");
}

#[tokio::test]
async fn an_intermediate_that_expires_first_is_named() {
    let root = TestCa::new();
    let intermediate = root.intermediate(20);
    let seen = inspect(&root, intermediate.leaf_valid(&["127.0.0.2"], -1, 300))
        .await
        .expect("a valid chain");
    assert_eq!(seen.chain.issuers.len(), 1, "the server sends its intermediate");
    assert_eq!(seen.chain.first_expiry.index, 1);
    assert_eq!(seen.chain.first_expiry.subject, "CN=RunState test intermediate");
    assert_eq!(seen.chain.days_left(Utc::now()), 20, "the intermediate's days, not the leaf's");
    assert_eq!(
        seen.chain.leaf.not_after - seen.chain.issuers[0].not_after,
        chrono::Duration::days(280)
    );
}

#[tokio::test]
async fn an_expired_certificate_is_named_and_still_described() {
    let ca = TestCa::new();
    let (failure, chain) = refused(&ca, ca.expired_leaf(&["127.0.0.2"])).await;
    assert_eq!(failure, TlsFailure::Expired);
    assert_eq!(
        chain.leaf.not_after,
        "2021-01-01T00:00:00Z".parse::<chrono::DateTime<Utc>>().expect("date")
    );
    assert!(chain.days_left(Utc::now()) < 0);
}

#[tokio::test]
async fn a_certificate_not_valid_yet_is_named() {
    let ca = TestCa::new();
    let (failure, chain) = refused(&ca, ca.leaf_valid(&["127.0.0.2"], 2, 90)).await;
    assert_eq!(failure, TlsFailure::NotYetValid);
    assert!(chain.leaf.not_before > Utc::now());
}

#[tokio::test]
async fn a_certificate_for_another_host_is_a_hostname_mismatch() {
    let ca = TestCa::new();
    let (failure, chain) = refused(&ca, ca.leaf(&["other.example"])).await;
    assert_eq!(failure, TlsFailure::HostnameMismatch);
    assert_eq!(chain.leaf.dns_names, ["other.example"]);
}

#[tokio::test]
async fn a_self_signed_certificate_is_named_self_signed() {
    let ca = TestCa::new();
    let (failure, chain) = refused(&ca, tls::self_signed(&["127.0.0.2"])).await;
    assert_eq!(failure, TlsFailure::SelfSigned);
    assert!(chain.leaf.self_issued);
    // Marked a CA, as `openssl req -x509` makes it: webpki refuses it for that
    // first, and it is still self-signed to the user.
    let (failure, _) = refused(&ca, tls::self_signed_ca(&["127.0.0.2"])).await;
    assert_eq!(failure, TlsFailure::SelfSigned);
}

#[tokio::test]
async fn a_certificate_from_an_untrusted_authority_is_an_unknown_issuer() {
    let (trusted, stranger) = (TestCa::new(), TestCa::named("Someone else's CA"));
    let (failure, chain) = refused(&trusted, stranger.leaf(&["127.0.0.2"])).await;
    assert_eq!(failure, TlsFailure::UnknownIssuer);
    assert_eq!(chain.leaf.issuer, "CN=Someone else's CA");
}

#[tokio::test]
async fn a_server_that_does_not_speak_tls_is_a_handshake_failure() {
    let server = Server::start(STAND_IN_HOST, |_| Reply::ok("plain")).await;
    let err = trusting(&TestCa::new())
        .inspect_tls(STAND_IN_HOST, server.addr.port(), TIMEOUT)
        .await
        .expect_err("not TLS");
    let TlsInspectError::Refused { failure: TlsFailure::Handshake(detail), chain: None } = &err
    else {
        panic!("expected a handshake failure without a chain, got {err:?}");
    };
    assert!(!detail.is_empty());
    assert!(err.to_string().starts_with("TLS handshake failed: "), "{err}");
}

#[tokio::test]
async fn the_guard_refuses_a_server_outside_the_allowed_range() {
    let ca = TestCa::new();
    let server =
        Server::start_tls("127.0.0.3", tls::acceptor(ca.leaf(&["127.0.0.3"])), |_| Reply::ok("no"))
            .await;
    let err = trusting(&ca).inspect_tls("127.0.0.3", server.addr.port(), TIMEOUT).await;
    assert!(matches!(err, Err(TlsInspectError::Connect(OutboundError::Denied { .. }))), "{err:?}");
    assert_eq!(server.connections().await, 0, "no connection was made");
}

fn hex(der: &[u8]) -> String {
    Sha256::digest(der).iter().map(|b| format!("{b:02x}")).collect()
}
