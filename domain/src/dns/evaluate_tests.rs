use kinds::{DnsAssertionOp as Op, DnsRcode, DnsRecordType, DnsResolverMode, Severity, Status};

use super::*;
use crate::dns::Record;

fn spec(assertions: Vec<DnsAssertion>) -> DnsSpec {
    DnsSpec {
        name: "example.com.".into(),
        record_type: DnsRecordType::A,
        resolver: DnsResolverMode::System,
        resolvers: Vec::new(),
        rcode: DnsRcode::NoError,
        assertions,
        alert_on_change: false,
        change_severity: Severity::Fail,
    }
}

fn values(op: Op, values: &[&str], severity: Severity) -> DnsAssertion {
    DnsAssertion {
        op,
        values: values.iter().map(|v| (*v).to_owned()).collect(),
        pattern: None,
        severity,
    }
}

fn matches(pattern: &str) -> DnsAssertion {
    DnsAssertion {
        op: Op::Matches,
        values: Vec::new(),
        pattern: Some(pattern.into()),
        severity: Severity::Fail,
    }
}

fn answer(records: &[&str]) -> AnswerSet {
    let mut records: Vec<String> = records.iter().map(|r| (*r).to_owned()).collect();
    records.sort();
    AnswerSet { rcode: "NOERROR".into(), records }
}

#[test]
fn answers_keep_the_asked_type_sorted_and_distinct() {
    let wire = DnsAnswer {
        rcode: 0,
        records: vec![
            Record::Cname("edge.example.net".into()),
            Record::A("192.0.2.7".parse().unwrap()),
            Record::A("192.0.2.1".parse().unwrap()),
            Record::A("192.0.2.7".parse().unwrap()),
        ],
    };
    assert_eq!(AnswerSet::of(DnsRecordType::A, &wire), answer(&["192.0.2.1", "192.0.2.7"]));
    let nx = DnsAnswer { rcode: 3, records: Vec::new() };
    assert_eq!(AnswerSet::of(DnsRecordType::A, &nx).describe(), "NXDOMAIN");
    assert_eq!(rcode_word(23), "RCODE23");
}

#[test]
fn assertions_decide_the_status_and_say_what_differed() {
    use Severity::{Degrade, Fail};
    let got = answer(&["192.0.2.7", "192.0.2.8"]);
    let cases: Vec<(Vec<DnsAssertion>, Status, Option<&str>)> = vec![
        (vec![], Status::Up, None),
        (vec![values(Op::Equals, &["192.0.2.7", "192.0.2.8"], Fail)], Status::Up, None),
        (
            vec![values(Op::Equals, &["192.0.2.1"], Fail)],
            Status::Down,
            Some("expected 192.0.2.1, got 192.0.2.7, 192.0.2.8"),
        ),
        (vec![values(Op::Contains, &["192.0.2.8"], Fail)], Status::Up, None),
        (
            vec![values(Op::Contains, &["192.0.2.1", "192.0.2.8"], Degrade)],
            Status::Degraded,
            Some("missing 192.0.2.1 (got 192.0.2.7, 192.0.2.8)"),
        ),
        (vec![matches(r"^192\.0\.2\.8$")], Status::Up, None),
        (vec![matches("^10\\.")], Status::Down, Some("no record matches /^10\\./ (got 192.0.2.7, 192.0.2.8)")),
        (
            vec![values(Op::Contains, &["192.0.2.1"], Degrade), values(Op::Equals, &["192.0.2.1"], Fail)],
            Status::Down,
            Some("missing 192.0.2.1 (got 192.0.2.7, 192.0.2.8); expected 192.0.2.1, got 192.0.2.7, 192.0.2.8"),
        ),
    ];
    for (assertions, status, error) in cases {
        let verdict = evaluate(&spec(assertions.clone()), &got, None);
        assert_eq!((verdict.status, verdict.error.as_deref()), (status, error), "{assertions:?}");
    }
}

#[test]
fn a_wrong_response_code_fails_whatever_the_assertions() {
    let nx = AnswerSet { rcode: "NXDOMAIN".into(), records: Vec::new() };
    let verdict = evaluate(&spec(vec![matches(".")]), &nx, None);
    assert_eq!(verdict.status, Status::Down);
    assert_eq!(verdict.error.as_deref(), Some("expected NOERROR, got NXDOMAIN"));
    let mut expects_nx = spec(Vec::new());
    expects_nx.rcode = DnsRcode::NxDomain;
    assert_eq!(evaluate(&expects_nx, &nx, None).status, Status::Up);
}

#[test]
fn no_records_are_listed_as_such() {
    let verdict = evaluate(
        &spec(vec![values(Op::Equals, &["192.0.2.1"], Severity::Fail)]),
        &answer(&[]),
        None,
    );
    assert_eq!(verdict.error.as_deref(), Some("expected 192.0.2.1, got no records"));
    let many: Vec<String> = (1..=8).map(|i| format!("192.0.2.{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_eq!(
        answer(&many).describe(),
        "192.0.2.1, 192.0.2.2, 192.0.2.3, 192.0.2.4, 192.0.2.5, and 3 more"
    );
}

#[test]
fn the_first_passing_answer_becomes_the_baseline_and_a_change_counts_against_the_check() {
    let mut watching = spec(Vec::new());
    watching.alert_on_change = true;
    let first = answer(&["192.0.2.1"]);
    let verdict = evaluate(&watching, &first, None);
    assert_eq!(verdict.status, Status::Up);
    assert!(adopts_baseline(&watching, verdict.status, None));
    assert!(!adopts_baseline(&watching, verdict.status, Some(&first)), "kept once set");

    let same_in_other_order = evaluate(&watching, &answer(&["192.0.2.1"]), Some(&first));
    assert_eq!(same_in_other_order.status, Status::Up);

    let changed = answer(&["192.0.2.7"]);
    let verdict = evaluate(&watching, &changed, Some(&first));
    assert_eq!(verdict.status, Status::Down);
    assert_eq!(verdict.error.as_deref(), Some("the answer changed from 192.0.2.1 to 192.0.2.7"));
    assert!(!adopts_baseline(&watching, verdict.status, Some(&first)), "only accepting moves it");

    watching.change_severity = Severity::Degrade;
    assert_eq!(evaluate(&watching, &changed, Some(&first)).status, Status::Degraded);
    watching.alert_on_change = false;
    assert_eq!(evaluate(&watching, &changed, Some(&first)).status, Status::Up);
}

#[test]
fn a_failing_first_answer_does_not_become_the_baseline() {
    let mut watching = spec(vec![values(Op::Equals, &["192.0.2.1"], Severity::Fail)]);
    watching.alert_on_change = true;
    let wrong = answer(&["192.0.2.9"]);
    let verdict = evaluate(&watching, &wrong, None);
    assert!(!adopts_baseline(&watching, verdict.status, None));
}
