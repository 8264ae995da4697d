//! Judging one observed exchange against a monitor's assertions, pure. A
//! value the check did not observe (no body read, no resolved address, no
//! certificate on plain HTTP) fails its assertion and says so: an assertion
//! never passes for want of something to look at.

use std::borrow::Cow;
use std::net::IpAddr;

use kinds::{AssertionOp as Op, AssertionSource as Source, HttpPhase, Severity, Status};
use serde_json::Value;

use super::spec::{compile_pattern, in_network, network, Assertion};
use crate::probe::Phases;
use crate::text::truncate;

/// The most characters of an observed value or a target a message quotes.
const QUOTED: usize = 60;

/// What one check observed, as far as the assertions look at it.
#[derive(Debug, Clone, Copy)]
pub struct Observed<'a> {
    pub status: u16,
    /// The response's headers, names in lower case, repeats kept in order.
    pub headers: &'a [(String, String)],
    /// The body, capped and decompressed; `None` when it was not read.
    pub body: Option<&'a [u8]>,
    pub phases: &'a Phases,
    pub resolved_ip: Option<IpAddr>,
    /// Whole days until the certificate the server sent expires.
    pub cert_days_left: Option<i64>,
}

/// What the assertions make of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `Up`, `Degraded` or `Down`.
    pub status: Status,
    /// The first failing assertion of the worst severity, for the check's error.
    pub error: Option<String>,
}

/// Whether any assertion looks at the body (the check then reads it).
pub fn needs_body(assertions: &[Assertion]) -> bool {
    assertions
        .iter()
        .any(|a| matches!(a.source, Source::Body | Source::BodyRegex | Source::JsonPath))
}

/// Judges `observed`: a failing `fail` assertion makes the check down, a
/// failing `degrade` one degraded; the message is the first failure of the
/// worst severity.
pub fn evaluate(assertions: &[Assertion], observed: &Observed<'_>) -> Verdict {
    let mut body = Body::new(observed.body);
    let mut degraded: Option<String> = None;
    for assertion in assertions {
        let Err(message) = check(assertion, observed, &mut body) else { continue };
        match assertion.severity {
            Severity::Fail => return Verdict { status: Status::Down, error: Some(message) },
            Severity::Degrade => {
                degraded.get_or_insert(message);
            }
        }
    }
    match degraded {
        Some(message) => Verdict { status: Status::Degraded, error: Some(message) },
        None => Verdict { status: Status::Up, error: None },
    }
}

/// The body in the forms the assertions read it, each made once per check.
struct Body<'a> {
    raw: Option<&'a [u8]>,
    text: Option<Cow<'a, str>>,
    json: Option<Result<Value, String>>,
}

impl<'a> Body<'a> {
    fn new(raw: Option<&'a [u8]>) -> Self {
        Self { raw, text: None, json: None }
    }

    /// The body as text; lossy decoding keeps every valid UTF-8 run intact
    /// (as the keyword check reads it).
    fn text(&mut self) -> Result<&str, String> {
        let raw = self.raw.ok_or_else(not_read)?;
        Ok(self.text.get_or_insert_with(|| String::from_utf8_lossy(raw)))
    }

    fn json(&mut self) -> Result<&Value, String> {
        let raw = self.raw.ok_or_else(not_read)?;
        let parsed = self.json.get_or_insert_with(|| {
            serde_json::from_slice(raw).map_err(|e| format!("body is not JSON ({e})"))
        });
        parsed.as_ref().map_err(Clone::clone)
    }
}

fn not_read() -> String {
    "body was not read".to_owned()
}

/// `Ok` when the assertion holds, else why not.
fn check(a: &Assertion, seen: &Observed<'_>, body: &mut Body<'_>) -> Result<(), String> {
    let path = a.path.as_deref().unwrap_or_default();
    match a.source {
        Source::Status => {
            number("status", f64::from(seen.status), &seen.status.to_string(), a.op, &a.target)
        }
        Source::Header => header(path, seen.headers, a.op, &a.target),
        Source::Body => {
            let found = body.text()?.contains(a.target.as_str());
            match (a.op, found) {
                (Op::Contains, false) => {
                    Err(format!("body does not contain {}", quoted(&a.target)))
                }
                (Op::NotContains, true) => Err(format!("body contains {}", quoted(&a.target))),
                _ => Ok(()),
            }
        }
        Source::BodyRegex => {
            let pattern = compile_pattern(&a.target)?;
            match (a.op, pattern.is_match(body.text()?)) {
                (Op::Matches, false) => Err(format!("body does not match {}", slashed(&a.target))),
                (Op::NotMatches, true) => Err(format!("body matches {}", slashed(&a.target))),
                _ => Ok(()),
            }
        }
        Source::JsonPath => json(path, body.json()?, a.op, &a.target),
        Source::Time => {
            let phase: HttpPhase = path.parse().unwrap_or(HttpPhase::Total);
            let subject = match phase {
                HttpPhase::Total => "the request".to_owned(),
                phase => format!("{phase} phase"),
            };
            let ms = seen
                .phases
                .get(phase)
                .ok_or_else(|| format!("{subject} was not measured on this check"))?;
            let limit: u32 = a.target.parse().unwrap_or(0);
            match a.op {
                Op::LessThan if ms >= limit => {
                    Err(format!("{subject} took {ms} ms, limit {limit} ms"))
                }
                Op::GreaterThan if ms <= limit => {
                    Err(format!("{subject} took {ms} ms, expected more than {limit} ms"))
                }
                _ => Ok(()),
            }
        }
        Source::CertDays => {
            let days = seen.cert_days_left.ok_or_else(|| {
                "certificate days left are unknown (no TLS certificate on this check)".to_owned()
            })?;
            number("certificate days left", days as f64, &days.to_string(), a.op, &a.target)
        }
        Source::ResolvedIp => {
            let ip = seen
                .resolved_ip
                .ok_or_else(|| "resolved IP is unknown (not measured on this check)".to_owned())?;
            let inside = network(&a.target).is_some_and(|net| in_network(ip, net));
            match (a.op, inside) {
                (Op::Equals, false) => Err(format!("resolved IP is {ip}, expected {}", a.target)),
                (Op::NotEquals, true) => {
                    Err(format!("resolved IP is {ip}, expected anything but {}", a.target))
                }
                _ => Ok(()),
            }
        }
    }
}

/// A numeric value (`shown` as observed) against a numeric target.
fn number(subject: &str, value: f64, shown: &str, op: Op, target: &str) -> Result<(), String> {
    let Ok(limit) = target.trim().parse::<f64>() else {
        return Err(format!("{subject} is {shown}, and {} is not a number", quoted(target)));
    };
    #[allow(clippy::float_cmp)] // Whole numbers, exactly representable: equality is exact.
    let holds = match op {
        Op::Equals => value == limit,
        Op::NotEquals => value != limit,
        Op::LessThan => value < limit,
        Op::GreaterThan => value > limit,
        _ => true,
    };
    if holds {
        return Ok(());
    }
    Err(format!("{subject} is {shown}, expected {}", expectation(op, target.trim())))
}

/// The header's value (repeats joined with `, `, as HTTP combines them).
fn header(name: &str, headers: &[(String, String)], op: Op, target: &str) -> Result<(), String> {
    let values: Vec<&str> =
        headers.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect();
    let subject = format!("header {name}");
    if values.is_empty() {
        return match op {
            Op::NotExists => Ok(()),
            Op::Exists => Err(format!("{subject} is absent")),
            op => Err(format!(
                "{subject} is absent, expected {}",
                expectation(op, &as_target(op, target))
            )),
        };
    }
    let value = values.join(", ");
    text(&subject, &value, &quoted(&value), op, target)
}

/// A text value (`shown` in messages) against a text target; `exists`
/// holds, as the value is there.
fn text(subject: &str, value: &str, shown: &str, op: Op, target: &str) -> Result<(), String> {
    let holds = match op {
        Op::Equals => value == target,
        Op::NotEquals => value != target,
        Op::Contains => value.contains(target),
        Op::NotContains => !value.contains(target),
        Op::Matches | Op::NotMatches => {
            let found = compile_pattern(target)?.is_match(value);
            found == (op == Op::Matches)
        }
        Op::Exists => true,
        Op::NotExists => false,
        Op::LessThan | Op::GreaterThan => {
            let Some(number) = value.trim().parse::<f64>().ok().filter(|n| n.is_finite()) else {
                return Err(format!("{subject} is {shown}, not a number"));
            };
            return self::number(subject, number, shown, op, target);
        }
    };
    if holds {
        return Ok(());
    }
    if op == Op::NotExists {
        return Err(format!("{subject} is present ({shown})"));
    }
    Err(format!("{subject} is {shown}, expected {}", expectation(op, &as_target(op, target))))
}

/// The first node the path selects, in the text form the ops compare.
fn json(path: &str, document: &Value, op: Op, target: &str) -> Result<(), String> {
    let subject = format!("json {path}");
    let query = serde_json_path::JsonPath::parse(path)
        .map_err(|e| format!("{subject} is not a valid path ({e})"))?;
    let nodes = query.query(document).all();
    let Some(node) = nodes.first() else {
        return match op {
            Op::NotExists => Ok(()),
            _ => Err(format!("{subject} not found")),
        };
    };
    // Strings read quoted, other values as their JSON.
    let (value, shown) = match node {
        Value::String(s) => (Cow::Borrowed(s.as_str()), quoted(s)),
        other => {
            let json = other.to_string();
            let shown = truncate(&json, QUOTED);
            (Cow::Owned(json), shown)
        }
    };
    match (op, node) {
        // A number compares as a number: `1.0` equals `1`.
        (Op::Equals | Op::NotEquals, Value::Number(n)) if target.trim().parse::<f64>().is_ok() => {
            number(&subject, n.as_f64().unwrap_or(f64::NAN), &shown, op, target)
        }
        // An array contains an element equal to the target.
        (Op::Contains | Op::NotContains, Value::Array(items)) => {
            // A string element compares as its text, others as their JSON.
            let found = items.iter().any(|item| match item {
                Value::String(s) => s == target,
                other => serde_json::from_str::<Value>(target).is_ok_and(|t| &t == other),
            });
            if found == (op == Op::Contains) {
                return Ok(());
            }
            Err(format!("{subject} is {shown}, expected {}", expectation(op, &quoted(target))))
        }
        _ => text(&subject, &value, &shown, op, target),
    }
}

/// "expected …": `"ok"`, `anything but 200`, `to contain "json"`.
fn expectation(op: Op, target: &str) -> String {
    match op {
        Op::Equals => target.to_owned(),
        Op::NotEquals => format!("anything but {target}"),
        Op::Contains => format!("to contain {target}"),
        Op::NotContains => format!("not to contain {target}"),
        Op::Matches => format!("to match {target}"),
        Op::NotMatches => format!("not to match {target}"),
        Op::LessThan => format!("less than {target}"),
        Op::GreaterThan => format!("more than {target}"),
        Op::Exists => "to exist".to_owned(),
        Op::NotExists => "not to exist".to_owned(),
    }
}

/// A target as a message shows it: a pattern between slashes, text quoted.
fn as_target(op: Op, target: &str) -> String {
    if op.is_regex() {
        slashed(target)
    } else if op.is_numeric() {
        target.to_owned()
    } else {
        quoted(target)
    }
}

/// `"text"`, control characters as spaces, cut to [`QUOTED`] characters.
fn quoted(value: &str) -> String {
    let clean: String = value.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    format!("\"{}\"", truncate(&clean, QUOTED))
}

fn slashed(pattern: &str) -> String {
    format!("/{}/", truncate(pattern, QUOTED))
}

#[cfg(test)]
#[path = "evaluate_tests.rs"]
mod tests;
