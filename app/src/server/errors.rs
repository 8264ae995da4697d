//! Domain errors as the UI's [`AppError`]: the kind (so the status and the
//! code) is the domain's classification, the one the REST API answers with
//! too; fields are renamed to the inputs of the form that sent them;
//! infrastructure errors are logged here, in the request's span, and shown
//! as a plain 500.

use domain::accounts::AccountError;
use domain::channels::ChannelError;
use domain::errors::{ErrorClass, ErrorKind};
use domain::maintenance::MaintenanceError;
use domain::monitors::MonitorError;
use domain::status_pages::{IncidentError, PageError, SubscriberError};

use crate::error::AppError;

/// Logs an infrastructure failure; the client only learns that one happened.
pub fn internal(what: &str, err: impl std::fmt::Debug) -> AppError {
    tracing::error!(operation = what, error = ?err, "server function failed");
    AppError::internal()
}

/// `err` as its class says, with the message and field a form shows.
fn classified<E: ErrorClass>(
    what: &str,
    err: E,
    field: Option<String>,
    message: String,
) -> AppError {
    match err.kind() {
        ErrorKind::Internal => internal(what, err),
        code => AppError { code, message, field },
    }
}

impl From<AccountError> for AppError {
    fn from(err: AccountError) -> Self {
        // The account forms name their inputs as the API names its fields.
        let field = err.field().map(str::to_owned);
        let message = err.to_string();
        classified("account service", err, field, message)
    }
}

impl From<MonitorError> for AppError {
    fn from(err: MonitorError) -> Self {
        let field = err.field().map(monitor_input).map(str::to_owned);
        let message = match (&err, &field) {
            (MonitorError::Invalid(spec), Some(_))
                if spec.field.starts_with("http.assertions[") =>
            {
                format!("{} {}", assertion_label(&spec.field), spec.message)
            }
            (MonitorError::Invalid(spec), Some(field)) => {
                format!("{} {}", label(field), spec.message)
            }
            _ => err.to_string(),
        };
        classified("monitor service", err, field, message)
    }
}

impl From<ChannelError> for AppError {
    fn from(err: ChannelError) -> Self {
        let field = err.field().map(channel_input).map(str::to_owned);
        let message = match (&err, &field) {
            (ChannelError::Invalid { message, .. }, Some(field)) => {
                format!("{} {message}", label(field))
            }
            _ => err.to_string(),
        };
        classified("channel service", err, field, message)
    }
}

impl From<PageError> for AppError {
    fn from(err: PageError) -> Self {
        // A component's field (`components[2].members[0].public_name`) is the
        // add form's input of that name.
        let field = err.field().map(|f| f.rsplit('.').next().unwrap_or(f).to_owned());
        let message = match (&err, &field) {
            (PageError::Invalid { message, .. }, Some(field)) => {
                format!("{} {message}", label(field))
            }
            _ => err.to_string(),
        };
        classified("status page service", err, field, message)
    }
}

impl From<IncidentError> for AppError {
    fn from(err: IncidentError) -> Self {
        let field = err.field().map(str::to_owned);
        let message = match (&err, &field) {
            (IncidentError::Invalid { message, .. }, Some(field)) => {
                format!("{} {message}", label(field))
            }
            _ => err.to_string(),
        };
        classified("public incident service", err, field, message)
    }
}

impl From<SubscriberError> for AppError {
    fn from(err: SubscriberError) -> Self {
        let field = err.field().map(str::to_owned);
        let message = err.to_string();
        classified("subscriber service", err, field, message)
    }
}

impl From<MaintenanceError> for AppError {
    fn from(err: MaintenanceError) -> Self {
        let field = err.field().map(str::to_owned);
        let message = match (&err, &field) {
            (MaintenanceError::Invalid { message, .. }, Some(field)) => {
                format!("{} {message}", label(field))
            }
            _ => err.to_string(),
        };
        classified("maintenance service", err, field, message)
    }
}

/// The monitor form's input for a setting: the form is flat, the API nests
/// settings in a block per kind.
fn monitor_input(field: &str) -> &str {
    match field {
        "http" => "url",
        "tcp" | "tls" | "tls.host" => "host",
        "tls.port" => "port",
        "tls.expiry_days" | "http.cert_expiry_days" => "expiry_days",
        "domain" | "domain.name" => "domain_name",
        "icmp" | "icmp.host" => "host",
        "icmp.count" => "icmp_count",
        "domain.expiry_days" => "domain_expiry_days",
        "domain.rdap_url" => "rdap_url",
        "github_runners" | "github_runners.owner" => "github_owner",
        "github_runners.repo" => "github_repo",
        "github_runners.token" => "github_token",
        "github_runners.api_url" => "github_api_url",
        // The form's heartbeat inputs are flat (decision 79).
        "heartbeat" | "heartbeat.schedule" => "heartbeat_schedule",
        "heartbeat.every" => "heartbeat_every",
        "heartbeat.tz" => "heartbeat_tz",
        "heartbeat.grace" => "heartbeat_grace",
        "heartbeat.max_runtime" => "heartbeat_max_runtime",
        "heartbeat.min_runtime" => "heartbeat_min_runtime",
        "dns" | "dns.name" => "dns_name",
        "dns.record_type" => "dns_record_type",
        "dns.resolver" => "dns_resolver",
        f if f.starts_with("dns.resolvers") => "dns_resolvers",
        f if f.starts_with("dns.assertions[0].op") => "dns_op",
        f if f.starts_with("dns.") => "dns_expected",
        // One message under the list, naming the row (`assertion_label`).
        f if f.starts_with("http.assertions") => "assertions",
        other => other.trim_start_matches("http.").trim_start_matches("tcp."),
    }
}

/// `http.assertions[2].target` as the form reads it: `Assertion 3 target`.
fn assertion_label(field: &str) -> String {
    let rest = field.trim_start_matches("http.assertions[");
    let (index, part) = rest.split_once(']').unwrap_or((rest, ""));
    let row = index.parse::<usize>().map_or_else(|_| index.to_owned(), |i| (i + 1).to_string());
    format!("Assertion {row} {}", part.trim_start_matches('.')).trim_end().to_owned()
}

/// The channel form's input for a setting (one URL input for every kind).
fn channel_input(field: &str) -> &str {
    match field {
        "slack.webhook_url" | "webhook.url" | "slack" | "webhook" => "url",
        "webhook.secret" => "secret",
        f if f.starts_with("email") => "to",
        other => other,
    }
}

/// How a form labels a field, for messages like "Interval must be …".
pub fn label(field: &str) -> &str {
    match field {
        "name" => "Name",
        "kind" => "Kind",
        "url" => "URL",
        "method" => "Method",
        "expected_status" => "Expected status",
        "keyword" => "Keyword",
        "host" => "Host",
        "port" => "Port",
        "expiry_days" | "domain_expiry_days" => "Warn at days left",
        "domain_name" => "Domain",
        "icmp_count" => "Echo requests per check",
        "rdap_url" => "RDAP server",
        "interval_seconds" => "Interval",
        "timeout_ms" => "Timeout",
        "confirmations" => "Confirmations",
        "recoveries" => "Recoveries",
        "channel_ids" => "Channels",
        "tags" => "Tags",
        "github_owner" => "Owner",
        "github_repo" => "Repository",
        "github_token" => "Token",
        "github_api_url" => "API URL",
        "heartbeat_every" => "Every",
        "heartbeat_schedule" => "Schedule",
        "heartbeat_tz" => "Time zone",
        "heartbeat_grace" => "Grace",
        "heartbeat_max_runtime" => "Max run time",
        "heartbeat_min_runtime" => "Min run time",
        "dns_name" => "Name to look up",
        "dns_record_type" => "Record type",
        "dns_resolver" => "Resolver",
        "dns_resolvers" => "Servers",
        "dns_op" => "Check",
        "dns_expected" => "Expected",
        "assertions" => "Assertions",
        "secret" => "Secret",
        "to" => "Recipients",
        "slug" => "Address",
        "title" => "Title",
        "description" => "Description",
        "logo_url" => "Logo URL",
        "footer" => "Footer",
        "public_name" => "Public name",
        "monitor_id" => "Monitor",
        "static_state" => "State",
        "time_zone" => "Time zone",
        "starts_at" => "Start",
        "ends_at" => "End",
        "rule" => "Rule",
        "duration_secs" => "Duration",
        "monitor_ids" => "Monitors",
        "status_page_ids" => "Status pages",
        "body" => "Text",
        "postmortem" => "Postmortem",
        "phase" => "Phase",
        "auto_publish_delay_secs" => "Draft delay",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use domain::monitors::SpecError;

    use super::*;

    #[test]
    fn assertion_errors_name_their_row_under_the_list() {
        let err = AppError::from(MonitorError::Invalid(SpecError::new(
            "http.assertions[2].target",
            "must be a status code, 100 to 599",
        )));
        assert_eq!(
            err.for_field("assertions").as_deref(),
            Some("Assertion 3 target must be a status code, 100 to 599")
        );
        let err = AppError::from(MonitorError::Invalid(SpecError::new(
            "http.assertions",
            "at most 20 assertions",
        )));
        assert_eq!(
            err.for_field("assertions").as_deref(),
            Some("Assertions at most 20 assertions")
        );
    }

    #[test]
    fn monitor_errors_keep_the_form_field() {
        let err = AppError::from(MonitorError::Invalid(SpecError::new("tcp.port", "must be 1")));
        assert_eq!(err.for_field("port").as_deref(), Some("Port must be 1"));
        let err = AppError::from(MonitorError::Invalid(SpecError::new("interval_seconds", "x")));
        assert!(err.for_field("interval_seconds").is_some());
    }

    #[test]
    fn dns_errors_point_at_the_flat_form_inputs() {
        let err = AppError::from(MonitorError::Invalid(SpecError::new(
            "dns.resolvers[1]",
            "`ns.example` is not ip or ip:port",
        )));
        assert_eq!(
            err.for_field("dns_resolvers").as_deref(),
            Some("Servers `ns.example` is not ip or ip:port")
        );
        let err = AppError::from(MonitorError::Invalid(SpecError::new(
            "dns.assertions[0].values[2]",
            "x",
        )));
        assert!(err.for_field("dns_expected").is_some());
        let err =
            AppError::from(MonitorError::Invalid(SpecError::new("dns.assertions[0].op", "x")));
        assert!(err.for_field("dns_op").is_some());
    }

    #[test]
    fn channel_errors_point_at_the_url_input() {
        let err = AppError::from(ChannelError::invalid("webhook.url", "is not a valid URL"));
        assert_eq!(err.for_field("url").as_deref(), Some("URL is not a valid URL"));
    }
}
