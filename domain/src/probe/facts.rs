//! What an HTTP check adds to its history row beyond status and error.

use std::net::IpAddr;

use super::Phases;
use crate::text;
use crate::tls::SeenChain;

/// The most bytes of a failing answer's body kept with its check.
pub const EXCERPT_MAX: usize = 2048;

/// Shown instead of a secret of the monitor's own found in an excerpt.
pub const REDACTED: &str = "[redacted]";

/// The facts of one HTTP check, stored with its row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpFacts {
    pub phases: Phases,
    /// The address the check connected to (the final hop's).
    pub resolved_ip: Option<IpAddr>,
    /// `HTTP/1.1` or `HTTP/2`.
    pub http_version: Option<String>,
    /// `TLSv1.2` or `TLSv1.3`, for HTTPS.
    pub tls_version: Option<String>,
    /// The start of the body of an answer that failed the check.
    pub excerpt: Option<String>,
    /// HTTPS: the chain the server sent (kept per monitor, not per row).
    pub certificate: Option<Box<SeenChain>>,
}

/// The start of a body, fit to keep and show: at most [`EXCERPT_MAX`] bytes,
/// decoded leniently, control characters other than line breaks and tabs
/// made spaces, and every one of `secrets` (the monitor's own header values
/// and request body, echoed back by some servers) replaced by [`REDACTED`].
/// Secrets shorter than 4 characters are left alone: redacting "1" would
/// redact every digit.
pub fn excerpt(body: &[u8], secrets: &[&str]) -> String {
    // Redact before cutting, so a secret across the cut is not half kept.
    let mut text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_MAX * 2)]).into_owned();
    for secret in secrets.iter().filter(|s| s.chars().count() >= 4) {
        text = text.replace(secret, REDACTED);
    }
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() && c != '\n' && c != '\t' { ' ' } else { c })
        .collect();
    text::prefix_bytes(&clean, EXCERPT_MAX).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_is_bounded_redacted_and_printable() {
        let body = format!("error\r\nkey=s3cret-token\u{7}\n{}", "é".repeat(3000));
        let kept = excerpt(body.as_bytes(), &["s3cret-token", "ab"]);
        assert!(kept.starts_with("error \nkey=[redacted] \n"), "{kept}");
        assert!(kept.len() <= EXCERPT_MAX && kept.len() > EXCERPT_MAX - 2);
        assert!(!kept.contains("s3cret"));
        let short = excerpt(b"a secret: ab", &["ab"]);
        assert_eq!(short, "a secret: ab", "short secrets are not redacted");
    }

    #[test]
    fn invalid_utf8_is_kept_leniently() {
        assert_eq!(excerpt(b"ok\xffthen", &[]), "ok\u{fffd}then");
    }
}
