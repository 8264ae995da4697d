//! Text helpers shared by every crate: cutting text to a length, and the
//! bound on text that came from a remote server (a check's error, a
//! receiver's answer, GitHub's message) before it is stored, logged or shown.

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

/// Remote text made safe to keep: control characters (newlines included,
/// which would forge log lines) become spaces, and it is cut to
/// [`REMOTE_TEXT_MAX`] characters.
pub fn remote(text: &str) -> String {
    let clean: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    truncate(clean.trim(), REMOTE_TEXT_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_marks_the_cut_and_counts_characters_not_bytes() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(truncate("ééééé", 3), "éé…");
    }

    #[test]
    fn remote_text_is_bounded_and_on_one_line() {
        let long = "x".repeat(10_000);
        assert_eq!(remote(&long).chars().count(), REMOTE_TEXT_MAX);
        assert_eq!(remote("bad\r\ngateway\u{1b}[31m"), "bad  gateway [31m");
    }
}
