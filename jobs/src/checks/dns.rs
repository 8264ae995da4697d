//! The DNS check: asks the monitor's servers for its name and record type
//! through [`Outbound::query_dns`] (the guard checks every server), reads the
//! answer into records, and judges them with `domain::dns::evaluate`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use domain::dns::{evaluate, AnswerSet, DnsAnswer, DnsSpec, Record};
use hickory_proto::op::{Edns, Message, Query};
use hickory_proto::rr::{Name, RData, RecordType};
use kinds::{DnsRecordType, DnsResolverMode};

use super::{millis, timed_out, CheckOutcome};
use crate::outbound::{DnsReply, Outbound, OutboundError, UDP_PAYLOAD};

/// The port the zone's own nameservers are asked on.
const DNS_PORT: u16 = 53;
/// How many of a zone's nameservers are tried, and failures named.
const MAX_SERVERS: usize = 4;

/// What one DNS check saw: the outcome, and the answer when a server gave one
/// (the worker stores it as the last answer, and maybe as the baseline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsCheck {
    pub outcome: CheckOutcome,
    pub answer: Option<AnswerSet>,
}

/// Runs the query within `timeout`, judging the answer against `baseline`;
/// never fails: a server that cannot be asked makes a `Down` outcome.
pub async fn check_dns(
    out: &Outbound,
    spec: &DnsSpec,
    baseline: Option<&AnswerSet>,
    timeout: Duration,
) -> DnsCheck {
    let asked = tokio::time::timeout(timeout, ask(out, spec, timeout)).await;
    let (answer, latency) = match asked {
        Ok(Ok(found)) => found,
        Ok(Err(error)) => return failed(error),
        Err(_) => return failed(timed_out(timeout)),
    };
    let set = AnswerSet::of(spec.record_type, &answer);
    let verdict = evaluate(spec, &set, baseline);
    DnsCheck {
        outcome: CheckOutcome {
            status: verdict.status,
            latency_ms: Some(millis(latency)),
            http_status: None,
            error: verdict.error,
            http: None,
        },
        answer: Some(set),
    }
}

fn failed(error: String) -> DnsCheck {
    DnsCheck { outcome: CheckOutcome::down(error, None, None), answer: None }
}

/// The servers the spec names, then the query; the answer and its round trip.
async fn ask(
    out: &Outbound,
    spec: &DnsSpec,
    timeout: Duration,
) -> Result<(DnsAnswer, Duration), String> {
    let name = Name::from_ascii(&spec.name).map_err(|e| format!("{}: {e}", spec.name))?;
    let (servers, recursive) = match spec.resolver {
        DnsResolverMode::System => (system(out)?, true),
        DnsResolverMode::Custom => (spec.resolvers.clone(), true),
        DnsResolverMode::Authoritative => (authoritative(out, &name, timeout).await?, false),
    };
    let (reply, latency) =
        first_answer(out, &servers, &name, spec.record_type.into_hickory(), recursive, timeout)
            .await?;
    Ok((read_answer(&reply.message), latency))
}

fn system(out: &Outbound) -> Result<Vec<SocketAddr>, String> {
    let servers = out.system_dns();
    if servers.is_empty() {
        return Err("the system has no nameserver (none in /etc/resolv.conf)".into());
    }
    Ok(servers.to_vec())
}

/// Asks each server in turn until one answers; the errors name the servers.
async fn first_answer(
    out: &Outbound,
    servers: &[SocketAddr],
    name: &Name,
    record_type: RecordType,
    recursive: bool,
    timeout: Duration,
) -> Result<(DnsReply, Duration), String> {
    let mut errors = Vec::new();
    for &server in servers.iter().take(MAX_SERVERS) {
        let started = Instant::now();
        match out.query_dns(server, &query(name, record_type, recursive), timeout).await {
            Ok(reply) => return Ok((reply, started.elapsed())),
            Err(OutboundError::Timeout) => errors.push(format!("{server}: {}", timed_out(timeout))),
            Err(error) => errors.push(format!("{server}: {error}")),
        }
    }
    if errors.is_empty() {
        return Err("no server to ask".into());
    }
    Err(errors.join("; "))
}

fn query(name: &Name, record_type: RecordType, recursive: bool) -> Message {
    let mut message = Message::query();
    message.add_query(Query::query(name.clone(), record_type));
    message.metadata.recursion_desired = recursive;
    let mut edns = Edns::new();
    edns.set_max_payload(UDP_PAYLOAD);
    message.set_edns(edns);
    message
}

/// The zone's own nameservers: the zone is the owner of the SOA record the
/// system resolver returns for the name (in the answer at a zone's apex, in
/// the authority section below it); its NS records name the servers, whose
/// addresses are asked for too. Every address is checked when it is asked.
async fn authoritative(
    out: &Outbound,
    name: &Name,
    timeout: Duration,
) -> Result<Vec<SocketAddr>, String> {
    let resolvers = system(out)?;
    let ask = |name: Name, record_type| {
        let resolvers = resolvers.clone();
        async move {
            first_answer(out, &resolvers, &name, record_type, true, timeout)
                .await
                .map(|(reply, _)| reply.message)
        }
    };
    let soa = ask(name.clone(), RecordType::SOA).await?;
    let zone = soa
        .answers
        .iter()
        .chain(soa.authorities.iter())
        .find(|r| r.record_type() == RecordType::SOA)
        .map(|r| r.name.clone())
        .ok_or_else(|| format!("no zone found for {name} (no SOA record in the answer)"))?;
    let ns = ask(zone.clone(), RecordType::NS).await?;
    let hosts: Vec<Name> = ns
        .answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::NS(host) => Some(host.0.clone()),
            _ => None,
        })
        .take(MAX_SERVERS)
        .collect();
    let mut servers = Vec::new();
    for host in &hosts {
        for record_type in [RecordType::A, RecordType::AAAA] {
            let Ok(reply) = ask(host.clone(), record_type).await else { continue };
            servers.extend(reply.answers.iter().filter_map(|r| match &r.data {
                RData::A(a) => Some(SocketAddr::new(a.0.into(), DNS_PORT)),
                RData::AAAA(a) => Some(SocketAddr::new(a.0.into(), DNS_PORT)),
                _ => None,
            }));
        }
    }
    if servers.is_empty() {
        return Err(format!("the nameservers of {zone} have no addresses"));
    }
    Ok(servers)
}

/// The reply's response code and answer records, as the domain reads them.
fn read_answer(message: &Message) -> DnsAnswer {
    DnsAnswer {
        rcode: u16::from(message.metadata.response_code),
        records: message.answers.iter().filter_map(|r| record(&r.data)).collect(),
    }
}

fn record(data: &RData) -> Option<Record> {
    Some(match data {
        RData::A(a) => Record::A(a.0),
        RData::AAAA(a) => Record::Aaaa(a.0),
        RData::CNAME(n) => Record::Cname(n.0.to_ascii()),
        RData::NS(n) => Record::Ns(n.0.to_ascii()),
        RData::PTR(n) => Record::Ptr(n.0.to_ascii()),
        RData::MX(mx) => Record::Mx { preference: mx.preference, exchange: mx.exchange.to_ascii() },
        RData::TXT(txt) => Record::Txt(txt.txt_data.iter().map(|part| part.to_vec()).collect()),
        RData::SOA(soa) => Record::Soa {
            mname: soa.mname.to_ascii(),
            rname: soa.rname.to_ascii(),
            serial: soa.serial,
            refresh: soa.refresh,
            retry: soa.retry,
            expire: soa.expire,
            minimum: soa.minimum,
        },
        RData::SRV(srv) => Record::Srv {
            priority: srv.priority,
            weight: srv.weight,
            port: srv.port,
            target: srv.target.to_ascii(),
        },
        RData::CAA(caa) => Record::Caa {
            critical: caa.issuer_critical,
            tag: caa.tag.clone(),
            value: String::from_utf8_lossy(&caa.value).into_owned(),
        },
        _ => return None,
    })
}

/// The wire's record type of a monitor's.
trait IntoHickory {
    fn into_hickory(self) -> RecordType;
}

impl IntoHickory for DnsRecordType {
    fn into_hickory(self) -> RecordType {
        match self {
            Self::A => RecordType::A,
            Self::Aaaa => RecordType::AAAA,
            Self::Cname => RecordType::CNAME,
            Self::Mx => RecordType::MX,
            Self::Ns => RecordType::NS,
            Self::Txt => RecordType::TXT,
            Self::Soa => RecordType::SOA,
            Self::Srv => RecordType::SRV,
            Self::Caa => RecordType::CAA,
            Self::Ptr => RecordType::PTR,
        }
    }
}
