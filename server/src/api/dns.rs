//! The `dns` kind in the API: its settings block (shown and requested), the
//! monitor's baseline and last answer, and accepting the last answer as the
//! new baseline (owner or admin, like every change of a monitor).

use axum::extract::State;
use chrono::{DateTime, Utc};
use domain::dns::{store, AcceptError, AnswerSet, DnsAnswers, DnsSpec};
use domain::monitors::{Read, Write};
use kinds::{DnsAssertionOp, DnsRcode, DnsRecordType, DnsResolverMode, Severity};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::envelope::Envelope;
use super::error::{ApiError, ErrorBody};
use super::extract::Path;
use crate::auth::Auth;
use crate::state::AppState;

/// A DNS monitor's settings, as stored (names with their trailing dot,
/// expected values in the answers' form).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DnsSettings)]
pub struct DnsBody {
    /// The name asked about: IDNA applied, lower case, a trailing dot.
    pub name: String,
    pub record_type: DnsRecordType,
    pub resolver: DnsResolverMode,
    /// `ip:port` of each server, when `resolver` is `custom`.
    pub resolvers: Vec<String>,
    /// The response code the answer must carry.
    pub rcode: DnsRcode,
    pub assertions: Vec<DnsAssertionBody>,
    pub alert_on_change: bool,
    pub change_severity: Severity,
}

/// One assertion on the answer's records.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DnsAssertion)]
pub struct DnsAssertionBody {
    pub op: DnsAssertionOp,
    /// The records of `equals` and `contains`.
    pub values: Vec<String>,
    /// The regular expression of `matches`.
    pub pattern: Option<String>,
    pub severity: Severity,
}

impl From<DnsSpec> for DnsBody {
    fn from(spec: DnsSpec) -> Self {
        Self {
            name: spec.name,
            record_type: spec.record_type,
            resolver: spec.resolver,
            resolvers: spec.resolvers.iter().map(ToString::to_string).collect(),
            rcode: spec.rcode,
            assertions: spec
                .assertions
                .into_iter()
                .map(|a| DnsAssertionBody {
                    op: a.op,
                    values: a.values,
                    pattern: a.pattern,
                    severity: a.severity,
                })
                .collect(),
            alert_on_change: spec.alert_on_change,
            change_severity: spec.change_severity,
        }
    }
}

/// A DNS monitor's settings. On a change the block replaces the stored one
/// as a whole (absent fields take their defaults). Read as
/// `domain::dns::DnsInput`; this is its documentation.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = DnsRequest)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct DnsRequest {
    /// A domain name (IDNA allowed); for PTR an IP address is read as its reverse name. Required.
    #[schema(max_length = 253)]
    name: Option<String>,
    /// A (default), AAAA, CNAME, MX, NS, TXT, SOA, SRV, CAA or PTR; any case.
    record_type: Option<String>,
    /// system (default: the nameservers of the server's /etc/resolv.conf), custom or authoritative.
    resolver: Option<DnsResolverMode>,
    /// For `custom` only: 1 to 5 servers as `ip` or `ip:port` (port 53 by default).
    #[schema(max_items = 5)]
    resolvers: Option<Vec<String>>,
    /// NOERROR (default), NXDOMAIN, SERVFAIL, …; any case.
    rcode: Option<String>,
    #[schema(max_items = 10)]
    assertions: Option<Vec<DnsAssertionRequest>>,
    /// Compare each answer with the accepted baseline (the first passing answer, until one is accepted).
    alert_on_change: Option<bool>,
    /// What a changed answer makes of the check: fail (down, the default) or degrade.
    change_severity: Option<Severity>,
}

/// One assertion: `equals` and `contains` take `values` (in the record
/// type's text form, e.g. `10 mail.example.com` for MX), `matches` a `pattern`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = DnsAssertionRequest)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct DnsAssertionRequest {
    op: DnsAssertionOp,
    /// 1 to 50 records, each at most 1024 characters.
    #[schema(max_items = 50)]
    values: Option<Vec<String>>,
    /// A regular expression of at most 512 characters; some record must match it.
    #[schema(max_length = 512)]
    pattern: Option<String>,
    /// fail (default) or degrade.
    severity: Option<Severity>,
}

/// An answer as stored: the response code and the records of the asked type, sorted.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DnsAnswer)]
pub struct AnswerBody {
    pub rcode: String,
    pub records: Vec<String>,
}

impl From<AnswerSet> for AnswerBody {
    fn from(answer: AnswerSet) -> Self {
        Self { rcode: answer.rcode, records: answer.records }
    }
}

/// A DNS monitor's baseline and last answer; null until there is one.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DnsAnswers)]
pub struct AnswersBody {
    pub baseline: Option<AnswerBody>,
    pub baseline_at: Option<DateTime<Utc>>,
    pub last_answer: Option<AnswerBody>,
    pub last_answer_at: Option<DateTime<Utc>>,
    /// Whether accepting the last answer would change the baseline.
    pub differs: bool,
}

impl From<DnsAnswers> for AnswersBody {
    fn from(answers: DnsAnswers) -> Self {
        Self {
            differs: answers.differs(),
            baseline: answers.baseline.map(AnswerBody::from),
            baseline_at: answers.baseline_at,
            last_answer: answers.last_answer.map(AnswerBody::from),
            last_answer_at: answers.last_answer_at,
        }
    }
}

impl From<AcceptError> for ApiError {
    fn from(err: AcceptError) -> Self {
        match err {
            AcceptError::NotDns => {
                Self::NotFound("this monitor is not a DNS monitor: it has no answers".into())
            }
            AcceptError::NoAnswer => Self::Conflict(err.to_string()),
            AcceptError::Database(db) => Self::internal(db),
        }
    }
}

/// A DNS monitor's baseline and last answer.
#[utoipa::path(get, operation_id = "dns_answers", path = "/monitors/{id}/dns", tag = "monitors",
    params(("id" = Uuid, Path, description = "The monitor's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<AnswersBody>), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "no such monitor, or not a DNS monitor")))]
pub async fn answers(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<AnswersBody>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    Ok(Envelope::ok(store::answers(&monitor).await?.into()))
}

/// Makes the last answer the baseline: the next check compares with it.
#[utoipa::path(post, operation_id = "accept_dns_answer", path = "/monitors/{id}/dns/accept", tag = "monitors",
    params(("id" = Uuid, Path, description = "The monitor's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<AnswersBody>), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "no such monitor, or not a DNS monitor"),
        (status = 409, body = ErrorBody, description = "no answer yet: the monitor was not checked")))]
pub async fn accept(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<AnswersBody>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Write).await?;
    Ok(Envelope::ok(store::accept(&monitor, Utc::now()).await?.into())
        .with_message("answer accepted as the baseline"))
}
