use kinds::{AssertionOp, AssertionSource, Severity};
use serde_json::json;

use super::*;

fn list(value: serde_json::Value) -> Result<Vec<Assertion>, SpecError> {
    let inputs: Vec<AssertionInput> = serde_json::from_value(value).expect("well-formed input");
    validated_list(inputs, "http.assertions")
}

/// The field and a part of the message of the error `value` gets.
fn refused(value: serde_json::Value) -> (String, String) {
    let err = list(json!([{"source": "status", "op": "equals", "target": "200"}, value]))
        .expect_err("refused");
    (err.field, err.message)
}

#[test]
fn a_valid_list_is_normalised() {
    let got = list(json!([
        {"source": "status", "op": "equals", "target": " 204 "},
        {"source": "header", "path": " Content-Type ", "op": "contains", "target": "json"},
        {"source": "json_path", "path": "$.status", "op": "equals", "target": "ok",
         "severity": "degrade"},
        {"source": "time", "op": "less_than", "target": "500"},
        {"source": "time", "path": "TLS", "op": "less_than", "target": "100"},
        {"source": "header", "path": "x-id", "op": "exists"},
        {"source": "resolved_ip", "op": "equals", "target": "10.0.0.0/8"},
        {"source": "cert_days", "op": "greater_than", "target": "14"},
    ]))
    .expect("valid");
    assert_eq!(got[0].target, "204");
    assert_eq!(got[0].severity, Severity::Fail, "fail by default");
    assert_eq!(got[1].path.as_deref(), Some("content-type"), "header names compare in lower case");
    assert_eq!(got[2].severity, Severity::Degrade);
    assert_eq!(got[3].path.as_deref(), Some("total"), "time defaults to the total");
    assert_eq!(got[4].path.as_deref(), Some("tls"));
    assert_eq!(got[5].target, "");
}

#[test]
fn a_stored_assertion_validates_to_itself() {
    let stored = list(json!([
        {"source": "json_path", "path": "$.items[0].id", "op": "not_equals", "target": "7"},
        {"source": "body_regex", "op": "matches", "target": "^ok$", "severity": "degrade"},
    ]))
    .expect("valid");
    let again = validated_list(stored.iter().cloned().map(AssertionInput::from).collect(), "x");
    assert_eq!(again, Ok(stored));
}

#[test]
fn each_error_names_its_field() {
    let cases = [
        (json!({"op": "equals", "target": "1"}), "[1].source", "is required"),
        (json!({"source": "cookie", "op": "equals"}), "[1].source", "must be status, header"),
        (json!({"source": "status", "target": "200"}), "[1].op", "is required"),
        (json!({"source": "status", "op": "is"}), "[1].op", "must be equals"),
        (json!({"source": "body", "op": "equals", "target": "x"}), "[1].op", "body takes contains"),
        (json!({"source": "time", "op": "matches", "target": "x"}), "[1].op", "not matches"),
        (
            json!({"source": "status", "op": "equals", "target": "200", "severity": "warn"}),
            "[1].severity",
            "must be fail or degrade",
        ),
        (json!({"source": "header", "op": "exists"}), "[1].path", "header's name"),
        (
            json!({"source": "header", "path": "x y", "op": "exists"}),
            "[1].path",
            "not a valid header",
        ),
        (json!({"source": "json_path", "op": "exists"}), "[1].path", "$.status"),
        (json!({"source": "json_path", "path": "status", "op": "exists"}), "[1].path", "RFC 9535"),
        (
            json!({"source": "time", "path": "dns2", "op": "less_than", "target": "1"}),
            "[1].path",
            "dns, connect",
        ),
        (
            json!({"source": "status", "path": "x", "op": "equals", "target": "200"}),
            "[1].path",
            "status takes no path",
        ),
        (json!({"source": "status", "op": "equals", "target": "20"}), "[1].target", "100 to 599"),
        (
            json!({"source": "time", "op": "less_than", "target": "0.5"}),
            "[1].target",
            "milliseconds",
        ),
        (
            json!({"source": "cert_days", "op": "greater_than", "target": "9999"}),
            "[1].target",
            "at most 3650",
        ),
        (
            json!({"source": "resolved_ip", "op": "equals", "target": "10.0.0.0/33"}),
            "[1].target",
            "network",
        ),
        (
            json!({"source": "json_path", "path": "$.n", "op": "less_than", "target": "ten"}),
            "[1].target",
            "number",
        ),
        (json!({"source": "body", "op": "contains", "target": ""}), "[1].target", "text to look"),
        (
            json!({"source": "body_regex", "op": "matches", "target": "(unclosed"}),
            "[1].target",
            "not a valid regular expression",
        ),
        (
            json!({"source": "body_regex", "op": "matches", "target": "a".repeat(513)}),
            "[1].target",
            "at most 512",
        ),
        (
            json!({"source": "body_regex", "op": "matches", "target": "\\w{1000}{1000}"}),
            "[1].target",
            "not a valid regular expression",
        ),
        (
            json!({"source": "header", "path": "a", "op": "equals", "target": "a".repeat(1025)}),
            "[1].target",
            "at most 1024",
        ),
        (
            json!({"source": "header", "path": "a", "op": "exists", "target": "x"}),
            "[1].target",
            "exists takes no target",
        ),
    ];
    for (input, field, message) in cases {
        let (got_field, got_message) = refused(input.clone());
        assert_eq!(got_field, format!("http.assertions{field}"), "{input}");
        assert!(got_message.contains(message), "{input}: {got_message}");
    }
}

#[test]
fn unknown_fields_and_long_lists_are_refused() {
    let typo = serde_json::from_value::<AssertionInput>(json!({"source": "status", "value": "1"}));
    assert!(typo.is_err(), "deny_unknown_fields");
    let one = json!({"source": "status", "op": "equals", "target": "200"});
    assert!(list(json!(vec![one.clone(); MAX_ASSERTIONS])).is_ok());
    let err = list(json!(vec![one; MAX_ASSERTIONS + 1])).expect_err("too many");
    assert_eq!(err.field, "http.assertions");
}

#[test]
fn networks_hold_their_addresses_and_no_other_family() {
    let ip = |s: &str| s.parse::<std::net::IpAddr>().expect("ip");
    let net = |s: &str| network(s).expect("net");
    assert!(in_network(ip("10.1.2.3"), net("10.0.0.0/8")));
    assert!(!in_network(ip("11.1.2.3"), net("10.0.0.0/8")));
    assert!(in_network(ip("192.0.2.1"), net("192.0.2.1")));
    assert!(!in_network(ip("192.0.2.2"), net("192.0.2.1")));
    assert!(in_network(ip("203.0.113.9"), net("0.0.0.0/0")));
    assert!(in_network(ip("2001:db8::1"), net("2001:db8::/32")));
    assert!(in_network(ip("::1"), net("::/0")));
    assert!(!in_network(ip("10.0.0.1"), net("::/0")), "families never mix");
    assert_eq!(network("10.0.0.0/33"), None);
    assert_eq!(network("nope"), None);
}

#[test]
fn the_words_round_trip_through_the_stored_form() {
    let a = Assertion {
        source: AssertionSource::JsonPath,
        path: Some("$.ok".into()),
        op: AssertionOp::Exists,
        target: String::new(),
        severity: Severity::Degrade,
    };
    let stored = serde_json::to_value(&a).expect("json");
    assert_eq!(
        stored,
        json!({"source": "json_path", "path": "$.ok", "op": "exists", "target": "", "severity": "degrade"})
    );
    assert_eq!(serde_json::from_value::<Assertion>(stored).expect("back"), a);
}
