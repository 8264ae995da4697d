//! Judging an answer, pure: the response code, the assertions, and the
//! answer against the accepted baseline. Records compare as their
//! normalised text, as sets (order and repeats do not matter).

use kinds::{DnsAssertionOp, DnsRcode, DnsRecordType, Severity, Status};
use serde::{Deserialize, Serialize};

use super::record::Record;
use super::spec::{compile, DnsAssertion, DnsSpec};

/// How many records an error lists before `and N more`.
const LISTED: usize = 5;

/// What a server answered, as the query reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsAnswer {
    /// The response code on the wire.
    pub rcode: u16,
    /// The answer section's records (any type).
    pub records: Vec<Record>,
}

/// An answer reduced to what is compared and stored (the baseline, the last
/// answer): the response code's word and the sorted, distinct records of
/// the asked type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerSet {
    pub rcode: String,
    pub records: Vec<String>,
}

impl AnswerSet {
    /// Keeps the records of `record_type` (an A query's answer also carries
    /// the CNAMEs it went through), in their text form.
    pub fn of(record_type: DnsRecordType, answer: &DnsAnswer) -> Self {
        let mut records: Vec<String> = answer
            .records
            .iter()
            .filter(|r| r.record_type() == record_type)
            .map(ToString::to_string)
            .collect();
        records.sort();
        records.dedup();
        Self { rcode: rcode_word(answer.rcode), records }
    }

    /// `192.0.2.1, 192.0.2.2`, `no records`, or the code when it is not NOERROR.
    pub fn describe(&self) -> String {
        if self.rcode != DnsRcode::NoError.as_str() {
            return self.rcode.clone();
        }
        list(&self.records)
    }
}

/// The word of a response code; codes without one read `RCODE23`.
pub fn rcode_word(code: u16) -> String {
    DnsRcode::from_code(code).map_or_else(|| format!("RCODE{code}"), |w| w.as_str().to_owned())
}

/// What the check makes of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `Up`, `Degraded` or `Down`.
    pub status: Status,
    /// What differed, for the check's error; several findings are joined with `; `.
    pub error: Option<String>,
}

/// Judges `answer`: the response code first (a wrong one fails the check and
/// nothing else is said), then each assertion, then the baseline when the
/// monitor alerts on change. The worst severity decides the status.
pub fn evaluate(spec: &DnsSpec, answer: &AnswerSet, baseline: Option<&AnswerSet>) -> Verdict {
    if answer.rcode != spec.rcode.as_str() {
        return Verdict {
            status: Status::Down,
            error: Some(format!("expected {}, got {}", spec.rcode, answer.rcode)),
        };
    }
    let mut findings: Vec<(Severity, String)> = spec
        .assertions
        .iter()
        .filter_map(|a| check(a, &answer.records).map(|why| (a.severity, why)))
        .collect();
    if spec.alert_on_change {
        if let Some(base) = baseline.filter(|base| *base != answer) {
            findings.push((
                spec.change_severity,
                format!("the answer changed from {} to {}", base.describe(), answer.describe()),
            ));
        }
    }
    let status = if findings.iter().any(|(s, _)| *s == Severity::Fail) {
        Status::Down
    } else if findings.is_empty() {
        Status::Up
    } else {
        Status::Degraded
    };
    let error = (!findings.is_empty())
        .then(|| findings.into_iter().map(|(_, why)| why).collect::<Vec<_>>().join("; "));
    Verdict { status, error }
}

/// Whether this check's answer becomes the baseline: the first answer that
/// passed does, when the monitor alerts on change.
pub fn adopts_baseline(spec: &DnsSpec, status: Status, baseline: Option<&AnswerSet>) -> bool {
    spec.alert_on_change && baseline.is_none() && status == Status::Up
}

/// Why one assertion failed, or `None` when it holds.
fn check(assertion: &DnsAssertion, got: &[String]) -> Option<String> {
    match assertion.op {
        DnsAssertionOp::Equals => (assertion.values != got)
            .then(|| format!("expected {}, got {}", list(&assertion.values), list(got))),
        DnsAssertionOp::Contains => {
            let missing: Vec<String> =
                assertion.values.iter().filter(|v| !got.contains(v)).cloned().collect();
            (!missing.is_empty()).then(|| format!("missing {} (got {})", list(&missing), list(got)))
        }
        DnsAssertionOp::Matches => {
            let pattern = assertion.pattern.as_deref().unwrap_or_default();
            match compile(pattern) {
                Ok(re) if got.iter().any(|r| re.is_match(r)) => None,
                Ok(_) => Some(format!("no record matches /{pattern}/ (got {})", list(got))),
                Err(e) => Some(format!("the pattern /{pattern}/ {e}")),
            }
        }
    }
}

/// At most [`LISTED`] records, comma-separated, then `and N more`.
fn list(records: &[String]) -> String {
    if records.is_empty() {
        return "no records".into();
    }
    let mut shown: Vec<String> = records.iter().take(LISTED).cloned().collect();
    if records.len() > LISTED {
        shown.push(format!("and {} more", records.len() - LISTED));
    }
    shown.join(", ")
}

#[cfg(test)]
#[path = "evaluate_tests.rs"]
mod tests;
