//! DNS checks against a real authoritative stand-in on 127.0.0.2 whose
//! records the tests change: every record type, response codes, the
//! assertions, truncation and the TCP fallback, the guard, and timeouts.

use std::net::SocketAddr;
use std::time::Duration;

use domain::dns::{AnswerSet, DnsInput, DnsSpec};
use hickory_proto::op::ResponseCode;
use jobs::checks::{check_dns, DnsCheck};
use jobs::outbound::{Outbound, OutboundOptions};
use jobs::testing::{DnsStandIn, STAND_IN_ALLOW};
use kinds::{DnsRecordType, Status};

const TIMEOUT: Duration = Duration::from_secs(2);
const DENIED: &str = "loopback address (allow it with --allow-targets)";

fn outbound(system_dns: Vec<SocketAddr>) -> Outbound {
    Outbound::new(OutboundOptions {
        allow: vec![STAND_IN_ALLOW.parse().expect("CIDR")],
        system_dns: Some(system_dns),
        ..OutboundOptions::default()
    })
    .expect("outbound")
}

/// A spec asking `server` (custom resolver), with extra settings from `json`.
fn spec(server: SocketAddr, name: &str, record_type: &str, json: serde_json::Value) -> DnsSpec {
    let mut input = serde_json::json!({
        "name": name, "record_type": record_type,
        "resolver": "custom", "resolvers": [server.to_string()],
    });
    if let (Some(base), Some(extra)) = (input.as_object_mut(), json.as_object()) {
        base.extend(extra.clone());
    }
    serde_json::from_value::<DnsInput>(input).expect("input").validated().expect("valid")
}

async fn check(out: &Outbound, spec: &DnsSpec) -> DnsCheck {
    check_dns(out, spec, None, TIMEOUT).await
}

fn records(checked: &DnsCheck) -> Vec<String> {
    checked.answer.as_ref().map(|a| a.records.clone()).unwrap_or_default()
}

#[tokio::test]
async fn every_record_type_is_read_into_its_text_form() {
    let dns = DnsStandIn::start().await;
    let out = outbound(Vec::new());
    let cases: [(DnsRecordType, &str, &[&str], &[&str]); 10] = [
        (
            DnsRecordType::A,
            "www.example.test",
            &["192.0.2.7", "192.0.2.1"],
            &["192.0.2.1", "192.0.2.7"],
        ),
        (DnsRecordType::Aaaa, "www.example.test", &["2001:db8::1"], &["2001:db8::1"]),
        (
            DnsRecordType::Cname,
            "alias.example.test",
            &["WWW.example.test."],
            &["www.example.test."],
        ),
        (
            DnsRecordType::Mx,
            "example.test",
            &["10 mail.example.test.", "20 backup.example.test."],
            &["10 mail.example.test.", "20 backup.example.test."],
        ),
        (DnsRecordType::Ns, "example.test", &["ns1.example.test."], &["ns1.example.test."]),
        (
            DnsRecordType::Txt,
            "example.test",
            &["v=spf1 include:_spf.example.test -all"],
            &["v=spf1 include:_spf.example.test -all"],
        ),
        (
            DnsRecordType::Soa,
            "example.test",
            &["ns1.example.test. hostmaster.example.test. 2026120701 7200 3600 1209600 300"],
            &["ns1.example.test. hostmaster.example.test. 2026120701 7200 3600 1209600 300"],
        ),
        (
            DnsRecordType::Srv,
            "_sip._tcp.example.test",
            &["10 5 5060 sip.example.test."],
            &["10 5 5060 sip.example.test."],
        ),
        (
            DnsRecordType::Caa,
            "example.test",
            &["0 issue letsencrypt.org"],
            &["0 issue \"letsencrypt.org\""],
        ),
        (
            DnsRecordType::Ptr,
            "7.2.0.192.in-addr.arpa",
            &["www.example.test."],
            &["www.example.test."],
        ),
    ];
    for (record_type, name, served, seen) in cases {
        dns.set(name, record_type, served);
        let expected: Vec<&str> = seen.to_vec();
        let spec = spec(
            dns.addr,
            name,
            record_type.as_str(),
            serde_json::json!({
                "assertions": [{"op": "equals", "values": expected}]
            }),
        );
        let checked = check(&out, &spec).await;
        assert_eq!(records(&checked), seen, "{record_type}");
        assert_eq!(checked.outcome.status, Status::Up, "{record_type}: {:?}", checked.outcome);
        assert!(checked.outcome.latency_ms.is_some(), "{record_type}");
    }
}

#[tokio::test]
async fn response_codes_are_checked_against_the_expected_one() {
    let dns = DnsStandIn::start().await;
    let out = outbound(Vec::new());
    let missing = spec(dns.addr, "gone.example.test", "A", serde_json::json!({}));
    let checked = check(&out, &missing).await;
    assert_eq!(checked.outcome.status, Status::Down);
    assert_eq!(checked.outcome.error.as_deref(), Some("expected NOERROR, got NXDOMAIN"));

    let expects_nx =
        spec(dns.addr, "gone.example.test", "A", serde_json::json!({"rcode": "NXDOMAIN"}));
    assert_eq!(check(&out, &expects_nx).await.outcome.status, Status::Up);

    dns.set_rcode("broken.example.test", ResponseCode::ServFail);
    let broken = spec(dns.addr, "broken.example.test", "A", serde_json::json!({}));
    assert_eq!(
        check(&out, &broken).await.outcome.error.as_deref(),
        Some("expected NOERROR, got SERVFAIL")
    );
}

#[tokio::test]
async fn assertions_follow_the_answers_as_they_change() {
    let dns = DnsStandIn::start().await;
    let out = outbound(Vec::new());
    dns.set("api.example.test", DnsRecordType::A, &["192.0.2.1", "192.0.2.2"]);
    let equals = spec(
        dns.addr,
        "api.example.test",
        "A",
        serde_json::json!({
            "assertions": [{"op": "equals", "values": ["192.0.2.2", "192.0.2.1"]}]
        }),
    );
    let contains = spec(
        dns.addr,
        "api.example.test",
        "A",
        serde_json::json!({
            "assertions": [{"op": "contains", "values": ["192.0.2.1"], "severity": "degrade"}]
        }),
    );
    let matches = spec(
        dns.addr,
        "api.example.test",
        "A",
        serde_json::json!({
            "assertions": [{"op": "matches", "pattern": "^192\\.0\\.2\\."}]
        }),
    );
    for spec in [&equals, &contains, &matches] {
        assert_eq!(check(&out, spec).await.outcome.status, Status::Up);
    }

    dns.set("api.example.test", DnsRecordType::A, &["198.51.100.9"]);
    let checked = check(&out, &equals).await;
    assert_eq!(checked.outcome.status, Status::Down);
    assert_eq!(
        checked.outcome.error.as_deref(),
        Some("expected 192.0.2.1, 192.0.2.2, got 198.51.100.9")
    );
    let checked = check(&out, &contains).await;
    assert_eq!(checked.outcome.status, Status::Degraded);
    assert_eq!(checked.outcome.error.as_deref(), Some("missing 192.0.2.1 (got 198.51.100.9)"));
    let checked = check(&out, &matches).await;
    assert_eq!(
        checked.outcome.error.as_deref(),
        Some("no record matches /^192\\.0\\.2\\./ (got 198.51.100.9)")
    );
}

#[tokio::test]
async fn a_changed_answer_is_measured_against_the_baseline() {
    let dns = DnsStandIn::start().await;
    let out = outbound(Vec::new());
    dns.set("example.test", DnsRecordType::Mx, &["10 mail.example.test."]);
    let watching =
        spec(dns.addr, "example.test", "MX", serde_json::json!({"alert_on_change": true}));
    let first = check(&out, &watching).await;
    let baseline: AnswerSet = first.answer.clone().expect("answer");
    dns.set("example.test", DnsRecordType::Mx, &["10 mx.elsewhere.test."]);
    let changed = check_dns(&out, &watching, Some(&baseline), TIMEOUT).await;
    assert_eq!(changed.outcome.status, Status::Down);
    assert_eq!(
        changed.outcome.error.as_deref(),
        Some("the answer changed from 10 mail.example.test. to 10 mx.elsewhere.test.")
    );
}

#[tokio::test]
async fn a_truncated_answer_is_asked_again_over_tcp() {
    let dns = DnsStandIn::start().await;
    let out = outbound(Vec::new());
    // Forty 100-byte TXT records: about 4 KB, past the 1232 bytes offered over UDP.
    let values: Vec<String> = (0..40).map(|i| format!("{i:02}{}", "x".repeat(98))).collect();
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    dns.set("big.example.test", DnsRecordType::Txt, &values);
    let spec = spec(
        dns.addr,
        "big.example.test",
        "TXT",
        serde_json::json!({
            "assertions": [{"op": "contains", "values": [values[39]]}]
        }),
    );
    let checked = check(&out, &spec).await;
    assert_eq!(checked.outcome.status, Status::Up, "{:?}", checked.outcome);
    assert_eq!(records(&checked).len(), 40);
    assert_eq!((dns.udp_queries(), dns.tcp_queries()), (1, 1));
}

#[tokio::test]
async fn a_resolver_on_a_denied_address_is_refused_without_a_packet() {
    let denied = DnsStandIn::start_on("127.0.0.1:0".parse().expect("addr")).await.expect("bind");
    denied.set("example.test", DnsRecordType::A, &["192.0.2.1"]);
    let out = outbound(vec![denied.addr]);
    let custom = spec(denied.addr, "example.test", "A", serde_json::json!({}));
    let checked = check(&out, &custom).await;
    assert_eq!(checked.outcome.status, Status::Down);
    assert_eq!(
        checked.outcome.error,
        Some(format!("{}: refused 127.0.0.1: {DENIED}", denied.addr))
    );

    let system: DnsSpec =
        serde_json::from_value::<DnsInput>(serde_json::json!({"name": "example.test"}))
            .expect("input")
            .validated()
            .expect("valid");
    let checked = check(&out, &system).await;
    assert_eq!(
        checked.outcome.error,
        Some(format!("{}: refused 127.0.0.1: {DENIED}", denied.addr))
    );
    assert_eq!((denied.udp_queries(), denied.tcp_queries()), (0, 0), "nothing reached it");
}

#[tokio::test]
async fn a_silent_server_times_out_within_the_monitors_timeout() {
    let dns = DnsStandIn::start().await;
    dns.set_silent(true);
    let out = outbound(Vec::new());
    let spec = spec(dns.addr, "example.test", "A", serde_json::json!({}));
    let timeout = Duration::from_millis(300);
    let started = std::time::Instant::now();
    let checked = check_dns(&out, &spec, None, timeout).await;
    assert!(started.elapsed() < TIMEOUT, "bounded by the monitor's timeout");
    assert_eq!(checked.outcome.status, Status::Down);
    let error = checked.outcome.error.unwrap_or_default();
    assert!(error.ends_with("timed out after 300 ms"), "{error}");
    assert_eq!(dns.udp_queries(), 1);
}

#[tokio::test]
async fn authoritative_asks_the_zones_own_nameservers() {
    // The zone's nameservers are asked on port 53, which only a privileged
    // test can listen on; elsewhere this test says so and stops.
    let ns_addr: SocketAddr = "127.0.0.2:53".parse().expect("addr");
    let nameserver = match DnsStandIn::start_on(ns_addr).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("skipped: cannot listen on {ns_addr} ({e})");
            return;
        }
    };
    let recursive = DnsStandIn::start().await;
    recursive.set(
        "example.test",
        DnsRecordType::Soa,
        &["ns1.example.test. hostmaster.example.test. 1 7200 3600 1209600 300"],
    );
    recursive.set("example.test", DnsRecordType::Ns, &["ns1.example.test."]);
    recursive.set("ns1.example.test", DnsRecordType::A, &["127.0.0.2"]);
    recursive.set("www.example.test", DnsRecordType::A, &["192.0.2.1"]);
    nameserver.set("www.example.test", DnsRecordType::A, &["192.0.2.53"]);
    let out = outbound(vec![recursive.addr]);
    let spec: DnsSpec = serde_json::from_value::<DnsInput>(serde_json::json!({
        "name": "www.example.test", "resolver": "authoritative"
    }))
    .expect("input")
    .validated()
    .expect("valid");
    let checked = check(&out, &spec).await;
    assert_eq!(checked.outcome.status, Status::Up, "{:?}", checked.outcome);
    assert_eq!(records(&checked), ["192.0.2.53"], "the nameserver's answer, not the resolver's");
}
