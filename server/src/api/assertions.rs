//! An HTTP monitor's assertions in the API: shown as stored, requested as
//! `domain::assertions::AssertionInput` reads them (this is its documentation).

use domain::assertions::Assertion;
use kinds::{AssertionOp, AssertionSource, Severity};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One assertion on what an HTTP check observed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = HttpAssertion)]
pub struct AssertionBody {
    pub source: AssertionSource,
    /// The header's name (lower case), the JSON path, or the phase (`time`);
    /// null for the other sources.
    pub path: Option<String>,
    pub op: AssertionOp,
    /// Empty for `exists` and `not_exists`.
    pub target: String,
    pub severity: Severity,
}

impl From<Assertion> for AssertionBody {
    fn from(a: Assertion) -> Self {
        Self { source: a.source, path: a.path, op: a.op, target: a.target, severity: a.severity }
    }
}

/// One assertion. `source` decides what `path` names and which `op`s apply:
/// status (equals, not_equals, less_than, greater_than; a code), header
/// (`path` the name; equals, not_equals, contains, not_contains, matches,
/// not_matches, exists, not_exists), body (contains, not_contains), body_regex
/// (matches, not_matches), json_path (`path` an RFC 9535 path like
/// `$.status`; every op), time (`path` dns, connect, tls, ttfb, transfer or
/// total (default); less_than, greater_than; milliseconds), cert_days
/// (greater_than, less_than; days), resolved_ip (equals, not_equals; an
/// address or a network like `10.0.0.0/8`).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = HttpAssertionRequest)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct AssertionRequest {
    source: AssertionSource,
    #[schema(max_length = 1024)]
    path: Option<String>,
    op: AssertionOp,
    /// At most 1024 characters (a regular expression at most 512); absent
    /// or empty for `exists` and `not_exists`.
    #[schema(max_length = 1024)]
    target: Option<String>,
    /// fail (default: the check is down) or degrade.
    severity: Option<Severity>,
}
