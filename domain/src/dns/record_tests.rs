use super::*;

#[test]
fn each_type_has_one_text_form() {
    let cases: Vec<(Record, &str)> = vec![
        (Record::A("192.0.2.1".parse().unwrap()), "192.0.2.1"),
        (Record::Aaaa("2001:DB8::0:1".parse().unwrap()), "2001:db8::1"),
        (Record::Cname("WWW.Example.com".into()), "www.example.com."),
        (Record::Ns("ns1.example.com.".into()), "ns1.example.com."),
        (Record::Ptr("host.example.net".into()), "host.example.net."),
        (
            Record::Mx { preference: 10, exchange: "Mail.example.com.".into() },
            "10 mail.example.com.",
        ),
        (Record::Txt(vec![b"v=spf1 ".to_vec(), b"-all".to_vec()]), "v=spf1 -all"),
        (
            Record::Soa {
                mname: "ns1.example.com".into(),
                rname: "hostmaster.example.com".into(),
                serial: 2_026_120_701,
                refresh: 7200,
                retry: 3600,
                expire: 1_209_600,
                minimum: 300,
            },
            "ns1.example.com. hostmaster.example.com. 2026120701 7200 3600 1209600 300",
        ),
        (
            Record::Srv { priority: 10, weight: 5, port: 5060, target: "sip.example.com".into() },
            "10 5 5060 sip.example.com.",
        ),
        (
            Record::Caa { critical: false, tag: "Issue".into(), value: "letsencrypt.org".into() },
            "0 issue \"letsencrypt.org\"",
        ),
    ];
    for (record, text) in cases {
        assert_eq!(record.to_string(), text, "{:?}", record.record_type());
    }
}

#[test]
fn expected_values_take_the_answers_form() {
    use DnsRecordType as T;
    let cases = [
        (T::A, " 192.0.2.1 ", "192.0.2.1"),
        (T::Aaaa, "2001:0db8::1", "2001:db8::1"),
        (T::Cname, "WWW.example.com", "www.example.com."),
        (T::Mx, "10  Mail.Example.com", "10 mail.example.com."),
        (T::Srv, "10 5 5060 sip.example.com.", "10 5 5060 sip.example.com."),
        (T::Caa, "0 ISSUE \"letsencrypt.org\"", "0 issue \"letsencrypt.org\""),
        (T::Caa, "0 issue letsencrypt.org", "0 issue \"letsencrypt.org\""),
        (T::Txt, "\"v=spf1 -all\"", "v=spf1 -all"),
        (
            T::Soa,
            "ns1.example.com hostmaster.example.com 1 2 3 4 5",
            "ns1.example.com. hostmaster.example.com. 1 2 3 4 5",
        ),
    ];
    for (record_type, raw, expected) in cases {
        assert_eq!(normalise_expected(record_type, raw).as_deref(), Ok(expected), "{raw}");
    }
}

#[test]
fn malformed_expected_values_say_what_the_type_wants() {
    use DnsRecordType as T;
    for (record_type, raw, says) in [
        (T::A, "2001:db8::1", "an IPv4 address"),
        (T::Aaaa, "192.0.2.1", "an IPv6 address"),
        (T::Mx, "mail.example.com", "preference host"),
        (T::Srv, "10 5 sip.example.com", "priority weight port target"),
        (T::Soa, "ns1 hostmaster 1 2", "mname rname"),
        (T::Cname, "two names", "a host name"),
        (T::Caa, "7 issue x", "flags tag value"),
        (T::Txt, "  ", "empty"),
    ] {
        let err = normalise_expected(record_type, raw).expect_err(raw);
        assert!(err.contains(says), "{raw}: {err}");
    }
}
