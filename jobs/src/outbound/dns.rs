//! The DNS door: one query to one server, over UDP, again over TCP when the
//! answer comes back truncated. The server's address is checked by the guard
//! before a packet leaves, and the TCP fallback goes through `connect_tcp`,
//! so a DNS monitor cannot reach a refused address either.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use hickory_proto::op::{Message, MessageType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

use super::{Outbound, OutboundError};

/// The EDNS payload size queries offer (the 2020 DNS flag day's choice: no
/// IP fragmentation); larger answers come back truncated and go to TCP.
pub const UDP_PAYLOAD: u16 = 1232;

/// Where the system's nameservers are listed.
const RESOLV_CONF: &str = "/etc/resolv.conf";

/// A server's reply and how it came.
#[derive(Debug, Clone)]
pub struct DnsReply {
    pub message: Message,
    /// Whether the UDP answer was truncated and the query was asked again over TCP.
    pub over_tcp: bool,
}

impl Outbound {
    /// Asks `server` (checked by the guard first) `query`, within `timeout`.
    /// Replies whose id or type do not match are ignored, as stray datagrams.
    pub async fn query_dns(
        &self,
        server: SocketAddr,
        query: &Message,
        timeout: Duration,
    ) -> Result<DnsReply, OutboundError> {
        self.inner.guard.check(server.ip())?;
        let bytes = query.to_vec().map_err(|e| OutboundError::InvalidRequest(e.to_string()))?;
        let id = query.metadata.id;
        let attempt = async {
            let reply = udp_exchange(server, &bytes, id).await?;
            if !reply.metadata.truncation {
                return Ok(DnsReply { message: reply, over_tcp: false });
            }
            let stream = self.connect_tcp(&server.ip().to_string(), server.port(), timeout).await?;
            let reply = tcp_exchange(stream, &bytes, id).await?;
            Ok(DnsReply { message: reply, over_tcp: true })
        };
        tokio::time::timeout(timeout, attempt).await.map_err(|_| OutboundError::Timeout)?
    }

    /// The servers a `system` DNS monitor asks: `OutboundOptions::system_dns`,
    /// by default the nameservers of /etc/resolv.conf read at start-up.
    pub fn system_dns(&self) -> &[SocketAddr] {
        &self.inner.system_dns
    }
}

/// The `nameserver` lines of /etc/resolv.conf, port 53; none when it cannot be read.
pub(crate) fn read_resolv_conf() -> Vec<SocketAddr> {
    std::fs::read_to_string(RESOLV_CONF).map(|text| nameservers(&text)).unwrap_or_default()
}

fn nameservers(resolv_conf: &str) -> Vec<SocketAddr> {
    resolv_conf
        .lines()
        .filter_map(|line| line.trim().strip_prefix("nameserver"))
        .filter_map(|rest| rest.trim().parse().ok())
        .map(|ip| SocketAddr::new(ip, 53))
        .collect()
}

async fn udp_exchange(server: SocketAddr, query: &[u8], id: u16) -> Result<Message, OutboundError> {
    let local: SocketAddr = if server.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let io = |e: std::io::Error| OutboundError::from_io(&e);
    let socket = UdpSocket::bind(local).await.map_err(io)?;
    #[allow(clippy::disallowed_methods, reason = "the one UDP connect, to a checked address")]
    socket.connect(server).await.map_err(io)?;
    socket.send(query).await.map_err(io)?;
    let mut buf = vec![0_u8; usize::from(u16::MAX)];
    loop {
        let len = socket.recv(&mut buf).await.map_err(io)?;
        if let Some(reply) = reply_to(&buf[..len], id) {
            return Ok(reply);
        }
    }
}

async fn tcp_exchange(
    mut stream: TcpStream,
    query: &[u8],
    id: u16,
) -> Result<Message, OutboundError> {
    let io = |e: std::io::Error| OutboundError::from_io(&e);
    let len = u16::try_from(query.len())
        .map_err(|_| OutboundError::InvalidRequest("the query is too long".into()))?;
    let mut framed = len.to_be_bytes().to_vec();
    framed.extend_from_slice(query);
    stream.write_all(&framed).await.map_err(io)?;
    let reply_len = stream.read_u16().await.map_err(io)?;
    let mut buf = vec![0_u8; usize::from(reply_len)];
    stream.read_exact(&mut buf).await.map_err(io)?;
    reply_to(&buf, id).ok_or_else(|| {
        OutboundError::Dns("the server's answer over TCP is not a reply to the query".into())
    })
}

/// The message in `bytes` if it is a response to query `id`.
fn reply_to(bytes: &[u8], id: u16) -> Option<Message> {
    Message::from_vec(bytes)
        .ok()
        .filter(|m| m.metadata.id == id && m.metadata.message_type == MessageType::Response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolv_conf_nameservers_are_read_with_port_53() {
        let text = "# comment\nsearch example.com\nnameserver 10.0.0.53\nnameserver ::1\nnameserver fe80::1%eth0\noptions ndots:2\n";
        let servers: Vec<String> = nameservers(text).iter().map(ToString::to_string).collect();
        assert_eq!(servers, ["10.0.0.53:53", "[::1]:53"]);
    }
}
