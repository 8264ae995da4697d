//! What a TLS check learns about a server's certificates, browser-free and
//! pure: the chain the server sent, summarised for storing and showing
//! ([`CertSummary`]), why a handshake was refused ([`TlsFailure`]), and the
//! expiry thresholds that each warn once as they are crossed
//! ([`ExpiryThresholds`]); a `tls` monitor's settings ([`TlsSpec`]) and its
//! step in the recording skeleton ([`TlsResult`]). The handshake itself is
//! `jobs::outbound`'s.

mod chain;
mod expiry;
mod failure;
mod read;
mod record;
mod spec;
mod watch;

pub use chain::{CertInfo, CertSummary, ChainError, FirstExpiry};
pub use expiry::{changed, ExpiryThresholds, EXPIRY_FIELD};
pub use failure::TlsFailure;
pub use read::{certificate, SeenCertificate};
pub use record::{TlsOutcome, TlsResult};
pub use spec::{TlsInput, TlsSpec, DEFAULT_PORT};
pub use watch::{SeenChain, Sighting};
