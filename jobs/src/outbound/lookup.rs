//! Resolving a host through a chosen DNS server (a monitor's own resolver)
//! instead of the system's: A and AAAA asked of it with `query_dns` (so the
//! server's address is checked), and every address it gives checked before
//! any connection, as the system's answers are.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_proto::op::{Message, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};

use super::resolver::parse_host;
use super::{CheckedAddrs, Outbound, OutboundError};

impl Outbound {
    /// `host`'s addresses as `resolver` gives them, each checked; an IP
    /// address is checked as it is.
    pub(crate) async fn resolve_via(
        &self,
        resolver: SocketAddr,
        host: &str,
        port: u16,
        timeout: Duration,
    ) -> Result<CheckedAddrs, OutboundError> {
        let name = match parse_host(host)? {
            url::Host::Domain(name) => name,
            _ => return self.resolve_for_connect(host, port).await,
        };
        let fqdn = Name::from_ascii(&name)
            .map_err(|e| OutboundError::Dns(format!("{name} is not a DNS name: {e}")))?;
        let (a, aaaa) = (query(&fqdn, RecordType::A), query(&fqdn, RecordType::AAAA));
        let (v4, v6) = tokio::join!(
            self.query_dns(resolver, &a, timeout),
            self.query_dns(resolver, &aaaa, timeout),
        );
        let mut addrs = Vec::new();
        let mut failure = None;
        for reply in [v4, v6] {
            match reply {
                Ok(reply) if reply.message.metadata.response_code == ResponseCode::NXDomain => {
                    failure = Some(OutboundError::Dns(format!(
                        "{name}: no such name (NXDOMAIN from {resolver})"
                    )));
                }
                Ok(reply) => {
                    addrs.extend(reply.message.answers.iter().filter_map(|r| match &r.data {
                        RData::A(a) => Some(IpAddr::V4(a.0)),
                        RData::AAAA(aaaa) => Some(IpAddr::V6(aaaa.0)),
                        _ => None,
                    }))
                }
                Err(err) => failure = Some(err),
            }
        }
        if addrs.is_empty() {
            return Err(failure.unwrap_or_else(|| {
                OutboundError::Dns(format!("{name} has no addresses at {resolver}"))
            }));
        }
        // One refused address refuses the host, as with the system's answers.
        for ip in &addrs {
            self.inner.guard.check(*ip)?;
        }
        Ok(CheckedAddrs(addrs.into_iter().map(|ip| SocketAddr::new(ip, port)).collect()))
    }
}

fn query(name: &Name, record_type: RecordType) -> Message {
    let mut message = Message::query();
    message.add_query(Query::query(name.clone(), record_type));
    message.metadata.recursion_desired = true;
    message
}
