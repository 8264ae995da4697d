//! DNS monitors for pages: the form's DNS fields in and out, the monitor
//! page's answers, and accepting the last answer as the baseline.

use chrono::{DateTime, Utc};
use domain::dns::{
    store, AcceptError, AnswerSet, DnsAnswers, DnsAssertionInput, DnsInput, DnsSpec,
};
use domain::monitors::{Access, MonitorRef, Write};
use kinds::{DnsRecordType, DnsResolverMode};

use super::convert;
use super::errors::internal;
use super::{monitor_service, parse_id, signed_in};
use crate::dto::{DnsAnswersData, MonitorForm};
use crate::error::AppError;

/// The form's DNS fields of a stored spec (a new monitor's defaults without one).
pub fn fill_form(form: &mut MonitorForm, spec: Option<&DnsSpec>) {
    let Some(spec) = spec else {
        form.dns_record_type = DnsRecordType::default().as_str().to_owned();
        form.dns_resolver = DnsResolverMode::default().as_str().to_owned();
        return;
    };
    form.dns_name = spec.name.trim_end_matches('.').to_owned();
    form.dns_record_type = spec.record_type.as_str().to_owned();
    form.dns_resolver = spec.resolver.as_str().to_owned();
    form.dns_resolvers =
        spec.resolvers.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
    if let Some(first) = spec.assertions.first() {
        form.dns_op = first.op.as_str().to_owned();
        form.dns_expected = first.pattern.clone().unwrap_or_else(|| first.values.join(", "));
    }
    form.dns_alert_on_change = if spec.alert_on_change { "true".into() } else { String::new() };
}

/// The form's DNS fields as the API's input. The form edits the first
/// assertion; the others (set through the API) are kept as they are, as are
/// the expected response code and the change severity.
pub fn input_of(form: &MonitorForm, current: Option<&DnsSpec>) -> DnsInput {
    let given = |raw: &str| Some(raw.trim().to_owned()).filter(|v| !v.is_empty());
    let mut assertions: Vec<DnsAssertionInput> = Vec::new();
    if let Some(op) = given(&form.dns_op) {
        let expected = form.dns_expected.trim().to_owned();
        let (values, pattern) = if op == kinds::DnsAssertionOp::Matches.as_str() {
            (None, Some(expected))
        } else {
            (Some(split(&expected)), None)
        };
        let severity = current.and_then(|s| s.assertions.first()).map(|a| a.severity.to_string());
        assertions.push(DnsAssertionInput { op: Some(op), values, pattern, severity });
    }
    let kept = current.map(|spec| DnsInput::from(spec.clone()));
    let mut rest = kept.as_ref().and_then(|k| k.assertions.clone()).unwrap_or_default();
    if !rest.is_empty() {
        rest.remove(0);
    }
    assertions.extend(rest);
    let resolver = given(&form.dns_resolver);
    let custom = resolver.as_deref() == Some(DnsResolverMode::Custom.as_str());
    DnsInput {
        name: Some(form.dns_name.trim().to_owned()),
        record_type: given(&form.dns_record_type),
        resolver,
        resolvers: custom.then(|| split(&form.dns_resolvers)),
        rcode: kept.as_ref().and_then(|k| k.rcode.clone()),
        assertions: Some(assertions),
        alert_on_change: Some(form.dns_alert_on_change == "true"),
        change_severity: kept.and_then(|k| k.change_severity),
    }
}

fn split(raw: &str) -> Vec<String> {
    raw.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect()
}

/// The monitor page's view of a DNS monitor's answers.
pub async fn answers<A: Access>(
    monitor: &MonitorRef<A>,
    spec: &DnsSpec,
    now: DateTime<Utc>,
) -> Result<DnsAnswersData, AppError> {
    let answers = store::answers(monitor).await.map_err(|e| internal("DNS answers", e))?;
    Ok(data(spec, answers, now))
}

fn data(spec: &DnsSpec, answers: DnsAnswers, now: DateTime<Utc>) -> DnsAnswersData {
    let shown = |a: &AnswerSet| {
        if a.rcode == kinds::DnsRcode::NoError.as_str() {
            a.records.clone()
        } else {
            vec![a.rcode.clone()]
        }
    };
    DnsAnswersData {
        question: format!("{} {}", spec.record_type, spec.name),
        alert_on_change: spec.alert_on_change,
        differs: answers.differs(),
        last_answer: answers.last_answer.as_ref().map(shown),
        last_answer_at: answers.last_answer_at.map(|at| convert::when(at, now)),
        baseline: answers.baseline.as_ref().map(shown),
        baseline_at: answers.baseline_at.map(|at| convert::when(at, now)),
    }
}

/// Makes a DNS monitor's last answer its baseline.
pub async fn accept(id: String) -> Result<(), AppError> {
    let caller = signed_in()?;
    let monitor: MonitorRef<Write> =
        monitor_service()?.authorize(&caller, parse_id(&id, "monitor")?, Write).await?;
    match store::accept(&monitor, Utc::now()).await {
        Ok(_) => Ok(()),
        Err(AcceptError::Database(e)) => Err(internal("accept DNS answer", e)),
        Err(e @ AcceptError::NotDns) => {
            Err(AppError::new(kinds::ErrorKind::NotFound, e.to_string()))
        }
        Err(e @ AcceptError::NoAnswer) => {
            Err(AppError::new(kinds::ErrorKind::Conflict, e.to_string()))
        }
    }
}
