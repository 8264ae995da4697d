use super::*;
use crate::heartbeats::Outcome;

#[test]
fn the_url_tail_names_the_ping() {
    let cases = [
        ("", Ok(PingKind::Success)),
        ("/", Ok(PingKind::Success)),
        ("start", Ok(PingKind::Start)),
        ("fail", Ok(PingKind::Fail)),
        ("log", Ok(PingKind::Log)),
        ("0", Ok(PingKind::Exit(0))),
        ("1", Ok(PingKind::Exit(1))),
        ("255", Ok(PingKind::Exit(255))),
        ("007", Ok(PingKind::Exit(7))),
        ("256", Err(())),
        ("-1", Err(())),
        ("+1", Err(())),
        ("1000", Err(())),
        ("START", Err(())),
        ("finish", Err(())),
    ];
    for (tail, want) in cases {
        assert_eq!(PingKind::from_tail(tail).map_err(|_| ()), want, "tail {tail:?}");
    }
}

#[test]
fn exit_status_zero_is_success_and_any_other_a_failure() {
    assert_eq!(PingKind::Exit(0).outcome(), Some(Outcome::Success));
    assert_eq!(PingKind::Success.outcome(), Some(Outcome::Success));
    assert_eq!(PingKind::Exit(3).outcome(), Some(Outcome::Failure { exit_code: Some(3) }));
    assert_eq!(PingKind::Fail.outcome(), Some(Outcome::Failure { exit_code: None }));
    assert_eq!(PingKind::Start.outcome(), None);
    assert_eq!(PingKind::Log.outcome(), None);
}

#[test]
fn a_body_keeps_its_first_ten_kilobytes_on_a_character_boundary() {
    assert_eq!(keep_body(b"all done"), ("all done".to_owned(), false));
    let long = "é".repeat(PING_BODY_LIMIT); // two bytes each
    let (kept, cut) = keep_body(long.as_bytes());
    assert!(cut);
    assert_eq!(kept.len(), PING_BODY_LIMIT);
    assert_eq!(kept.chars().count(), PING_BODY_LIMIT / 2);
    // 10 239 ASCII bytes then a 3-byte character: the character does not fit.
    let edge = format!("{}€", "a".repeat(PING_BODY_LIMIT - 1));
    let (kept, cut) = keep_body(edge.as_bytes());
    assert!(cut);
    assert_eq!(kept, "a".repeat(PING_BODY_LIMIT - 1));
    let (kept, _) = keep_body(&[b'o', b'k', 0xff]);
    assert_eq!(kept, "ok\u{fffd}", "invalid UTF-8 is replaced, not refused");
}

#[test]
fn kumas_push_form_reads_as_kuma_does() {
    let form = |status: Option<&str>, msg: Option<&str>, ping: Option<&str>| PushForm {
        status: status.map(Into::into),
        msg: msg.map(Into::into),
        ping: ping.map(Into::into),
    };
    let cases = [
        (form(None, None, None), PingKind::Success, "OK", None),
        (form(Some("up"), Some("fine"), Some("12.5")), PingKind::Success, "fine", Some(12.5)),
        (form(Some(""), None, Some("x")), PingKind::Success, "OK", None),
        (form(Some("down"), Some("disk\nfull"), None), PingKind::Fail, "disk full", None),
        (form(Some("pending"), None, Some("-3")), PingKind::Fail, "OK", None),
    ];
    for (form, kind, message, ping_ms) in cases {
        let push = form.read();
        assert_eq!(
            (push.kind, push.message.as_str(), push.ping_ms),
            (kind, message, ping_ms),
            "{form:?}"
        );
    }
}
