//! Who the client is: the TCP peer, unless the peer is one of the operator's
//! trusted proxies (`--trusted-proxies`), in which case `X-Forwarded-For` is
//! read from the right and the first address not itself a trusted proxy is
//! the client. Entries left of it were written by the client and are ignored:
//! anyone can send `X-Forwarded-For: 1.2.3.4`.

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The client's address as the trusted proxies report it.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = peer?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    // Several X-Forwarded-For headers read as one comma-separated list.
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|hop| !hop.is_empty())
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        // A hop that is no address ends the chain: the last proxy we trust
        // is the best we know.
        let Some(ip) = parse_hop(hop) else { break };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    Some(client)
}

/// An address as proxies write it: bare, or with a port (`1.2.3.4:5`,
/// `[::1]:5`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Ok(addr) = hop.parse::<std::net::SocketAddr>() {
        return Some(addr.ip());
    }
    hop.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn ip(raw: &str) -> IpAddr {
        raw.parse().unwrap()
    }

    fn nets(raw: &[&str]) -> Vec<IpNet> {
        raw.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        let got = client_ip(Some(ip("203.0.113.9")), &headers(&["198.51.100.1"]), &[]);
        assert_eq!(got, Some(ip("203.0.113.9")));
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = nets(&["10.0.0.0/8"]);
        // The client forged the first entry; the proxy appended the real one.
        let h = headers(&["6.6.6.6, 198.51.100.7"]);
        assert_eq!(client_ip(Some(ip("10.0.0.2")), &h, &trusted), Some(ip("198.51.100.7")));
        // Two proxies in a row, one header each.
        let h = headers(&["198.51.100.7", "10.0.0.3"]);
        assert_eq!(client_ip(Some(ip("10.0.0.2")), &h, &trusted), Some(ip("198.51.100.7")));
        // With ports and brackets.
        let h = headers(&["[2001:db8::1]:4711, 10.0.0.3:80"]);
        assert_eq!(client_ip(Some(ip("10.0.0.2")), &h, &trusted), Some(ip("2001:db8::1")));
    }

    #[test]
    fn a_trusted_proxy_without_a_header_or_with_garbage_is_itself_the_client() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(client_ip(Some(ip("10.0.0.2")), &headers(&[]), &trusted), Some(ip("10.0.0.2")));
        let h = headers(&["198.51.100.7, unknown"]);
        assert_eq!(client_ip(Some(ip("10.0.0.2")), &h, &trusted), Some(ip("10.0.0.2")));
        assert_eq!(client_ip(None, &h, &trusted), None);
    }
}
