//! Domain lookups (`check_domain`) against a real RDAP registry on 127.0.0.2:
//! the bootstrap file finds the server, an answer is read, an unknown name,
//! a 429 with `Retry-After`, a server that is not RDAP, and the guard in the
//! path of both the bootstrap file and the server.

use std::time::Duration;

use chrono::Utc;
use domain::registrations::{DomainInput, DomainOutcome, DomainSpec};
use jobs::checks::{check_domain, RdapDirectory};
use jobs::outbound::{Outbound, OutboundOptions};
use jobs::testing::rdap::RdapStandIn;
use jobs::testing::{Recorder, STAND_IN_ALLOW};

const TIMEOUT: Duration = Duration::from_secs(5);

fn outbound() -> Outbound {
    Outbound::new(OutboundOptions {
        allow: vec![STAND_IN_ALLOW.parse().expect("CIDR")],
        ..OutboundOptions::default()
    })
    .expect("outbound")
}

fn spec(name: &str, rdap_url: Option<String>) -> DomainSpec {
    DomainInput { name: Some(name.into()), rdap_url: Some(rdap_url), ..Default::default() }
        .validated()
        .expect("valid")
}

#[tokio::test]
async fn the_bootstrap_file_finds_the_server_and_the_answer_is_read() {
    let registry = RdapStandIn::start().await;
    let expires = Utc::now() + chrono::Duration::days(40);
    registry.register("example.test", expires);
    let directory = RdapDirectory::new(registry.bootstrap_url());
    let out = outbound();
    let checked = check_domain(&out, &directory, &spec("Example.TEST", None), TIMEOUT).await;
    let DomainOutcome::Found { registration, server } = checked.outcome else {
        panic!("found: {:?}", checked.outcome);
    };
    assert_eq!(server, registry.rdap_url());
    assert_eq!(registration.name, "example.test");
    assert_eq!(registration.expires_at.map(|at| at.timestamp()), Some(expires.timestamp()));
    assert_eq!(registration.registrar.as_deref(), Some("Test Registrar"));
    assert_eq!(registration.nameservers, ["ns1.example.test"]);
    assert!(checked.latency_ms.is_some());

    // The bootstrap file is fetched once and kept: a second lookup asks the registry only.
    registry.register("other.test", expires);
    let again = check_domain(&out, &directory, &spec("other.test", None), TIMEOUT).await;
    assert!(matches!(again.outcome, DomainOutcome::Found { .. }), "{:?}", again.outcome);
    assert_eq!(registry.lookups(), 2);
}

#[tokio::test]
async fn unknown_names_throttling_and_non_rdap_answers_are_told_apart() {
    let registry = RdapStandIn::start().await;
    let directory = RdapDirectory::new(registry.bootstrap_url());
    let out = outbound();
    let unknown = check_domain(&out, &directory, &spec("nobody.test", None), TIMEOUT).await;
    assert_eq!(unknown.outcome, DomainOutcome::NotFound { server: registry.rdap_url() });

    registry.throttle(Some(120));
    let before = Utc::now();
    let throttled = check_domain(&out, &directory, &spec("nobody.test", None), TIMEOUT).await;
    let DomainOutcome::RateLimited { until, error } = throttled.outcome else {
        panic!("rate limited: {:?}", throttled.outcome);
    };
    assert!(until >= before + chrono::Duration::seconds(120), "{until}");
    assert!(error.contains("HTTP 429"), "{error}");

    let no_server = check_domain(&out, &directory, &spec("example.org", None), TIMEOUT).await;
    assert_eq!(
        no_server.outcome,
        DomainOutcome::Failed { error: "the bootstrap file lists no RDAP server for .org".into() }
    );

    // A server that answers 200 with something else.
    let html = Recorder::start("/").await;
    let url = Some(html.url.clone());
    let not_rdap = check_domain(&out, &directory, &spec("x.test", url), TIMEOUT).await;
    let DomainOutcome::Failed { error } = not_rdap.outcome else {
        panic!("{:?}", not_rdap.outcome)
    };
    assert!(error.contains("the RDAP answer is not JSON"), "{error}");
}

#[tokio::test]
async fn the_guard_refuses_a_bootstrap_file_or_a_server_on_a_denied_address() {
    let out = outbound();
    let denied = RdapDirectory::new("http://127.0.0.3:9/dns.json");
    let checked = check_domain(&out, &denied, &spec("example.test", None), TIMEOUT).await;
    let DomainOutcome::Failed { error } = checked.outcome else { panic!("{:?}", checked.outcome) };
    assert!(error.starts_with("the RDAP bootstrap file: refused"), "{error}");

    let directory = RdapDirectory::default();
    let server = Some("http://127.0.0.3:9/rdap/".to_owned());
    let checked = check_domain(&out, &directory, &spec("example.test", server), TIMEOUT).await;
    let DomainOutcome::Failed { error } = checked.outcome else { panic!("{:?}", checked.outcome) };
    assert!(error.contains("refused"), "{error}");
}
