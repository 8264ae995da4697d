//! The words of HTTP checks measured by phase, shared with the UI's charts
//! and forms.

use crate::macros::words;
// Named by the `db_type` the `db` feature's derive expands.
#[cfg(feature = "db")]
use sea_orm::sea_query::StringLen;

words! {
    /// A phase of one HTTP exchange, in the order they happen. `total` is
    /// the whole exchange (redirects included).
    HttpPhase, "dns, connect, tls, ttfb, transfer or total" {
        /// Resolving the host name (zero for an IP address).
        Dns = "dns",
        /// The TCP handshake.
        Connect = "connect",
        /// The TLS handshake (absent for plain HTTP).
        Tls = "tls",
        /// From sending the request to the first byte of the answer's head.
        Ttfb = "ttfb",
        /// Reading the body.
        Transfer = "transfer",
        /// All of it.
        Total = "total",
    }
}

impl HttpPhase {
    /// How a failure in this phase reads: "timeout during tls handshake".
    pub const fn during(self) -> &'static str {
        match self {
            Self::Dns => "dns lookup",
            Self::Connect => "connect",
            Self::Tls => "tls handshake",
            Self::Ttfb => "waiting for the response",
            Self::Transfer => "body transfer",
            Self::Total => "the request",
        }
    }
}
