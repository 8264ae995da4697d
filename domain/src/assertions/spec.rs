//! An assertion's settings and their validation. Every error names its
//! field as the API received it: `http.assertions[2].target`.

use std::net::IpAddr;

use kinds::{AssertionOp, AssertionSource, HttpPhase, Severity};
use serde::{Deserialize, Serialize};

use crate::monitors::SpecError;

/// At most this many assertions on one monitor.
pub const MAX_ASSERTIONS: usize = 20;
/// The longest target (and JSON path), in characters.
pub const MAX_TARGET_CHARS: usize = 1024;
/// The longest regular expression, in characters.
pub const MAX_PATTERN_CHARS: usize = 512;
/// The compiled size a pattern may take, and the lazy DFA's cache: the
/// `regex` crate's own bounds, so a pattern cannot cost more memory than
/// this on a worker however it is written (its matching is linear in the
/// body, which is capped at 1 MiB).
const PATTERN_SIZE_LIMIT: usize = 1 << 16;
const PATTERN_DFA_LIMIT: usize = 1 << 20;
/// The longest header name.
const MAX_HEADER_NAME: usize = 256;

/// One validated assertion, as stored in `monitors.config` (`http.assertions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assertion {
    pub source: AssertionSource,
    /// The header's name (lower case), the JSON path, or the phase (`time`,
    /// always set: `total` unless given); absent for the other sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub op: AssertionOp,
    /// What the value is compared with; empty for `exists` and `not_exists`.
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub severity: Severity,
}

/// One assertion as the API receives it; [`validated_list`] checks it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssertionInput {
    pub source: Option<String>,
    pub path: Option<String>,
    pub op: Option<String>,
    pub target: Option<String>,
    pub severity: Option<String>,
}

/// A stored assertion as input again (a patch starts from it); it validates to itself.
impl From<Assertion> for AssertionInput {
    fn from(a: Assertion) -> Self {
        Self {
            source: Some(a.source.to_string()),
            path: a.path,
            op: Some(a.op.to_string()),
            target: Some(a.target),
            severity: Some(a.severity.to_string()),
        }
    }
}

/// Validates a monitor's list; `field` is the list's name (`http.assertions`).
pub fn validated_list(
    inputs: Vec<AssertionInput>,
    field: &str,
) -> Result<Vec<Assertion>, SpecError> {
    if inputs.len() > MAX_ASSERTIONS {
        return Err(SpecError::new(field, format!("at most {MAX_ASSERTIONS} assertions")));
    }
    inputs
        .into_iter()
        .enumerate()
        .map(|(i, input)| input.validated(&format!("{field}[{i}]")))
        .collect()
}

impl AssertionInput {
    fn validated(self, field: &str) -> Result<Assertion, SpecError> {
        let at = |name: &str| format!("{field}.{name}");
        let source: AssertionSource = word(self.source.as_deref(), &at("source"))?;
        let op: AssertionOp = word(self.op.as_deref(), &at("op"))?;
        if !source.accepts(op) {
            let ops: Vec<&str> = source.ops().iter().map(|o| o.as_str()).collect();
            return Err(SpecError::new(
                at("op"),
                format!("{source} takes {}, not {op}", ops.join(", ")),
            ));
        }
        let severity = match self.severity.as_deref() {
            None => Severity::default(),
            Some(raw) => word(Some(raw), &at("severity"))?,
        };
        let path = path(source, self.path, &at("path"))?;
        let target = target(source, op, self.target.unwrap_or_default(), &at("target"))?;
        Ok(Assertion { source, path, op, target, severity })
    }
}

fn word<T>(raw: Option<&str>, field: &str) -> Result<T, SpecError>
where
    T: std::str::FromStr<Err = kinds::UnknownWord>,
{
    let raw = raw
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| SpecError::new(field, "is required"))?;
    raw.parse().map_err(|e| SpecError::new(field, format!("{e}")))
}

/// The path a source needs, normalised; a source without one refuses it.
fn path(
    source: AssertionSource,
    raw: Option<String>,
    field: &str,
) -> Result<Option<String>, SpecError> {
    let raw = raw.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
    match source {
        AssertionSource::Header => {
            let name = raw.ok_or_else(|| SpecError::new(field, "give the header's name"))?;
            let valid = name.len() <= MAX_HEADER_NAME
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !valid {
                return Err(SpecError::new(field, format!("`{name}` is not a valid header name")));
            }
            Ok(Some(name.to_ascii_lowercase()))
        }
        AssertionSource::JsonPath => {
            let query =
                raw.ok_or_else(|| SpecError::new(field, "give a JSON path like $.status"))?;
            if query.chars().count() > MAX_TARGET_CHARS {
                return Err(SpecError::new(
                    field,
                    format!("must be at most {MAX_TARGET_CHARS} characters"),
                ));
            }
            serde_json_path::JsonPath::parse(&query)
                .map_err(|e| SpecError::new(field, format!("is not an RFC 9535 JSON path: {e}")))?;
            Ok(Some(query))
        }
        AssertionSource::Time => {
            let phase = match raw {
                None => HttpPhase::Total,
                Some(raw) => raw
                    .to_ascii_lowercase()
                    .parse()
                    .map_err(|e| SpecError::new(field, format!("{e}")))?,
            };
            Ok(Some(phase.to_string()))
        }
        _ => match raw {
            Some(_) => Err(SpecError::new(field, format!("{source} takes no path"))),
            None => Ok(None),
        },
    }
}

/// The target, checked against what the source and op compare it as.
fn target(
    source: AssertionSource,
    op: AssertionOp,
    raw: String,
    field: &str,
) -> Result<String, SpecError> {
    if !op.takes_target() {
        if !raw.trim().is_empty() {
            return Err(SpecError::new(field, format!("{op} takes no target")));
        }
        return Ok(String::new());
    }
    if raw.chars().count() > MAX_TARGET_CHARS {
        return Err(SpecError::new(
            field,
            format!("must be at most {MAX_TARGET_CHARS} characters"),
        ));
    }
    if op.is_regex() {
        compile_pattern(&raw).map_err(|e| SpecError::new(field, e))?;
        return Ok(raw);
    }
    match source {
        AssertionSource::Status => {
            let code = raw.trim().parse::<u16>().ok().filter(|c| (100..=599).contains(c));
            code.map(|c| c.to_string())
                .ok_or_else(|| SpecError::new(field, "must be a status code, 100 to 599"))
        }
        AssertionSource::Time => raw
            .trim()
            .parse::<u32>()
            .map(|ms| ms.to_string())
            .map_err(|_| SpecError::new(field, "must be a whole number of milliseconds")),
        AssertionSource::CertDays => raw
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|d| d.abs() <= 3650)
            .map(|d| d.to_string())
            .ok_or_else(|| SpecError::new(field, "must be a whole number of days, at most 3650")),
        AssertionSource::ResolvedIp => {
            let trimmed = raw.trim();
            network(trimmed).map(|_| trimmed.to_owned()).ok_or_else(|| {
                SpecError::new(field, "must be an IP address or a network like 10.0.0.0/8")
            })
        }
        AssertionSource::JsonPath if op.is_numeric() => {
            let number = raw.trim().parse::<f64>().ok().filter(|n| n.is_finite());
            number
                .map(|_| raw.trim().to_owned())
                .ok_or_else(|| SpecError::new(field, format!("{op} compares with a number")))
        }
        AssertionSource::Body | AssertionSource::Header | AssertionSource::JsonPath
            if matches!(op, AssertionOp::Contains | AssertionOp::NotContains) && raw.is_empty() =>
        {
            Err(SpecError::new(field, "give the text to look for"))
        }
        _ => Ok(raw),
    }
}

/// Compiles a `matches` pattern within the length, size and cache bounds.
pub fn compile_pattern(pattern: &str) -> Result<regex::Regex, String> {
    if pattern.is_empty() {
        return Err("give a regular expression".into());
    }
    if pattern.chars().count() > MAX_PATTERN_CHARS {
        return Err(format!("must be at most {MAX_PATTERN_CHARS} characters"));
    }
    regex::RegexBuilder::new(pattern)
        .size_limit(PATTERN_SIZE_LIMIT)
        .dfa_size_limit(PATTERN_DFA_LIMIT)
        .build()
        .map_err(|e| {
            // The crate's message ends with the reason; the lines above quote the pattern.
            let text = e.to_string();
            let reason = text.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or(&text);
            format!("is not a valid regular expression: {reason}")
        })
}

/// An address (`192.0.2.1`, a network of one) or a network (`10.0.0.0/8`).
pub(super) fn network(raw: &str) -> Option<(IpAddr, u8)> {
    let (addr, prefix) = match raw.split_once('/') {
        Some((addr, prefix)) => (addr.parse::<IpAddr>().ok()?, prefix.parse::<u8>().ok()?),
        None => {
            let addr = raw.parse::<IpAddr>().ok()?;
            (addr, if addr.is_ipv4() { 32 } else { 128 })
        }
    };
    let max = if addr.is_ipv4() { 32 } else { 128 };
    (prefix <= max).then_some((addr, prefix))
}

/// Whether `ip` is in the network `net` of `prefix` bits (same family only).
pub(super) fn in_network(ip: IpAddr, (net, prefix): (IpAddr, u8)) -> bool {
    let (ip, net, width) = match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            (u128::from(u32::from(ip)), u128::from(u32::from(net)), 32)
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => (u128::from(ip), u128::from(net), 128),
        _ => return false,
    };
    let shift = width - u32::from(prefix);
    // A shift by the whole width compares nothing: every address is in /0.
    ip.checked_shr(shift).unwrap_or(0) == net.checked_shr(shift).unwrap_or(0)
}

#[cfg(test)]
#[path = "spec_tests.rs"]
mod tests;
