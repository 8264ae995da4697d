//! Why a TLS handshake was refused, one variant per cause a user acts on
//! differently (renew, fix the clock, install the intermediate, fix the name).

use serde::{Deserialize, Serialize};

use crate::text;

/// Why the server's certificate (or the handshake) was not accepted. Serde is
/// for storing it with a check, not a wire type (decision 69).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum TlsFailure {
    /// A certificate of the chain is past its `notAfter`.
    #[error("the certificate has expired")]
    Expired,
    /// A certificate of the chain is before its `notBefore`.
    #[error("the certificate is not valid yet")]
    NotYetValid,
    /// The chain does not lead to a trusted root (often a missing intermediate).
    #[error("the certificate was issued by an authority that is not trusted (is an intermediate missing?)")]
    UnknownIssuer,
    /// The certificate does not name the host that was checked.
    #[error("the certificate is not valid for this host name")]
    HostnameMismatch,
    /// The server sent a certificate it signed itself, trusted by nobody.
    #[error("the certificate is self-signed")]
    SelfSigned,
    /// Anything else that ended the handshake; the text came from the remote.
    #[error("TLS handshake failed: {0}")]
    Handshake(String),
}

impl TlsFailure {
    /// A handshake failure with `detail` made safe to keep (it may come from
    /// the server: an alert, a protocol complaint).
    pub fn handshake(detail: &str) -> Self {
        Self::Handshake(text::remote(detail))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_reads_as_a_sentence_a_user_can_act_on() {
        assert_eq!(TlsFailure::Expired.to_string(), "the certificate has expired");
        assert_eq!(TlsFailure::NotYetValid.to_string(), "the certificate is not valid yet");
        assert!(TlsFailure::UnknownIssuer.to_string().contains("not trusted"));
        assert_eq!(
            TlsFailure::HostnameMismatch.to_string(),
            "the certificate is not valid for this host name"
        );
        assert_eq!(TlsFailure::SelfSigned.to_string(), "the certificate is self-signed");
    }

    #[test]
    fn remote_text_in_a_handshake_failure_is_bounded_and_on_one_line() {
        let failure = TlsFailure::handshake(&format!("bad\r\nalert{}", "x".repeat(1000)));
        let TlsFailure::Handshake(detail) = &failure else { panic!("a handshake failure") };
        assert!(!detail.contains('\n'));
        assert_eq!(detail.chars().count(), text::REMOTE_TEXT_MAX);
    }

    #[test]
    fn failures_are_stored_as_tagged_json() {
        let json = serde_json::to_value(TlsFailure::HostnameMismatch).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "hostname_mismatch"}));
        let json = serde_json::to_value(TlsFailure::handshake("alert")).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "handshake", "detail": "alert"}));
        let back: TlsFailure = serde_json::from_value(json).unwrap();
        assert_eq!(back, TlsFailure::Handshake("alert".into()));
    }
}
