//! An authoritative DNS stand-in speaking the real wire format (through
//! hickory-proto) over UDP and TCP on one port. Tests set its records at run
//! time, in the text form DNS monitors compare (`10 mail.example.test`), and
//! can make it answer with another code, or not at all. Over UDP it honours
//! the query's EDNS payload size, truncating larger answers, so clients must
//! fall back to TCP.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, CAA, CNAME, MX, NS, PTR, SOA, SRV, TXT};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use kinds::DnsRecordType;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};

/// The smallest payload every DNS client accepts over UDP.
const CLASSIC_UDP: u16 = 512;

type Key = (String, RecordType);

#[derive(Default)]
struct Zone {
    records: HashMap<Key, Vec<RData>>,
    rcodes: HashMap<String, ResponseCode>,
}

/// The stand-in; clones share its zone and counters.
#[derive(Clone)]
pub struct DnsStandIn {
    pub addr: SocketAddr,
    zone: Arc<Mutex<Zone>>,
    silent: Arc<AtomicBool>,
    udp: Arc<AtomicUsize>,
    tcp: Arc<AtomicUsize>,
}

impl DnsStandIn {
    /// Listens on [`super::STAND_IN_HOST`], on a free port (UDP and TCP alike).
    pub async fn start() -> Self {
        let ip: IpAddr = super::STAND_IN_HOST.parse().unwrap();
        for _ in 0..20 {
            if let Ok(stand_in) = Self::start_on(SocketAddr::new(ip, 0)).await {
                return stand_in;
            }
        }
        panic!("no free port for the DNS stand-in on {ip}");
    }

    /// Listens on `addr` (a loopback address; port 0 picks one free for both).
    pub async fn start_on(addr: SocketAddr) -> std::io::Result<Self> {
        assert!(addr.ip().is_loopback(), "stand-ins listen on loopback only");
        // With port 0 the UDP port is free for UDP only: a TCP socket may hold the same
        // number. Try new ports a few times before giving up (a named port is tried once).
        let attempts = if addr.port() == 0 { 20 } else { 1 };
        let mut last = None;
        let mut bound = None;
        for _ in 0..attempts {
            let udp = UdpSocket::bind(addr).await?;
            let local = udp.local_addr()?;
            match TcpListener::bind(local).await {
                Ok(tcp) => {
                    bound = Some((udp, tcp, local));
                    break;
                }
                Err(err) => last = Some(err),
            }
        }
        let Some((udp, tcp, addr)) = bound else {
            return Err(last.unwrap_or_else(|| std::io::Error::other("no port")));
        };
        let stand_in = Self {
            addr,
            zone: Arc::default(),
            silent: Arc::default(),
            udp: Arc::default(),
            tcp: Arc::default(),
        };
        tokio::spawn(stand_in.clone().serve_udp(udp));
        tokio::spawn(stand_in.clone().serve_tcp(tcp));
        Ok(stand_in)
    }

    /// Replaces the records of `record_type` at `name` with `values` (text form).
    pub fn set(&self, name: &str, record_type: DnsRecordType, values: &[&str]) {
        let rdatas: Vec<RData> = values.iter().map(|v| rdata(record_type, v)).collect();
        let key = (
            key_name(name),
            rdatas.first().map_or_else(|| wire_type(record_type), RData::record_type),
        );
        self.zone.lock().unwrap().records.insert(key, rdatas);
    }

    /// Answers every question about `name` with `rcode` (e.g. NXDOMAIN, SERVFAIL).
    pub fn set_rcode(&self, name: &str, rcode: ResponseCode) {
        self.zone.lock().unwrap().rcodes.insert(key_name(name), rcode);
    }

    /// Stops answering (queries are still counted), for timeouts.
    pub fn set_silent(&self, silent: bool) {
        self.silent.store(silent, Ordering::SeqCst);
    }

    /// Queries received over UDP.
    pub fn udp_queries(&self) -> usize {
        self.udp.load(Ordering::SeqCst)
    }

    /// Queries received over TCP.
    pub fn tcp_queries(&self) -> usize {
        self.tcp.load(Ordering::SeqCst)
    }

    async fn serve_udp(self, socket: UdpSocket) {
        let mut buf = vec![0_u8; 4096];
        while let Ok((len, from)) = socket.recv_from(&mut buf).await {
            self.udp.fetch_add(1, Ordering::SeqCst);
            let Some((reply, limit)) = self.reply(&buf[..len]) else { continue };
            let mut bytes = reply.to_vec().unwrap();
            if bytes.len() > usize::from(limit) {
                bytes = reply.truncate().to_vec().unwrap();
            }
            #[allow(clippy::disallowed_methods, reason = "the stand-in answers its client")]
            let _ = socket.send_to(&bytes, from).await;
        }
    }

    async fn serve_tcp(self, listener: TcpListener) {
        while let Ok((mut stream, _)) = listener.accept().await {
            self.tcp.fetch_add(1, Ordering::SeqCst);
            let this = self.clone();
            tokio::spawn(async move {
                let Ok(len) = stream.read_u16().await else { return };
                let mut buf = vec![0_u8; usize::from(len)];
                if stream.read_exact(&mut buf).await.is_err() {
                    return;
                }
                let Some((reply, _)) = this.reply(&buf) else { return };
                let bytes = reply.to_vec().unwrap();
                let mut framed = u16::try_from(bytes.len()).unwrap().to_be_bytes().to_vec();
                framed.extend_from_slice(&bytes);
                let _ = stream.write_all(&framed).await;
            });
        }
    }

    /// The reply to a query and the UDP payload its sender accepts.
    fn reply(&self, bytes: &[u8]) -> Option<(Message, u16)> {
        if self.silent.load(Ordering::SeqCst) {
            return None;
        }
        let query = Message::from_vec(bytes).ok()?;
        let question = query.queries.first()?.clone();
        let limit = query.edns.as_ref().map_or(CLASSIC_UDP, |e| e.max_payload().max(CLASSIC_UDP));
        let mut reply = Message::response(query.metadata.id, query.metadata.op_code);
        reply.metadata.recursion_desired = query.metadata.recursion_desired;
        reply.metadata.authoritative = true;
        reply.add_query(question.clone());
        let name = key_name(&question.name().to_ascii());
        let zone = self.zone.lock().unwrap();
        if let Some(rcode) = zone.rcodes.get(&name) {
            reply.metadata.response_code = *rcode;
            return Some((reply, limit));
        }
        let owner = question.name().clone();
        match zone.records.get(&(name.clone(), question.query_type())) {
            Some(rdatas) => {
                for data in rdatas {
                    reply.add_answer(Record::from_rdata(owner.clone(), 60, data.clone()));
                }
            }
            None => {
                if !zone.records.keys().any(|(n, _)| *n == name) {
                    reply.metadata.response_code = ResponseCode::NXDomain;
                }
                // The enclosing zone's SOA, as an authoritative server sends with no answer.
                if let Some((apex, soa)) = enclosing_soa(&zone, &name) {
                    reply.add_authority(Record::from_rdata(
                        Name::from_ascii(apex).unwrap(),
                        60,
                        soa,
                    ));
                }
            }
        }
        Some((reply, limit))
    }
}

fn enclosing_soa<'z>(zone: &'z Zone, name: &str) -> Option<(&'z str, RData)> {
    zone.records
        .iter()
        .filter(|((apex, kind), _)| {
            *kind == RecordType::SOA && (name == apex || name.ends_with(&format!(".{apex}")))
        })
        .max_by_key(|((apex, _), _)| apex.len())
        .and_then(|((apex, _), rdatas)| Some((apex.as_str(), rdatas.first()?.clone())))
}

fn key_name(name: &str) -> String {
    domain::dns::fqdn(name)
}

fn wire_type(record_type: DnsRecordType) -> RecordType {
    match record_type {
        DnsRecordType::A => RecordType::A,
        DnsRecordType::Aaaa => RecordType::AAAA,
        DnsRecordType::Cname => RecordType::CNAME,
        DnsRecordType::Mx => RecordType::MX,
        DnsRecordType::Ns => RecordType::NS,
        DnsRecordType::Txt => RecordType::TXT,
        DnsRecordType::Soa => RecordType::SOA,
        DnsRecordType::Srv => RecordType::SRV,
        DnsRecordType::Caa => RecordType::CAA,
        DnsRecordType::Ptr => RecordType::PTR,
    }
}

/// A record from its text form (TXT: the whole value, one string per 255 bytes).
fn rdata(record_type: DnsRecordType, text: &str) -> RData {
    let name = |s: &str| Name::from_ascii(s).unwrap();
    let words: Vec<&str> = text.split_whitespace().collect();
    let n = |i: usize| words[i].parse::<u16>().unwrap();
    match record_type {
        DnsRecordType::A => RData::A(A(text.parse().unwrap())),
        DnsRecordType::Aaaa => RData::AAAA(AAAA(text.parse().unwrap())),
        DnsRecordType::Cname => RData::CNAME(CNAME(name(text))),
        DnsRecordType::Ns => RData::NS(NS(name(text))),
        DnsRecordType::Ptr => RData::PTR(PTR(name(text))),
        DnsRecordType::Mx => RData::MX(MX::new(n(0), name(words[1]))),
        DnsRecordType::Srv => RData::SRV(SRV::new(n(0), n(1), n(2), name(words[3]))),
        DnsRecordType::Soa => {
            let num = |i: usize| words[i].parse::<i64>().unwrap();
            RData::SOA(SOA::new(
                name(words[0]),
                name(words[1]),
                u32::try_from(num(2)).unwrap(),
                i32::try_from(num(3)).unwrap(),
                i32::try_from(num(4)).unwrap(),
                i32::try_from(num(5)).unwrap(),
                u32::try_from(num(6)).unwrap(),
            ))
        }
        DnsRecordType::Txt => {
            let parts: Vec<&[u8]> = text.as_bytes().chunks(255).collect();
            RData::TXT(TXT::from_bytes(parts))
        }
        DnsRecordType::Caa => {
            let value = words[2].trim_matches('"');
            let issuer = (!value.is_empty()).then(|| name(value));
            RData::CAA(CAA::new_issue(words[0] == "128", issuer, Vec::new()))
        }
    }
}
