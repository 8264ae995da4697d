//! Text helpers shared by every crate: cutting text to a length, the bound
//! on text that came from a remote server (a check's error, a receiver's
//! answer, GitHub's message) before it is stored, logged or shown, and
//! lengths of time in one style (`12m 5s`, `5m ago`) for notifications,
//! Slack and the pages alike.

/// The most characters of remote text kept.
pub const REMOTE_TEXT_MAX: usize = 300;

/// At most `max` characters, with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// The longest start of `text` that is at most `max` bytes and ends on a
/// character boundary (for limits counted in bytes, like a stored body).
pub fn prefix_bytes(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Remote text made safe to keep: control characters (newlines included,
/// which would forge log lines) become spaces, and it is cut to
/// [`REMOTE_TEXT_MAX`] characters.
pub fn remote(text: &str) -> String {
    let clean: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    truncate(clean.trim(), REMOTE_TEXT_MAX)
}

/// A length of time in its two largest units, the second left out when it
/// is zero: `45s`, `12m 5s`, `5m`, `3h 20m`, `2d 4h`, `1d`. Negative
/// lengths read as `0s`.
pub fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    let (days, hours, minutes, seconds) =
        (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60, secs % 60);
    let (first, second) = match (days, hours, minutes) {
        (0, 0, 0) => return format!("{seconds}s"),
        (0, 0, _) => ((minutes, 'm'), (seconds, 's')),
        (0, _, _) => ((hours, 'h'), (minutes, 'm')),
        _ => ((days, 'd'), (hours, 'h')),
    };
    match second {
        (0, _) => format!("{}{}", first.0, first.1),
        _ => format!("{}{} {}{}", first.0, first.1, second.0, second.1),
    }
}

/// How long ago, in its largest unit: `just now` (under five seconds, or in
/// the future: clocks differ a little), `42s ago`, `5m ago`, `3h ago`, `2d ago`.
pub fn ago(secs: i64) -> String {
    match secs {
        ..5 => "just now".to_owned(),
        5..60 => format!("{secs}s ago"),
        60..3600 => format!("{}m ago", secs / 60),
        3600..86_400 => format!("{}h ago", secs / 3600),
        _ => format!("{}d ago", secs / 86_400),
    }
}

/// `1 day`, `6 days`.
pub fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

/// When something dated expires, as words: `expires in 6 days`, `expires in
/// 1 day`, `expires within a day`, `expired within the last day`, `expired 2
/// days ago`. Whole days, counted down to the moment (5 days 23 hours is 5).
pub fn expiry(at: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> String {
    let whole = |secs: i64| secs.div_euclid(86_400);
    if at > now {
        match whole((at - now).num_seconds()) {
            0 => "expires within a day".to_owned(),
            n => format!("expires in {}", days(n)),
        }
    } else {
        match whole((now - at).num_seconds()) {
            0 => "expired within the last day".to_owned(),
            n => format!("expired {} ago", days(n)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiries_read_as_whole_days_either_way() {
        let now =
            chrono::DateTime::parse_from_rfc3339("2026-12-01T09:00:00Z").expect("time").to_utc();
        let at = |hours: i64| now + chrono::Duration::hours(hours);
        assert_eq!(expiry(at(6 * 24 + 23), now), "expires in 6 days");
        assert_eq!(expiry(at(24), now), "expires in 1 day");
        assert_eq!(expiry(at(23), now), "expires within a day");
        assert_eq!(expiry(at(-1), now), "expired within the last day");
        assert_eq!(expiry(at(-47), now), "expired 1 day ago");
        assert_eq!(expiry(at(-48), now), "expired 2 days ago");
    }

    #[test]
    fn truncation_marks_the_cut_and_counts_characters_not_bytes() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(truncate("ééééé", 3), "éé…");
    }

    #[test]
    fn byte_prefixes_end_on_a_character_boundary() {
        assert_eq!(prefix_bytes("abcdef", 4), "abcd");
        assert_eq!(prefix_bytes("abc", 4), "abc");
        // `é` is two bytes: five bytes hold two of them, not two and a half.
        assert_eq!(prefix_bytes("ééé", 5), "éé");
        assert_eq!(prefix_bytes("€", 2), "");
    }

    #[test]
    fn remote_text_is_bounded_and_on_one_line() {
        let long = "x".repeat(10_000);
        assert_eq!(remote(&long).chars().count(), REMOTE_TEXT_MAX);
        assert_eq!(remote("bad\r\ngateway\u{1b}[31m"), "bad  gateway [31m");
    }

    #[test]
    fn durations_read_in_their_two_largest_units() {
        assert_eq!(duration(-3), "0s");
        assert_eq!(duration(45), "45s");
        assert_eq!(duration(725), "12m 5s");
        assert_eq!(duration(200 * 60), "3h 20m");
        assert_eq!(duration(52 * 3600), "2d 4h");
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(300), "5m", "a zero second unit is left out");
        assert_eq!(duration(3 * 3600 + 59), "3h");
        assert_eq!(duration(86_400), "1d");
    }

    #[test]
    fn elapsed_time_reads_in_one_unit() {
        assert_eq!(ago(2), "just now");
        assert_eq!(ago(-3), "just now");
        assert_eq!(ago(42), "42s ago");
        assert_eq!(ago(5 * 60), "5m ago");
        assert_eq!(ago(3 * 3600 + 59), "3h ago");
        assert_eq!(ago(49 * 3600), "2d ago");
    }
}
