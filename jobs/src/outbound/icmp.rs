//! ICMP echo through the guard: the host is resolved and every address
//! checked like any other way out, then `count` echo requests go to the
//! first checked address, one at a time, within the timeout. Datagram
//! sockets first (no privilege needed where `net.ipv4.ping_group_range`
//! allows the process's group), raw sockets when the process may open them.

use std::net::IpAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Duration;

use surge_ping::{Client, Config, PingIdentifier, PingSequence, SurgeError, ICMP};

use super::{Outbound, OutboundError};

/// The bytes each echo request carries.
const PAYLOAD: &[u8] = b"runstate icmp check 0123456789abcdef";

/// What `count` echo requests got back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PingReport {
    /// The checked address the requests went to.
    pub address: IpAddr,
    pub sent: u16,
    /// The round trip of each reply received, in order.
    pub replies: Vec<Duration>,
}

/// Why no echo could be sent at all.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PingError {
    /// The guard, DNS: as for every way out.
    #[error(transparent)]
    Outbound(OutboundError),
    /// Neither a datagram nor a raw ICMP socket may be opened.
    #[error(
        "this RunState process may not send ICMP: allow its group in net.ipv4.ping_group_range \
         (sysctl -w net.ipv4.ping_group_range=\"0 2147483647\") or give the binary CAP_NET_RAW \
         (setcap cap_net_raw+ep runstate)"
    )]
    NotPermitted,
    /// Another socket error, in the system's words.
    #[error("cannot send ICMP: {0}")]
    Socket(String),
}

impl Outbound {
    /// Sends `count` echo requests to a checked address of `host`, all within
    /// `timeout`; each waits for its reply at most its share of it.
    pub async fn ping(
        &self,
        host: &str,
        count: u16,
        timeout: Duration,
    ) -> Result<PingReport, PingError> {
        let addresses = tokio::time::timeout(timeout, self.resolve_checked(host, 0))
            .await
            .map_err(|_| PingError::Outbound(OutboundError::Timeout))?
            .map_err(PingError::Outbound)?;
        let address = addresses.first().map(std::net::SocketAddr::ip).ok_or_else(|| {
            PingError::Outbound(OutboundError::Dns(format!("{host} has no addresses")))
        })?;
        let kind = if address.is_ipv4() { ICMP::V4 } else { ICMP::V6 };
        #[allow(clippy::disallowed_methods, reason = "the one ICMP socket, to a checked address")]
        let client = Client::new(&Config::builder().kind(kind).build()).map_err(|e| {
            if e.kind() == std::io::ErrorKind::PermissionDenied {
                PingError::NotPermitted
            } else {
                PingError::Socket(e.to_string())
            }
        })?;
        let mut pinger = client.pinger(address, PingIdentifier(rand_ident())).await;
        let count = count.max(1);
        pinger.timeout(timeout / u32::from(count));
        let mut replies = Vec::with_capacity(usize::from(count));
        for seq in 0..count {
            match pinger.ping(PingSequence(seq), PAYLOAD).await {
                Ok((_, rtt)) => replies.push(rtt),
                Err(SurgeError::Timeout { .. }) => {}
                Err(SurgeError::IOError(e)) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                    return Err(PingError::NotPermitted);
                }
                Err(other) => return Err(PingError::Socket(other.to_string())),
            }
        }
        Ok(PingReport { address, sent: count, replies })
    }
}

/// An identifier for this check's echoes, different from every other check
/// of this process in flight (a raw socket sees every ICMP packet of the
/// host; replies are told apart by it). Datagram sockets get the kernel's.
fn rand_ident() -> u16 {
    static NEXT: AtomicU16 = AtomicU16::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed) ^ u16::try_from(std::process::id() & 0xffff).unwrap_or(0)
}
