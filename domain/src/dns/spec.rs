//! A DNS monitor's settings: what to ask (name, record type), whom to ask
//! (the system's resolver, a list of servers, the zone's own nameservers),
//! and what the answer must be. [`DnsInput`] is what the API receives;
//! [`DnsSpec`] is the validated form, stored as JSON in `monitors.config`.

use std::net::{IpAddr, SocketAddr};

use kinds::{DnsAssertionOp, DnsRcode, DnsRecordType, DnsResolverMode, Severity};
use serde::{Deserialize, Serialize};
use url::Host;

use super::record::{fqdn, normalise_expected};
use crate::monitors::SpecError;

/// At most this many resolvers, assertions, and values in one assertion.
pub const MAX_RESOLVERS: usize = 5;
pub const MAX_ASSERTIONS: usize = 10;
pub const MAX_VALUES: usize = 50;
/// The longest expected value and regular expression, in characters.
pub const MAX_VALUE_CHARS: usize = 1024;
pub const MAX_PATTERN_CHARS: usize = 512;
/// The compiled size a pattern may take (the `regex` crate's own bound).
pub const PATTERN_SIZE_LIMIT: usize = 1 << 16;

/// A validated DNS monitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsSpec {
    /// The name asked about: ASCII (IDNA applied), lower case, with a trailing dot.
    pub name: String,
    pub record_type: DnsRecordType,
    pub resolver: DnsResolverMode,
    /// The servers asked, in order, when `resolver` is `custom`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolvers: Vec<SocketAddr>,
    /// The response code the answer must carry.
    #[serde(default)]
    pub rcode: DnsRcode,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assertions: Vec<DnsAssertion>,
    /// Whether an answer that differs from the accepted baseline counts against the check.
    #[serde(default)]
    pub alert_on_change: bool,
    /// What a changed answer makes of the check.
    #[serde(default)]
    pub change_severity: Severity,
}

/// One assertion on the answer's records; values are in the answers' form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsAssertion {
    pub op: DnsAssertionOp,
    /// The records expected (`equals`, `contains`), normalised.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// The regular expression (`matches`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(default)]
    pub severity: Severity,
}

impl DnsSpec {
    /// The normalised target, for search and duplicates: `A example.com. @system`.
    pub fn target(&self) -> String {
        let via = match self.resolver {
            DnsResolverMode::Custom => {
                self.resolvers.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
            }
            mode => mode.to_string(),
        };
        format!("{} {} @{via}", self.record_type, self.name)
    }
}

/// A DNS monitor as the API receives it; every field is checked by [`DnsInput::validated`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnsInput {
    pub name: Option<String>,
    pub record_type: Option<String>,
    pub resolver: Option<String>,
    pub resolvers: Option<Vec<String>>,
    pub rcode: Option<String>,
    pub assertions: Option<Vec<DnsAssertionInput>>,
    pub alert_on_change: Option<bool>,
    pub change_severity: Option<String>,
}

/// One assertion as the API receives it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnsAssertionInput {
    pub op: Option<String>,
    pub values: Option<Vec<String>>,
    pub pattern: Option<String>,
    pub severity: Option<String>,
}

impl DnsInput {
    /// Checks every field; an error names it (`dns.resolvers[1]`).
    pub fn validated(self) -> Result<DnsSpec, SpecError> {
        let record_type = match self.record_type.as_deref() {
            None => DnsRecordType::default(),
            Some(raw) => DnsRecordType::parse_loose(raw).ok_or_else(|| {
                SpecError::new("dns.record_type", format!("must be {}", DnsRecordType::EXPECTED))
            })?,
        };
        let name = query_name(self.name.as_deref().unwrap_or_default(), record_type)?;
        let resolver = match self.resolver.as_deref() {
            None => DnsResolverMode::default(),
            Some(raw) => {
                raw.trim().parse().map_err(|e| SpecError::new("dns.resolver", format!("{e}")))?
            }
        };
        let resolvers = resolvers(resolver, self.resolvers.unwrap_or_default())?;
        let rcode = match self.rcode.as_deref() {
            None => DnsRcode::default(),
            Some(raw) => DnsRcode::parse_loose(raw).ok_or_else(|| {
                SpecError::new("dns.rcode", format!("must be {}", DnsRcode::EXPECTED))
            })?,
        };
        let inputs = self.assertions.unwrap_or_default();
        if inputs.len() > MAX_ASSERTIONS {
            return Err(SpecError::new(
                "dns.assertions",
                format!("at most {MAX_ASSERTIONS} assertions"),
            ));
        }
        let assertions = inputs
            .into_iter()
            .enumerate()
            .map(|(i, input)| input.validated(&format!("dns.assertions[{i}]"), record_type))
            .collect::<Result<Vec<_>, _>>()?;
        let change_severity = severity("dns.change_severity", self.change_severity.as_deref())?;
        Ok(DnsSpec {
            name,
            record_type,
            resolver,
            resolvers,
            rcode,
            assertions,
            alert_on_change: self.alert_on_change.unwrap_or(false),
            change_severity,
        })
    }
}

impl DnsAssertionInput {
    fn validated(self, field: &str, record_type: DnsRecordType) -> Result<DnsAssertion, SpecError> {
        let op: DnsAssertionOp = self
            .op
            .as_deref()
            .ok_or_else(|| {
                SpecError::new(
                    format!("{field}.op"),
                    format!("is required ({})", DnsAssertionOp::EXPECTED),
                )
            })?
            .trim()
            .parse()
            .map_err(|e| SpecError::new(format!("{field}.op"), format!("{e}")))?;
        let severity = severity(&format!("{field}.severity"), self.severity.as_deref())?;
        match op {
            DnsAssertionOp::Matches => {
                if self.values.is_some() {
                    return Err(SpecError::new(
                        format!("{field}.values"),
                        "matches takes a pattern, not values",
                    ));
                }
                let pattern = self.pattern.unwrap_or_default();
                compile(&pattern).map_err(|e| SpecError::new(format!("{field}.pattern"), e))?;
                Ok(DnsAssertion { op, values: Vec::new(), pattern: Some(pattern), severity })
            }
            DnsAssertionOp::Equals | DnsAssertionOp::Contains => {
                if self.pattern.is_some() {
                    return Err(SpecError::new(
                        format!("{field}.pattern"),
                        format!("{op} takes values, not a pattern"),
                    ));
                }
                let raw = self.values.unwrap_or_default();
                if raw.is_empty() || raw.len() > MAX_VALUES {
                    return Err(SpecError::new(
                        format!("{field}.values"),
                        format!("give 1 to {MAX_VALUES} values"),
                    ));
                }
                let mut values = Vec::with_capacity(raw.len());
                for (j, value) in raw.iter().enumerate() {
                    let at = || format!("{field}.values[{j}]");
                    if value.chars().count() > MAX_VALUE_CHARS {
                        return Err(SpecError::new(
                            at(),
                            format!("must be at most {MAX_VALUE_CHARS} characters"),
                        ));
                    }
                    values.push(
                        normalise_expected(record_type, value)
                            .map_err(|e| SpecError::new(at(), e))?,
                    );
                }
                values.sort();
                values.dedup();
                Ok(DnsAssertion { op, values, pattern: None, severity })
            }
        }
    }
}

/// A stored spec as input again (a patch starts from it); it validates to itself.
impl From<DnsSpec> for DnsInput {
    fn from(spec: DnsSpec) -> Self {
        let assertions = spec
            .assertions
            .into_iter()
            .map(|a| DnsAssertionInput {
                op: Some(a.op.to_string()),
                values: (!a.values.is_empty()).then_some(a.values),
                pattern: a.pattern,
                severity: Some(a.severity.to_string()),
            })
            .collect();
        Self {
            name: Some(spec.name),
            record_type: Some(spec.record_type.to_string()),
            resolver: Some(spec.resolver.to_string()),
            resolvers: Some(spec.resolvers.iter().map(ToString::to_string).collect()),
            rcode: Some(spec.rcode.to_string()),
            assertions: Some(assertions),
            alert_on_change: Some(spec.alert_on_change),
            change_severity: Some(spec.change_severity.to_string()),
        }
    }
}

/// Compiles a `matches` pattern within the length and size bounds.
pub fn compile(pattern: &str) -> Result<regex::Regex, String> {
    if pattern.is_empty() {
        return Err("is required for matches".into());
    }
    if pattern.chars().count() > MAX_PATTERN_CHARS {
        return Err(format!("must be at most {MAX_PATTERN_CHARS} characters"));
    }
    regex::RegexBuilder::new(pattern)
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|e| format!("is not a valid regular expression: {}", last_line(&e.to_string())))
}

/// The regex crate's error ends with the reason; the lines above quote the pattern.
fn last_line(text: &str) -> String {
    text.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or(text).to_owned()
}

fn severity(field: &str, raw: Option<&str>) -> Result<Severity, SpecError> {
    raw.map_or(Ok(Severity::default()), |raw| {
        raw.trim().parse().map_err(|e| SpecError::new(field, format!("{e}")))
    })
}

/// The name to ask about: IDNA applied, lower case, a trailing dot. A PTR
/// monitor may give an IP address, which becomes its reverse name.
fn query_name(raw: &str, record_type: DnsRecordType) -> Result<String, SpecError> {
    let field = "dns.name";
    let trimmed = raw.trim().trim_end_matches('.');
    if trimmed.is_empty() {
        return Err(SpecError::new(field, "is required"));
    }
    if let Ok(ip) = trimmed.parse::<IpAddr>() {
        if record_type == DnsRecordType::Ptr {
            return Ok(reverse_name(ip));
        }
        return Err(SpecError::new(
            field,
            "must be a domain name, not an IP address (use PTR to look one up)",
        ));
    }
    let name = match Host::parse(trimmed) {
        Ok(Host::Domain(name)) => name,
        Ok(_) => return Err(SpecError::new(field, "must be a domain name, not an IP address")),
        Err(e) => {
            return Err(SpecError::new(field, format!("`{trimmed}` is not a domain name: {e}")))
        }
    };
    if name.len() > 253 {
        return Err(SpecError::new(field, "must be at most 253 characters"));
    }
    if name.split('.').any(|label| label.is_empty() || label.len() > 63) {
        return Err(SpecError::new(field, "each label must be 1 to 63 characters"));
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'*')) {
        return Err(SpecError::new(
            field,
            format!("`{trimmed}` has characters a DNS name cannot hold"),
        ));
    }
    Ok(fqdn(&name))
}

/// `192.0.2.1` → `1.2.0.192.in-addr.arpa.`; IPv6 by nibbles under `ip6.arpa.`.
pub fn reverse_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            format!("{d}.{c}.{b}.{a}.in-addr.arpa.")
        }
        IpAddr::V6(v6) => {
            let nibbles: Vec<String> = v6
                .octets()
                .iter()
                .rev()
                .flat_map(|byte| [byte & 0xf, byte >> 4])
                .map(|n| format!("{n:x}"))
                .collect();
            format!("{}.ip6.arpa.", nibbles.join("."))
        }
    }
}

fn resolvers(mode: DnsResolverMode, raw: Vec<String>) -> Result<Vec<SocketAddr>, SpecError> {
    if mode != DnsResolverMode::Custom {
        if !raw.is_empty() {
            return Err(SpecError::new(
                "dns.resolvers",
                format!("only a custom resolver takes a list (the resolver is {mode})"),
            ));
        }
        return Ok(Vec::new());
    }
    if raw.is_empty() || raw.len() > MAX_RESOLVERS {
        return Err(SpecError::new(
            "dns.resolvers",
            format!("give 1 to {MAX_RESOLVERS} servers as ip or ip:port"),
        ));
    }
    let mut parsed: Vec<SocketAddr> = Vec::with_capacity(raw.len());
    for (i, entry) in raw.iter().enumerate() {
        let field = format!("dns.resolvers[{i}]");
        let addr = server_addr(entry).ok_or_else(|| {
            SpecError::new(
                &field,
                format!("`{}` is not ip or ip:port (e.g. 9.9.9.9, [2620:fe::fe]:53)", entry.trim()),
            )
        })?;
        if parsed.contains(&addr) {
            return Err(SpecError::new(field, format!("{addr} is given twice")));
        }
        parsed.push(addr);
    }
    Ok(parsed)
}

/// `9.9.9.9`, `9.9.9.9:5353`, `2620:fe::fe`, `[2620:fe::fe]:53`; the port defaults to 53.
fn server_addr(raw: &str) -> Option<SocketAddr> {
    let raw = raw.trim();
    if let Ok(ip) = raw.parse::<IpAddr>() {
        return Some(SocketAddr::new(ip, 53));
    }
    if let Ok(ip) = raw.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
        return Some(SocketAddr::new(ip, 53));
    }
    raw.parse::<SocketAddr>().ok().filter(|addr| addr.port() != 0)
}

#[cfg(test)]
#[path = "spec_tests.rs"]
mod tests;
