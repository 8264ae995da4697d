use kinds::{AssertionOp as Op, AssertionSource as Source, Severity, Status};

use super::*;
use crate::probe::Phases;

const JSON: &[u8] = br#"{"status": "degraded", "count": 3, "ratio": 0.5, "ok": true,
    "tags": ["a", "b"], "nested": {"id": 7}, "none": null, "num_text": "12"}"#;

fn a(source: Source, path: Option<&str>, op: Op, target: &str) -> Assertion {
    Assertion {
        source,
        path: path.map(str::to_owned),
        op,
        target: target.to_owned(),
        severity: Severity::Fail,
    }
}

fn headers() -> Vec<(String, String)> {
    vec![
        ("content-type".into(), "application/json; charset=utf-8".into()),
        ("set-cookie".into(), "a=1".into()),
        ("set-cookie".into(), "b=2".into()),
    ]
}

fn phases() -> Phases {
    Phases { tls_ms: Some(812), total_ms: Some(900), ..Phases::default() }
}

/// Judges one assertion against a fixed exchange with `body`; `None` when it
/// holds, else the message.
fn judge(assertion: Assertion, body: Option<&[u8]>) -> Option<String> {
    let (headers, phases) = (headers(), phases());
    let seen = Observed {
        status: 200,
        headers: &headers,
        body,
        phases: &phases,
        resolved_ip: Some("192.0.2.10".parse().expect("ip")),
        cert_days_left: Some(20),
    };
    evaluate(&[assertion], &seen).error
}

/// `(assertion, the message it fails with, or "" when it holds)`.
fn run(cases: &[(Assertion, &str)], body: Option<&[u8]>) {
    for (assertion, expected) in cases {
        let got = judge(assertion.clone(), body).unwrap_or_default();
        assert_eq!(got, *expected, "{assertion:?}");
    }
}

#[test]
fn status() {
    run(
        &[
            (a(Source::Status, None, Op::Equals, "200"), ""),
            (a(Source::Status, None, Op::Equals, "204"), "status is 200, expected 204"),
            (a(Source::Status, None, Op::NotEquals, "503"), ""),
            (
                a(Source::Status, None, Op::NotEquals, "200"),
                "status is 200, expected anything but 200",
            ),
            (a(Source::Status, None, Op::LessThan, "300"), ""),
            (a(Source::Status, None, Op::LessThan, "200"), "status is 200, expected less than 200"),
            (a(Source::Status, None, Op::GreaterThan, "199"), ""),
            (
                a(Source::Status, None, Op::GreaterThan, "200"),
                "status is 200, expected more than 200",
            ),
        ],
        None,
    );
}

#[test]
fn header() {
    let h = |op, target| a(Source::Header, Some("content-type"), op, target);
    let missing = |op, target| a(Source::Header, Some("x-missing"), op, target);
    run(
        &[
            (h(Op::Equals, "application/json; charset=utf-8"), ""),
            (
                h(Op::Equals, "text/html"),
                "header content-type is \"application/json; charset=utf-8\", expected \"text/html\"",
            ),
            (h(Op::NotEquals, "text/html"), ""),
            (h(Op::Contains, "json"), ""),
            (
                h(Op::Contains, "xml"),
                "header content-type is \"application/json; charset=utf-8\", expected to contain \"xml\"",
            ),
            (h(Op::NotContains, "xml"), ""),
            (h(Op::Matches, "^application/(json|problem)"), ""),
            (
                h(Op::NotMatches, "json"),
                "header content-type is \"application/json; charset=utf-8\", expected not to match /json/",
            ),
            (h(Op::Exists, ""), ""),
            (h(Op::NotExists, ""), "header content-type is present (\"application/json; charset=utf-8\")"),
            (missing(Op::NotExists, ""), ""),
            (missing(Op::Exists, ""), "header x-missing is absent"),
            (missing(Op::Equals, "1"), "header x-missing is absent, expected \"1\""),
            (missing(Op::NotContains, "1"), "header x-missing is absent, expected not to contain \"1\""),
            // Repeats read as HTTP combines them.
            (a(Source::Header, Some("set-cookie"), Op::Equals, "a=1, b=2"), ""),
        ],
        None,
    );
}

#[test]
fn body_text_and_regex() {
    let body = Some(&b"<p>all systems ok</p>\xff"[..]);
    run(
        &[
            (a(Source::Body, None, Op::Contains, "systems ok"), ""),
            (a(Source::Body, None, Op::Contains, "down"), "body does not contain \"down\""),
            (a(Source::Body, None, Op::NotContains, "error"), ""),
            (a(Source::Body, None, Op::NotContains, "ok"), "body contains \"ok\""),
            (a(Source::BodyRegex, None, Op::Matches, r"systems\s+ok"), ""),
            (a(Source::BodyRegex, None, Op::Matches, r"^\d+$"), r"body does not match /^\d+$/"),
            (a(Source::BodyRegex, None, Op::NotMatches, "(?i)ERROR"), ""),
            (a(Source::BodyRegex, None, Op::NotMatches, "o+k"), "body matches /o+k/"),
        ],
        body,
    );
}

#[test]
fn json_path() {
    let j = |path, op, target| a(Source::JsonPath, Some(path), op, target);
    run(
        &[
            (j("$.status", Op::Equals, "degraded"), ""),
            (j("$.status", Op::Equals, "ok"), "json $.status is \"degraded\", expected \"ok\""),
            (j("$.status", Op::NotEquals, "ok"), ""),
            (
                j("$.status", Op::NotEquals, "degraded"),
                "json $.status is \"degraded\", expected anything but \"degraded\"",
            ),
            (j("$.count", Op::Equals, "3.0"), ""),
            (j("$.count", Op::Equals, "4"), "json $.count is 3, expected 4"),
            (j("$.ok", Op::Equals, "true"), ""),
            (j("$.none", Op::Equals, "null"), ""),
            (
                j("$.nested.id", Op::NotEquals, "7"),
                "json $.nested.id is 7, expected anything but 7",
            ),
            (j("$.status", Op::Contains, "grad"), ""),
            (j("$.tags", Op::Contains, "b"), ""),
            (
                j("$.tags", Op::Contains, "c"),
                "json $.tags is [\"a\",\"b\"], expected to contain \"c\"",
            ),
            (j("$.tags", Op::NotContains, "c"), ""),
            (
                j("$.tags", Op::NotContains, "a"),
                "json $.tags is [\"a\",\"b\"], expected not to contain \"a\"",
            ),
            (
                j("$.status", Op::NotContains, "grad"),
                "json $.status is \"degraded\", expected not to contain \"grad\"",
            ),
            (j("$.status", Op::Matches, "^de"), ""),
            (
                j("$.status", Op::Matches, "^ok$"),
                "json $.status is \"degraded\", expected to match /^ok$/",
            ),
            (j("$.status", Op::NotMatches, "^ok$"), ""),
            (j("$.ratio", Op::LessThan, "1"), ""),
            (j("$.ratio", Op::LessThan, "0.5"), "json $.ratio is 0.5, expected less than 0.5"),
            (j("$.num_text", Op::GreaterThan, "10"), ""),
            (j("$.count", Op::GreaterThan, "3"), "json $.count is 3, expected more than 3"),
            (j("$.status", Op::LessThan, "3"), "json $.status is \"degraded\", not a number"),
            (j("$.tags[1]", Op::Exists, ""), ""),
            (j("$.tags[5]", Op::Exists, ""), "json $.tags[5] not found"),
            (j("$.missing", Op::Equals, "x"), "json $.missing not found"),
            (j("$.missing", Op::NotExists, ""), ""),
            (j("$.nested", Op::NotExists, ""), "json $.nested is present ({\"id\":7})"),
            // RFC 9535 filters and functions (no regex ones: decision 91).
            (j("$.tags[?length(@) == 1]", Op::Exists, ""), ""),
            (j("$[?@.id > 5].id", Op::Equals, "7"), ""),
        ],
        Some(JSON),
    );
}

#[test]
fn time_by_phase() {
    let t = |phase, op, target| a(Source::Time, Some(phase), op, target);
    run(
        &[
            (t("total", Op::LessThan, "1000"), ""),
            (t("total", Op::LessThan, "900"), "the request took 900 ms, limit 900 ms"),
            (t("tls", Op::LessThan, "500"), "tls phase took 812 ms, limit 500 ms"),
            (t("tls", Op::GreaterThan, "800"), ""),
            (t("tls", Op::GreaterThan, "812"), "tls phase took 812 ms, expected more than 812 ms"),
            (t("dns", Op::LessThan, "500"), "dns phase was not measured on this check"),
        ],
        None,
    );
}

#[test]
fn certificate_days_and_resolved_ip() {
    run(
        &[
            (a(Source::CertDays, None, Op::GreaterThan, "14"), ""),
            (
                a(Source::CertDays, None, Op::GreaterThan, "30"),
                "certificate days left is 20, expected more than 30",
            ),
            (a(Source::CertDays, None, Op::LessThan, "30"), ""),
            (a(Source::ResolvedIp, None, Op::Equals, "192.0.2.10"), ""),
            (a(Source::ResolvedIp, None, Op::Equals, "192.0.2.0/24"), ""),
            (
                a(Source::ResolvedIp, None, Op::Equals, "10.0.0.0/8"),
                "resolved IP is 192.0.2.10, expected 10.0.0.0/8",
            ),
            (a(Source::ResolvedIp, None, Op::NotEquals, "10.0.0.0/8"), ""),
            (
                a(Source::ResolvedIp, None, Op::NotEquals, "192.0.2.10"),
                "resolved IP is 192.0.2.10, expected anything but 192.0.2.10",
            ),
        ],
        None,
    );
}

#[test]
fn an_unknown_value_fails_and_says_so() {
    let phases = Phases::default();
    let blind = Observed {
        status: 200,
        headers: &[],
        body: None,
        phases: &phases,
        resolved_ip: None,
        cert_days_left: None,
    };
    let cases = [
        (a(Source::Body, None, Op::NotContains, "error"), "body was not read"),
        (a(Source::BodyRegex, None, Op::NotMatches, "x"), "body was not read"),
        (a(Source::JsonPath, Some("$.a"), Op::NotExists, ""), "body was not read"),
        (
            a(Source::Time, Some("total"), Op::LessThan, "1"),
            "the request was not measured on this check",
        ),
        (
            a(Source::CertDays, None, Op::GreaterThan, "14"),
            "certificate days left are unknown (no TLS certificate on this check)",
        ),
        (
            a(Source::ResolvedIp, None, Op::NotEquals, "10.0.0.0/8"),
            "resolved IP is unknown (not measured on this check)",
        ),
    ];
    for (assertion, message) in cases {
        let verdict = evaluate(std::slice::from_ref(&assertion), &blind);
        assert_eq!(verdict.status, Status::Down, "{assertion:?}");
        assert_eq!(verdict.error.as_deref(), Some(message), "{assertion:?}");
    }
    let html = Some(&b"<html>"[..]);
    let got = judge(a(Source::JsonPath, Some("$.a"), Op::NotExists, ""), html).unwrap_or_default();
    assert!(got.starts_with("body is not JSON ("), "{got}");
}

#[test]
fn the_worst_severity_decides_and_its_first_failure_is_the_message() {
    let degrade = |mut x: Assertion| {
        x.severity = Severity::Degrade;
        x
    };
    let (headers, phases) = (headers(), phases());
    let seen = Observed {
        status: 200,
        headers: &headers,
        body: Some(JSON),
        phases: &phases,
        resolved_ip: None,
        cert_days_left: None,
    };
    let ok = a(Source::Status, None, Op::Equals, "200");
    let slow = degrade(a(Source::Time, Some("tls"), Op::LessThan, "500"));
    let wrong = degrade(a(Source::JsonPath, Some("$.status"), Op::Equals, "ok"));
    let fails = a(Source::Header, Some("x-version"), Op::Exists, "");
    assert_eq!(evaluate(&[], &seen), Verdict { status: Status::Up, error: None });
    assert_eq!(evaluate(std::slice::from_ref(&ok), &seen).status, Status::Up);
    let verdict = evaluate(&[ok.clone(), slow.clone(), wrong.clone()], &seen);
    assert_eq!(verdict.status, Status::Degraded);
    assert_eq!(verdict.error.as_deref(), Some("tls phase took 812 ms, limit 500 ms"));
    let verdict = evaluate(&[slow, ok, wrong, fails], &seen);
    assert_eq!(verdict.status, Status::Down);
    assert_eq!(verdict.error.as_deref(), Some("header x-version is absent"));
}

#[test]
fn long_values_are_cut_in_messages_and_control_characters_hidden() {
    let headers = vec![("x-long".to_owned(), format!("line\r\n{}", "v".repeat(500)))];
    let phases = Phases::default();
    let seen = Observed {
        status: 200,
        headers: &headers,
        body: None,
        phases: &phases,
        resolved_ip: None,
        cert_days_left: None,
    };
    let verdict = evaluate(&[a(Source::Header, Some("x-long"), Op::Equals, "short")], &seen);
    let message = verdict.error.expect("fails");
    assert!(message.chars().count() < 120, "{message}");
    assert!(!message.contains('\n') && message.contains('…'), "{message}");
}

#[test]
fn only_the_body_sources_need_the_body() {
    assert!(!needs_body(&[]));
    assert!(!needs_body(&[a(Source::Status, None, Op::Equals, "200")]));
    for source in [Source::Body, Source::BodyRegex, Source::JsonPath] {
        assert!(needs_body(&[a(source, Some("$.a"), Op::Exists, "")]), "{source}");
    }
}
