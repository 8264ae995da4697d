//! The words of the `dns` monitor kind, shared with the UI's form.

use crate::macros::words;
// Named by the `db_type` the `db` feature's derive expands.
#[cfg(feature = "db")]
use sea_orm::sea_query::StringLen;

words! {
    /// The record type a DNS monitor asks for.
    DnsRecordType, "A, AAAA, CNAME, MX, NS, TXT, SOA, SRV, CAA or PTR" {
        A = "A",
        Aaaa = "AAAA",
        Cname = "CNAME",
        Mx = "MX",
        Ns = "NS",
        Txt = "TXT",
        Soa = "SOA",
        Srv = "SRV",
        Caa = "CAA",
        Ptr = "PTR",
    }
}

/// A new DNS monitor asks for addresses.
impl Default for DnsRecordType {
    fn default() -> Self {
        Self::A
    }
}

impl DnsRecordType {
    /// Parses a type in any case, with surrounding space, as a form sends it.
    pub fn parse_loose(raw: &str) -> Option<Self> {
        raw.trim().to_uppercase().parse().ok()
    }
}

words! {
    /// The response code a DNS monitor expects (RFC 1035, RFC 2136).
    DnsRcode, "NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED, YXDOMAIN, YXRRSET, NXRRSET, NOTAUTH or NOTZONE" {
        NoError = "NOERROR",
        FormErr = "FORMERR",
        ServFail = "SERVFAIL",
        NxDomain = "NXDOMAIN",
        NotImp = "NOTIMP",
        Refused = "REFUSED",
        YxDomain = "YXDOMAIN",
        YxRrset = "YXRRSET",
        NxRrset = "NXRRSET",
        NotAuth = "NOTAUTH",
        NotZone = "NOTZONE",
    }
}

/// A name that exists answers NOERROR.
impl Default for DnsRcode {
    fn default() -> Self {
        Self::NoError
    }
}

impl DnsRcode {
    /// The code on the wire: the words are declared in code order, 0 to 10.
    pub fn code(self) -> u16 {
        Self::ALL.iter().position(|&w| w == self).and_then(|i| u16::try_from(i).ok()).unwrap_or(0)
    }

    /// The word of a code on the wire, if it is one of these.
    pub fn from_code(code: u16) -> Option<Self> {
        Self::ALL.get(usize::from(code)).copied()
    }

    /// Parses a code in any case, as a form sends it.
    pub fn parse_loose(raw: &str) -> Option<Self> {
        raw.trim().to_uppercase().parse().ok()
    }
}

words! {
    /// Which servers a DNS monitor asks.
    DnsResolverMode, "system, custom or authoritative" {
        /// The nameservers of the host's /etc/resolv.conf.
        System = "system",
        /// The `ip:port` list the monitor gives.
        Custom = "custom",
        /// The zone's own nameservers (its NS records), found through the system resolver.
        Authoritative = "authoritative",
    }
}

/// Most monitors ask the resolver the host already uses.
impl Default for DnsResolverMode {
    fn default() -> Self {
        Self::System
    }
}

words! {
    /// How a DNS assertion compares the answer with its values.
    DnsAssertionOp, "equals, contains or matches" {
        /// The answer is exactly these records (in any order).
        Equals = "equals",
        /// The answer has at least these records.
        Contains = "contains",
        /// At least one record matches the regular expression.
        Matches = "matches",
    }
}

words! {
    /// What a failed assertion makes of a check: down, or only degraded.
    Severity, "fail or degrade" {
        Fail = "fail",
        Degrade = "degrade",
    }
}

/// A failed assertion fails the check unless told otherwise.
impl Default for Severity {
    fn default() -> Self {
        Self::Fail
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rcodes_map_to_their_wire_codes() {
        assert_eq!(DnsRcode::NoError.code(), 0);
        assert_eq!(DnsRcode::NxDomain.code(), 3);
        assert_eq!(DnsRcode::NotZone.code(), 10);
        assert_eq!(DnsRcode::from_code(5), Some(DnsRcode::Refused));
        assert_eq!(DnsRcode::from_code(11), None);
        assert_eq!(DnsRcode::parse_loose(" nxdomain"), Some(DnsRcode::NxDomain));
    }

    #[test]
    fn record_types_read_loosely_and_strictly() {
        assert_eq!(DnsRecordType::parse_loose(" aaaa "), Some(DnsRecordType::Aaaa));
        assert!("aaaa".parse::<DnsRecordType>().is_err(), "case matters on the wire");
        assert_eq!(DnsRecordType::parse_loose("AXFR"), None);
        for word in DnsRecordType::ALL {
            assert_eq!(word.as_str().parse::<DnsRecordType>().ok(), Some(*word));
        }
    }
}
