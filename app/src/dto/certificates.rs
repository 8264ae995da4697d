//! A `tls` monitor's last certificate and a `domain` monitor's last
//! registration, as their pages show them.

use serde::{Deserialize, Serialize};

use super::When;

/// The chain a server presented at the last handshake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateData {
    /// Whole days until the first certificate expires; negative once it has.
    pub days_left: i64,
    pub expires_at: When,
    /// The server's certificate's SHA-256, lower-case hex.
    pub fingerprint: String,
    /// `TLSv1.3`; empty when the handshake was refused.
    pub tls_version: String,
    pub first_seen: When,
    pub checked: When,
    /// The certificates as sent, the server's own first.
    pub chain: Vec<CertificateItem>,
}

/// One certificate of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateItem {
    pub subject: String,
    pub issuer: String,
    /// DNS names and IP addresses it covers; `and N more` when cut.
    pub names: String,
    pub not_after: When,
    /// The chain's first expiry.
    pub expires_first: bool,
}

/// What the registry said at the last answered lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationData {
    pub name: String,
    /// `None` when the registry publishes no expiration.
    pub expires_at: Option<When>,
    pub days_left: Option<i64>,
    pub registrar: Option<String>,
    /// Comma-separated EPP statuses.
    pub statuses: String,
    /// Comma-separated name servers.
    pub nameservers: String,
    pub rdap_server: String,
    pub checked: When,
}
