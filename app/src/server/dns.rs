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

#[cfg(test)]
mod tests {
    use super::*;

    fn assertion(
        op: &str,
        values: &[&str],
        pattern: Option<&str>,
        severity: &str,
    ) -> DnsAssertionInput {
        DnsAssertionInput {
            op: Some(op.into()),
            values: (!values.is_empty()).then(|| values.iter().map(|v| (*v).to_owned()).collect()),
            pattern: pattern.map(str::to_owned),
            severity: Some(severity.into()),
        }
    }

    #[test]
    fn the_form_edits_the_first_assertion_and_keeps_the_rest() {
        let spec = DnsInput {
            name: Some("example.com".into()),
            record_type: Some("TXT".into()),
            change_severity: Some("degrade".into()),
            assertions: Some(vec![
                assertion("contains", &["v=spf1 -all"], None, "fail"),
                assertion("matches", &[], Some("^google-site-verification="), "degrade"),
            ]),
            ..Default::default()
        }
        .validated()
        .expect("valid");
        let mut form = MonitorForm::default();
        fill_form(&mut form, Some(&spec));
        assert_eq!((form.dns_name.as_str(), form.dns_op.as_str()), ("example.com", "contains"));
        form.dns_expected = "v=spf1 include:_spf.example.com -all".into();
        let edited = input_of(&form, Some(&spec)).validated().expect("valid");
        assert_eq!(edited.assertions[0].values, ["v=spf1 include:_spf.example.com -all"]);
        assert_eq!(edited.assertions[1], spec.assertions[1], "kept as the API set it");
        assert_eq!(edited.change_severity, spec.change_severity);
        assert!(edited.resolvers.is_empty() && !edited.alert_on_change);
    }

    #[test]
    fn a_new_form_asks_the_system_resolver_for_addresses() {
        let mut form = MonitorForm { dns_name: "example.org".into(), ..Default::default() };
        fill_form(&mut form, None);
        form.dns_alert_on_change = "true".into();
        let spec = input_of(&form, None).validated().expect("valid");
        assert_eq!(spec.target(), "A example.org. @system");
        assert!(spec.alert_on_change && spec.assertions.is_empty());
    }
}
