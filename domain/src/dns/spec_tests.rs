use super::*;

fn input(json: serde_json::Value) -> DnsInput {
    serde_json::from_value(json).expect("input")
}

fn spec(json: serde_json::Value) -> DnsSpec {
    input(json).validated().expect("valid")
}

fn field_of(json: serde_json::Value) -> String {
    input(json).validated().expect_err("invalid").field
}

#[test]
fn defaults_ask_the_system_resolver_for_addresses_and_expect_noerror() {
    let spec = spec(serde_json::json!({"name": "Example.COM."}));
    assert_eq!(spec.name, "example.com.");
    assert_eq!(spec.record_type, DnsRecordType::A);
    assert_eq!(spec.resolver, DnsResolverMode::System);
    assert_eq!(spec.rcode, DnsRcode::NoError);
    assert!(spec.assertions.is_empty() && !spec.alert_on_change);
    assert_eq!(spec.target(), "A example.com. @system");
}

#[test]
fn names_are_read_with_idna_and_ptr_takes_an_address() {
    assert_eq!(spec(serde_json::json!({"name": "bücher.example"})).name, "xn--bcher-kva.example.");
    assert_eq!(
        spec(serde_json::json!({"name": "_sip._tcp.example.com", "record_type": "srv"})).name,
        "_sip._tcp.example.com."
    );
    assert_eq!(
        spec(serde_json::json!({"name": "192.0.2.1", "record_type": "PTR"})).name,
        "1.2.0.192.in-addr.arpa."
    );
    assert!(spec(serde_json::json!({"name": "2001:db8::1", "record_type": "PTR"}))
        .name
        .ends_with(".8.b.d.0.1.0.0.2.ip6.arpa."));
}

#[test]
fn custom_resolvers_take_ip_and_port_with_53_by_default() {
    let spec = spec(serde_json::json!({
        "name": "example.com", "resolver": "custom",
        "resolvers": ["9.9.9.9", "127.0.0.2:5353", "[2620:fe::fe]:53", "2620:fe::9"]
    }));
    let shown: Vec<String> = spec.resolvers.iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["9.9.9.9:53", "127.0.0.2:5353", "[2620:fe::fe]:53", "[2620:fe::9]:53"]);
}

#[test]
fn every_bad_field_is_named() {
    use serde_json::json;
    let cases = [
        (json!({}), "dns.name"),
        (json!({"name": "a..b"}), "dns.name"),
        (json!({"name": "192.0.2.1"}), "dns.name"),
        (json!({"name": "exa mple.com"}), "dns.name"),
        (json!({"name": format!("{}.com", "a".repeat(64))}), "dns.name"),
        (json!({"name": "example.com", "record_type": "AXFR"}), "dns.record_type"),
        (json!({"name": "example.com", "resolver": "google"}), "dns.resolver"),
        (json!({"name": "example.com", "resolver": "custom"}), "dns.resolvers"),
        (json!({"name": "example.com", "resolvers": ["9.9.9.9"]}), "dns.resolvers"),
        (
            json!({"name": "example.com", "resolver": "custom", "resolvers": ["9.9.9.9", "dns.google"]}),
            "dns.resolvers[1]",
        ),
        (
            json!({"name": "example.com", "resolver": "custom", "resolvers": ["9.9.9.9", "9.9.9.9:53"]}),
            "dns.resolvers[1]",
        ),
        (
            json!({"name": "example.com", "resolver": "custom", "resolvers": ["9.9.9.9:0"]}),
            "dns.resolvers[0]",
        ),
        (json!({"name": "example.com", "rcode": "MAYBE"}), "dns.rcode"),
        (
            json!({"name": "example.com", "assertions": [{"values": ["192.0.2.1"]}]}),
            "dns.assertions[0].op",
        ),
        (
            json!({"name": "example.com", "assertions": [{"op": "equals"}]}),
            "dns.assertions[0].values",
        ),
        (
            json!({"name": "example.com", "assertions": [{"op": "contains", "values": ["192.0.2.1"]}, {"op": "equals", "values": ["192.0.2.1", "mail"]}]}),
            "dns.assertions[1].values[1]",
        ),
        (
            json!({"name": "example.com", "assertions": [{"op": "matches", "pattern": "("}]}),
            "dns.assertions[0].pattern",
        ),
        (
            json!({"name": "example.com", "assertions": [{"op": "matches", "pattern": "a".repeat(513)}]}),
            "dns.assertions[0].pattern",
        ),
        (
            json!({"name": "example.com", "assertions": [{"op": "matches", "pattern": "x", "values": ["x"]}]}),
            "dns.assertions[0].values",
        ),
        (
            json!({"name": "example.com", "assertions": [{"op": "equals", "values": ["192.0.2.1"], "severity": "panic"}]}),
            "dns.assertions[0].severity",
        ),
        (json!({"name": "example.com", "change_severity": "loud"}), "dns.change_severity"),
    ];
    for (json, field) in cases {
        assert_eq!(field_of(json.clone()), field, "{json}");
    }
}

#[test]
fn a_pattern_too_big_once_compiled_is_refused() {
    let err = compile("\\w{500}\\w{500}").expect_err("too big");
    assert!(err.contains("regular expression"), "{err}");
}

#[test]
fn expected_values_are_stored_normalised_and_sorted() {
    let spec = spec(serde_json::json!({
        "name": "example.com", "record_type": "MX",
        "assertions": [{"op": "equals", "values": ["20 B.example.com", "10 a.example.com."], "severity": "degrade"}]
    }));
    assert_eq!(spec.assertions[0].values, ["10 a.example.com.", "20 b.example.com."]);
    assert_eq!(spec.assertions[0].severity, Severity::Degrade);
    let stored = serde_json::to_string(&spec).expect("json");
    assert_eq!(serde_json::from_str::<DnsSpec>(&stored).expect("read back"), spec);
}
