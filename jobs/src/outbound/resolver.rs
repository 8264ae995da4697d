//! Name resolution that only ever hands out checked addresses. The connection
//! is made to exactly the address that was checked, with no second lookup, so
//! a name that changes its answer between lookups (DNS rebinding) gains nothing.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::Host;

use super::guard::Guard;
use super::OutboundError;

/// reqwest's resolver: resolves with the system resolver, then checks.
#[derive(Debug, Clone)]
pub(crate) struct GuardedResolver {
    guard: Arc<Guard>,
}

impl GuardedResolver {
    /// A resolver that refuses what `guard` refuses.
    pub(crate) fn new(guard: Arc<Guard>) -> Self {
        Self { guard }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let guard = Arc::clone(&self.guard);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // Port 0: reqwest puts in the URL's port.
            let addrs = resolve_checked(&guard, &host, 0).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Resolves `host` and checks every address; one refused address refuses the
/// host, since a name that points inside the network is not a public target.
pub(crate) async fn resolve_checked(
    guard: &Guard,
    host: &str,
    port: u16,
) -> Result<Vec<SocketAddr>, OutboundError> {
    let name = match parse_host(host)? {
        Host::Ipv4(ip) => return checked_literal(guard, IpAddr::V4(ip), port),
        Host::Ipv6(ip) => return checked_literal(guard, IpAddr::V6(ip), port),
        Host::Domain(name) => name,
    };
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), port))
        .await
        .map_err(|e| OutboundError::Dns(format!("{name}: {e}")))?
        .collect();
    if addrs.is_empty() {
        return Err(OutboundError::Dns(format!("{name} has no addresses")));
    }
    for addr in &addrs {
        guard.check(addr.ip())?;
    }
    Ok(addrs)
}

fn checked_literal(guard: &Guard, ip: IpAddr, port: u16) -> Result<Vec<SocketAddr>, OutboundError> {
    guard.check(ip)?;
    Ok(vec![SocketAddr::new(ip, port)])
}

/// Reads a host the way a browser does: the WHATWG parser turns odd IPv4
/// spellings (`2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`) into the
/// address they mean, so they are checked as that address.
pub(crate) fn parse_host(host: &str) -> Result<Host<String>, OutboundError> {
    let host = host.trim();
    // A bare IPv6 address (as in a TCP monitor) has no brackets; the URL parser wants them.
    if let Ok(IpAddr::V6(ip)) = host.parse::<IpAddr>() {
        return Ok(Host::Ipv6(ip));
    }
    Host::parse(host).map_err(|e| OutboundError::InvalidUrl(format!("`{host}`: {e}")))
}

/// Checks the host of a URL when it is an IP address: reqwest does not ask the
/// resolver about those, so this is the only check they get.
pub(crate) fn check_url(guard: &Guard, url: &url::Url) -> Result<(), OutboundError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(OutboundError::InvalidUrl(format!(
            "only http and https are supported, not {}",
            url.scheme()
        )));
    }
    match url.host() {
        Some(Host::Ipv4(ip)) => guard.check(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => guard.check(IpAddr::V6(ip)),
        Some(Host::Domain(_)) => Ok(()),
        None => Err(OutboundError::InvalidUrl("the URL has no host".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_ipv4_spellings_parse_as_the_address_they_mean() {
        for spelling in ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "0x7f.1", "127.0.0.1"] {
            assert_eq!(
                parse_host(spelling).expect("parses"),
                Host::<String>::Ipv4("127.0.0.1".parse().expect("ip")),
                "{spelling}"
            );
        }
        for spelling in ["::1", "[::1]", "[::ffff:127.0.0.1]", "::ffff:7f00:1"] {
            assert!(matches!(parse_host(spelling).expect("parses"), Host::Ipv6(_)), "{spelling}");
        }
        assert_eq!(
            parse_host("Example.ORG").expect("parses"),
            Host::Domain("example.org".to_owned())
        );
    }

    #[test]
    fn urls_with_literal_addresses_are_checked_and_other_schemes_refused() {
        let guard = Guard::default();
        let url = |s: &str| url::Url::parse(s).expect("url");
        for denied in ["http://2130706433/", "http://0x7f000001/", "http://[::ffff:7f00:1]/"] {
            assert!(
                matches!(check_url(&guard, &url(denied)), Err(OutboundError::Denied { .. })),
                "{denied}"
            );
        }
        assert!(check_url(&guard, &url("https://example.org/")).is_ok());
        assert!(matches!(
            check_url(&guard, &url("file:///etc/passwd")),
            Err(OutboundError::InvalidUrl(_))
        ));
    }
}
