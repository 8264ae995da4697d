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

words! {
    /// What an HTTP assertion looks at.
    AssertionSource, "status, header, body, body_regex, json_path, time, cert_days or resolved_ip" {
        /// The response's status code.
        Status = "status",
        /// One response header, named by the assertion's `path`.
        Header = "header",
        /// The body as text.
        Body = "body",
        /// The body against a regular expression.
        BodyRegex = "body_regex",
        /// A value in a JSON body, selected by the RFC 9535 path in `path`.
        JsonPath = "json_path",
        /// The time of one phase (`path`, default total), in milliseconds.
        Time = "time",
        /// Whole days until the server's certificate expires.
        CertDays = "cert_days",
        /// The address the host name resolved to.
        ResolvedIp = "resolved_ip",
    }
}

words! {
    /// How an HTTP assertion compares its source with its target.
    AssertionOp, "equals, not_equals, contains, not_contains, matches, not_matches, less_than, greater_than, exists or not_exists" {
        Equals = "equals",
        NotEquals = "not_equals",
        Contains = "contains",
        NotContains = "not_contains",
        /// The value matches the regular expression in the target.
        Matches = "matches",
        NotMatches = "not_matches",
        /// Numbers only.
        LessThan = "less_than",
        GreaterThan = "greater_than",
        /// The header or JSON value is there (the target stays empty).
        Exists = "exists",
        NotExists = "not_exists",
    }
}

impl AssertionSource {
    /// The operators that make sense for this source; validation refuses
    /// the others, and the UI offers only these.
    pub const fn ops(self) -> &'static [AssertionOp] {
        use AssertionOp::*;
        match self {
            Self::Status => &[Equals, NotEquals, LessThan, GreaterThan],
            Self::Header => {
                &[Equals, NotEquals, Contains, NotContains, Matches, NotMatches, Exists, NotExists]
            }
            Self::Body => &[Contains, NotContains],
            Self::BodyRegex => &[Matches, NotMatches],
            Self::JsonPath => &[
                Equals,
                NotEquals,
                Contains,
                NotContains,
                Matches,
                NotMatches,
                LessThan,
                GreaterThan,
                Exists,
                NotExists,
            ],
            Self::Time => &[LessThan, GreaterThan],
            Self::CertDays => &[GreaterThan, LessThan],
            // The target is an address or a network (`10.0.0.0/8`).
            Self::ResolvedIp => &[Equals, NotEquals],
        }
    }

    /// Whether `op` is one of [`Self::ops`].
    pub fn accepts(self, op: AssertionOp) -> bool {
        self.ops().contains(&op)
    }

    /// What the assertion's `path` names, for a form's label; `None` when
    /// the source takes no path.
    pub const fn path_label(self) -> Option<&'static str> {
        match self {
            Self::Header => Some("header name"),
            Self::JsonPath => Some("JSON path"),
            Self::Time => Some("phase"),
            _ => None,
        }
    }
}

impl AssertionOp {
    /// Whether the operator takes a target (`exists` and `not_exists` do not).
    pub const fn takes_target(self) -> bool {
        !matches!(self, Self::Exists | Self::NotExists)
    }

    /// Whether the target is a regular expression.
    pub const fn is_regex(self) -> bool {
        matches!(self, Self::Matches | Self::NotMatches)
    }

    /// Whether the target is a number.
    pub const fn is_numeric(self) -> bool {
        matches!(self, Self::LessThan | Self::GreaterThan)
    }

    /// How the operator reads in a sentence: "less than".
    pub const fn phrase(self) -> &'static str {
        match self {
            Self::Equals => "equals",
            Self::NotEquals => "does not equal",
            Self::Contains => "contains",
            Self::NotContains => "does not contain",
            Self::Matches => "matches",
            Self::NotMatches => "does not match",
            Self::LessThan => "less than",
            Self::GreaterThan => "greater than",
            Self::Exists => "exists",
            Self::NotExists => "does not exist",
        }
    }
}

words! {
    /// Which HTTP version an HTTP monitor speaks.
    HttpVersionPref, "auto, http1 or http2" {
        /// HTTP/2 where the server offers it (ALPN), HTTP/1.1 otherwise.
        Auto = "auto",
        /// HTTP/1.1 only.
        Http1 = "http1",
        /// HTTP/2 only (over plain HTTP: with prior knowledge).
        Http2 = "http2",
    }
}

/// What browsers do.
impl Default for HttpVersionPref {
    fn default() -> Self {
        Self::Auto
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_source_offers_only_the_ops_that_make_sense() {
        for source in AssertionSource::ALL {
            assert!(!source.ops().is_empty(), "{source}");
        }
        assert!(AssertionSource::Header.accepts(AssertionOp::Exists));
        assert!(!AssertionSource::Body.accepts(AssertionOp::Equals));
        assert!(!AssertionSource::Time.accepts(AssertionOp::Matches));
        assert_eq!(AssertionSource::Time.path_label(), Some("phase"));
        assert_eq!(AssertionSource::Status.path_label(), None);
        assert_eq!("body_regex".parse(), Ok(AssertionSource::BodyRegex));
        assert!(!AssertionOp::NotExists.takes_target());
    }
}
