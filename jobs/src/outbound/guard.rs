//! The deny list: the addresses a monitor may not reach unless the operator
//! allows them. Without it, anyone who can create a monitor could probe the
//! server's own network, or read a cloud metadata service.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use super::OutboundError;

const LOOPBACK: &str = "loopback address";
const PRIVATE: &str = "private address";
const LINK_LOCAL: &str = "link-local address";
const SHARED: &str = "shared (CGNAT) address";
const MULTICAST: &str = "multicast address";
const UNSPECIFIED: &str = "unspecified address";
const BROADCAST: &str = "broadcast address";
const RESERVED: &str = "reserved address";
const DOCUMENTATION: &str = "documentation address";
const BENCHMARKING: &str = "benchmarking address";
const PROTOCOL: &str = "protocol-assignment address";
const TEREDO: &str = "Teredo address";
const DISCARD: &str = "discard-only address";

/// The deny list plus the operator's exceptions (`--allow-targets`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Guard {
    allow: Vec<IpNet>,
}

impl Guard {
    /// A guard that exempts the `allow` ranges.
    pub(crate) fn new(allow: Vec<IpNet>) -> Self {
        Self { allow }
    }

    /// Refuses `ip` when it is on the deny list and not allowed.
    pub(crate) fn check(&self, ip: IpAddr) -> Result<(), OutboundError> {
        match deny_rule(ip) {
            Some(rule) if !self.is_allowed(ip) => Err(OutboundError::Denied { addr: ip, rule }),
            _ => Ok(()),
        }
    }

    fn is_allowed(&self, ip: IpAddr) -> bool {
        // An IPv6 spelling of an IPv4 address reaches that IPv4 address, so an
        // allowed IPv4 range covers those spellings too.
        let embedded = match ip {
            IpAddr::V6(v6) => embedded_v4(v6).map(IpAddr::V4),
            IpAddr::V4(_) => None,
        };
        self.allow.iter().any(|net| net.contains(&ip) || embedded.is_some_and(|e| net.contains(&e)))
    }
}

/// Why `ip` is refused by default (e.g. "loopback address"), or `None` for a public address.
pub fn deny_rule(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_rule(v4),
        IpAddr::V6(v6) => v6_rule(v6),
    }
}

fn v4_rule(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    let rule = match (a, b, c) {
        (0, _, _) => UNSPECIFIED,
        (127, _, _) => LOOPBACK,
        (10, _, _) | (172, 16..=31, _) | (192, 168, _) => PRIVATE,
        (169, 254, _) => LINK_LOCAL,
        (100, 64..=127, _) => SHARED,
        // 192.0.0.0/24: IETF protocol assignments (DS-Lite, NAT64 discovery…);
        // 192.88.99.0/24: the retired 6to4 relay anycast.
        (192, 0, 0) | (192, 88, 99) => PROTOCOL,
        // TEST-NET-1, -2 and -3 (RFC 5737).
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => DOCUMENTATION,
        // 198.18.0.0/15 (RFC 2544).
        (198, 18..=19, _) => BENCHMARKING,
        (224..=239, _, _) => MULTICAST,
        (255, 255, _) if ip.is_broadcast() => BROADCAST,
        (240..=255, _, _) => RESERVED,
        _ => return None,
    };
    Some(rule)
}

fn v6_rule(ip: Ipv6Addr) -> Option<&'static str> {
    if ip.is_unspecified() {
        return Some(UNSPECIFIED);
    }
    if ip.is_loopback() {
        return Some(LOOPBACK);
    }
    if let Some(v4) = embedded_v4(ip) {
        return v4_rule(v4);
    }
    let [first, second, third, fourth, ..] = ip.segments();
    let rule = match first {
        // fc00::/7 unique local, and fec0::/10 (deprecated site-local).
        _ if first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfec0 => PRIVATE,
        _ if first & 0xffc0 == 0xfe80 => LINK_LOCAL,
        _ if first & 0xff00 == 0xff00 => MULTICAST,
        // 64:ff9b:1::/48 is NAT64 for local use: an internal network by definition.
        0x64 if second == 0xff9b && third == 1 => PRIVATE,
        // Any other address under the NAT64 well-known /32 is not a translation
        // of a public IPv4 address (those are 64:ff9b::/96, read above).
        0x64 if second == 0xff9b => RESERVED,
        // 100::/64: discard-only (RFC 6666).
        0x100 if second == 0 && third == 0 && fourth == 0 => DISCARD,
        // 2001::/32 Teredo hides an IPv4 address (obfuscated) that a relay reaches for us.
        0x2001 if second == 0 => TEREDO,
        // 2001:db8::/32 and 3fff::/20 (RFC 3849, RFC 9637).
        0x2001 if second == 0xdb8 => DOCUMENTATION,
        0x3fff if second & 0xf000 == 0 => DOCUMENTATION,
        // The rest of 2001::/23: ORCHID, benchmarking (2001:2::/48), AMT and
        // other IETF protocol assignments, none of them a monitoring target.
        0x2001 if second < 0x200 => PROTOCOL,
        // 2002::/16 6to4 carries an IPv4 address, read above; 2002:: alone has
        // none (0.0.0.0) and is caught there too.
        _ => return None,
    };
    Some(rule)
}

/// The IPv4 address inside an IPv6 address that carries one: IPv4-mapped
/// (`::ffff:0:0/96`), IPv4-translated (`::ffff:0:0:0/96`), IPv4-compatible
/// (`::/96`), NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let [_, _, _, _, _, _, _, _, _, _, _, _, a, b, c, d] = ip.octets();
    let last = Ipv4Addr::new(a, b, c, d);
    match ip.segments() {
        [0, 0, 0, 0, 0, 0xffff, _, _]
        | [0, 0, 0, 0, 0xffff, 0, _, _]
        | [0, 0, 0, 0, 0, 0, _, _]
        | [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(last),
        [0x2002, high, low, ..] => Some(Ipv4Addr::from((u32::from(high) << 16) | u32::from(low))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(ip: &str) -> Option<&'static str> {
        deny_rule(ip.parse().expect("an IP address"))
    }

    #[test]
    fn loopback_is_refused_in_both_families_and_every_ipv6_wrapping() {
        for ip in [
            "127.0.0.1",
            "127.255.255.254",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:0:127.0.0.1",
            "::127.0.0.1",
            "64:ff9b::7f00:1",
            "2002:7f00:1::",
            "2002:7f00:1:1234::5",
        ] {
            assert_eq!(rule(ip), Some(LOOPBACK), "{ip}");
        }
    }

    #[test]
    fn private_ranges_are_refused() {
        for ip in [
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "fc00::1",
            "fd12:3456::1",
            "fec0::1",
            "64:ff9b:1::a00:1",
            "::ffff:10.1.2.3",
            "64:ff9b::c0a8:101",
            "2002:c0a8:101::1",
        ] {
            assert_eq!(rule(ip), Some(PRIVATE), "{ip}");
        }
        assert_eq!(rule("172.15.255.255"), None);
        assert_eq!(rule("172.32.0.1"), None);
    }

    #[test]
    fn link_local_and_cloud_metadata_are_refused() {
        for ip in ["169.254.169.254", "169.254.0.1", "fe80::1", "febf::1", "::ffff:169.254.169.254"]
        {
            assert_eq!(rule(ip), Some(LINK_LOCAL), "{ip}");
        }
    }

    #[test]
    fn cgnat_multicast_unspecified_broadcast_and_reserved_are_refused() {
        assert_eq!(rule("100.64.0.1"), Some(SHARED));
        assert_eq!(rule("100.127.255.255"), Some(SHARED));
        assert_eq!(rule("100.128.0.1"), None);
        assert_eq!(rule("100.63.255.255"), None);
        for ip in ["224.0.0.1", "239.255.255.250", "ff02::1", "ff0e::1"] {
            assert_eq!(rule(ip), Some(MULTICAST), "{ip}");
        }
        for ip in ["0.0.0.0", "0.1.2.3", "::", "::ffff:0.0.0.0"] {
            assert_eq!(rule(ip), Some(UNSPECIFIED), "{ip}");
        }
        assert_eq!(rule("255.255.255.255"), Some(BROADCAST));
        assert_eq!(rule("240.0.0.1"), Some(RESERVED));
    }

    #[test]
    fn documentation_benchmarking_and_protocol_ranges_are_refused() {
        for (ip, expected) in [
            ("192.0.0.8", PROTOCOL),
            ("192.0.0.170", PROTOCOL),
            ("192.88.99.1", PROTOCOL),
            ("192.0.2.1", DOCUMENTATION),
            ("198.51.100.7", DOCUMENTATION),
            ("203.0.113.255", DOCUMENTATION),
            ("198.18.0.1", BENCHMARKING),
            ("198.19.255.254", BENCHMARKING),
            ("2001:db8::1", DOCUMENTATION),
            ("3fff:123::1", DOCUMENTATION),
            ("2001:0:4136:e378:8000:63bf:3fff:fdd2", TEREDO),
            ("2001::1", TEREDO),
            ("2001:2::1", PROTOCOL),
            ("2001:10::1", PROTOCOL),
            ("100::1", DISCARD),
            ("64:ff9b:2::1", RESERVED),
            ("::ffff:198.18.0.1", BENCHMARKING),
            ("2002:c000:201::1", DOCUMENTATION),
        ] {
            assert_eq!(rule(ip), Some(expected), "{ip}");
        }
        // The neighbours of those ranges stay public.
        for ip in ["192.0.1.1", "192.0.3.1", "198.17.255.255", "198.20.0.1", "203.0.114.1"] {
            assert_eq!(rule(ip), None, "{ip}");
        }
        for ip in [
            "2001:200::1",
            "2001:4860:4860::8888",
            "2001:db9::1",
            "3ffe::1",
            "3fff:1000::1",
            "100:0:0:1::1",
        ] {
            assert_eq!(rule(ip), None, "{ip}");
        }
    }

    #[test]
    fn six_to_four_and_nat64_refuse_what_they_embed() {
        // 6to4 and the NAT64 well-known prefix carry an IPv4 address: the rule is that address's.
        assert_eq!(rule("2002:a00:1::1"), Some(PRIVATE));
        assert_eq!(rule("2002:a9fe:a9fe::1"), Some(LINK_LOCAL));
        assert_eq!(rule("2002::1"), Some(UNSPECIFIED));
        assert_eq!(rule("64:ff9b::a9fe:a9fe"), Some(LINK_LOCAL));
        assert_eq!(rule("64:ff9b::c633:6407"), Some(DOCUMENTATION));
        assert_eq!(rule("64:ff9b::808:808"), None);
    }

    #[test]
    fn public_addresses_pass_in_every_spelling() {
        for ip in [
            "93.184.216.34",
            "1.1.1.1",
            "8.8.8.8",
            "2606:4700::1111",
            "2a00:1450:4001::200e",
            "::ffff:93.184.216.34",
            "64:ff9b::5db8:d822",
            "2002:5db8:d822::1",
        ] {
            assert_eq!(rule(ip), None, "{ip}");
            assert!(Guard::default().check(ip.parse().expect("ip")).is_ok(), "{ip}");
        }
    }

    #[test]
    fn allowed_ranges_are_exempt_including_their_ipv6_spellings() {
        let guard = Guard::new(vec!["127.0.0.0/8".parse().expect("net")]);
        for ip in ["127.0.0.1", "127.0.0.2", "::ffff:127.0.0.1", "64:ff9b::7f00:1"] {
            assert!(guard.check(ip.parse().expect("ip")).is_ok(), "{ip}");
        }
        // ::1 is loopback too, but not inside 127.0.0.0/8.
        assert!(guard.check("::1".parse().expect("ip")).is_err());
        assert!(guard.check("10.0.0.1".parse().expect("ip")).is_err());
    }

    #[test]
    fn a_refusal_names_the_address_the_rule_and_the_way_out() {
        let err =
            Guard::default().check("169.254.169.254".parse().expect("ip")).expect_err("denied");
        assert_eq!(
            err.to_string(),
            "refused 169.254.169.254: link-local address (allow it with --allow-targets)"
        );
    }
}
