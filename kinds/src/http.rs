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
    /// How a failure in this phase reads: "timed out during *the TLS handshake*".
    pub const fn during(self) -> &'static str {
        match self {
            Self::Dns => "the DNS lookup",
            Self::Connect => "the connection",
            Self::Tls => "the TLS handshake",
            Self::Ttfb => "the wait for the response",
            Self::Transfer => "the body transfer",
            Self::Total => "the request",
        }
    }
}
