//! DNS records as RunState compares them: each in one normalised text form
//! per type, so an answer, a stored baseline and a user's expected values
//! compare as plain strings. Names are lower case with a trailing dot.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use kinds::DnsRecordType;

/// One record of an answer, as the query reads it off the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    Cname(String),
    Ns(String),
    Ptr(String),
    Mx {
        preference: u16,
        exchange: String,
    },
    /// The character-strings of one TXT record, in order.
    Txt(Vec<Vec<u8>>),
    Soa {
        mname: String,
        rname: String,
        serial: u32,
        refresh: i32,
        retry: i32,
        expire: i32,
        minimum: u32,
    },
    Srv {
        priority: u16,
        weight: u16,
        port: u16,
        target: String,
    },
    Caa {
        critical: bool,
        tag: String,
        value: String,
    },
}

impl Record {
    /// Its type.
    pub fn record_type(&self) -> DnsRecordType {
        match self {
            Self::A(_) => DnsRecordType::A,
            Self::Aaaa(_) => DnsRecordType::Aaaa,
            Self::Cname(_) => DnsRecordType::Cname,
            Self::Ns(_) => DnsRecordType::Ns,
            Self::Ptr(_) => DnsRecordType::Ptr,
            Self::Mx { .. } => DnsRecordType::Mx,
            Self::Txt(_) => DnsRecordType::Txt,
            Self::Soa { .. } => DnsRecordType::Soa,
            Self::Srv { .. } => DnsRecordType::Srv,
            Self::Caa { .. } => DnsRecordType::Caa,
        }
    }
}

/// The normalised text: `10 mail.example.com.` (MX), the TXT strings joined
/// with nothing between them (as SPF and DKIM read them), SOA's seven fields,
/// `priority weight port target.` (SRV), `0 issue "ca.example"` (CAA).
impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::A(ip) => write!(f, "{ip}"),
            Self::Aaaa(ip) => write!(f, "{ip}"),
            Self::Cname(name) | Self::Ns(name) | Self::Ptr(name) => f.write_str(&fqdn(name)),
            Self::Mx { preference, exchange } => write!(f, "{preference} {}", fqdn(exchange)),
            Self::Txt(parts) => {
                let joined: Vec<u8> = parts.concat();
                f.write_str(&String::from_utf8_lossy(&joined))
            }
            Self::Soa { mname, rname, serial, refresh, retry, expire, minimum } => write!(
                f,
                "{} {} {serial} {refresh} {retry} {expire} {minimum}",
                fqdn(mname),
                fqdn(rname)
            ),
            Self::Srv { priority, weight, port, target } => {
                write!(f, "{priority} {weight} {port} {}", fqdn(target))
            }
            Self::Caa { critical, tag, value } => {
                write!(f, "{} {} \"{value}\"", if *critical { 128 } else { 0 }, tag.to_lowercase())
            }
        }
    }
}

/// A name in its compared form: lower case, one trailing dot.
pub fn fqdn(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    let bare = lower.trim_end_matches('.');
    format!("{bare}.")
}

/// A user's expected value in the form answers take, so `Mail.Example.com`
/// equals the answer's `mail.example.com.`; the error says what the type wants.
pub fn normalise_expected(record_type: DnsRecordType, raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("is empty".into());
    }
    let words: Vec<&str> = raw.split_whitespace().collect();
    let number = |w: &str| w.parse::<u32>().ok();
    let bad = |shape: &str| Err(format!("`{raw}` is not {shape}"));
    match record_type {
        DnsRecordType::A => {
            raw.parse::<Ipv4Addr>().map(|ip| ip.to_string()).or_else(|_| bad("an IPv4 address"))
        }
        DnsRecordType::Aaaa => {
            raw.parse::<Ipv6Addr>().map(|ip| ip.to_string()).or_else(|_| bad("an IPv6 address"))
        }
        DnsRecordType::Cname | DnsRecordType::Ns | DnsRecordType::Ptr => match words.as_slice() {
            [name] => Ok(fqdn(name)),
            _ => bad("a host name"),
        },
        DnsRecordType::Mx => match words.as_slice() {
            [pref, name] if pref.parse::<u16>().is_ok() => Ok(format!("{pref} {}", fqdn(name))),
            _ => bad("`preference host`, e.g. `10 mail.example.com`"),
        },
        DnsRecordType::Srv => match words.as_slice() {
            [p, w, port, target] if [p, w, port].iter().all(|n| n.parse::<u16>().is_ok()) => {
                Ok(format!("{p} {w} {port} {}", fqdn(target)))
            }
            _ => bad("`priority weight port target`, e.g. `10 5 5060 sip.example.com`"),
        },
        DnsRecordType::Soa => match words.as_slice() {
            [m, r, rest @ ..] if rest.len() == 5 && rest.iter().all(|n| number(n).is_some()) => {
                Ok(format!("{} {} {}", fqdn(m), fqdn(r), rest.join(" ")))
            }
            _ => bad("`mname rname serial refresh retry expire minimum`"),
        },
        DnsRecordType::Caa => match raw.splitn(3, ' ').collect::<Vec<_>>().as_slice() {
            [flags, tag, value] if matches!(*flags, "0" | "128") => {
                Ok(format!("{flags} {} \"{}\"", tag.to_lowercase(), value.trim().trim_matches('"')))
            }
            _ => bad("`flags tag value`, e.g. `0 issue \"letsencrypt.org\"`"),
        },
        // TXT is compared as written: its case and spaces are its content.
        DnsRecordType::Txt => Ok(raw.trim_matches('"').to_owned()),
    }
}

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;
