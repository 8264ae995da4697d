//! Domain errors as the UI's [`AppError`]: input errors keep their field,
//! infrastructure errors are logged here and shown as a plain 500.

use domain::accounts::AccountError;
use domain::channels::ChannelError;
use domain::monitors::MonitorError;

use crate::error::AppError;

/// Logs an infrastructure failure; the client only learns that one happened.
pub fn internal(what: &str, err: impl std::fmt::Debug) -> AppError {
    leptos::logging::error!("{what} failed: {err:?}");
    AppError::Internal
}

impl From<AccountError> for AppError {
    fn from(err: AccountError) -> Self {
        let message = err.to_string();
        match err {
            AccountError::InvalidInput(_) => {
                let field = if message.contains("email") { "email" } else { "password" };
                Self::Invalid { field: Some(field.into()), message }
            }
            AccountError::EmailTaken => Self::Invalid { field: Some("email".into()), message },
            AccountError::WrongCredentials | AccountError::Unauthenticated(_) => {
                Self::Unauthorized(message)
            }
            AccountError::Disabled
            | AccountError::SignupClosed
            | AccountError::InvitationRequired
            | AccountError::Forbidden(_) => Self::Forbidden(message),
            AccountError::Throttled { .. } | AccountError::Busy { .. } => Self::Throttled(message),
            AccountError::UserNotFound | AccountError::SessionNotFound => Self::NotFound(message),
            AccountError::WrongPassword => {
                Self::Invalid { field: Some("current_password".into()), message }
            }
            AccountError::Conflict(_) => Self::Conflict(message),
            AccountError::Database(_) | AccountError::Internal(_) => {
                internal("account service", err)
            }
        }
    }
}

impl From<MonitorError> for AppError {
    fn from(err: MonitorError) -> Self {
        match err {
            // The form names its inputs after the setting, without the block.
            MonitorError::Invalid(spec) => {
                let field = match spec.field.as_str() {
                    "http" => "url",
                    "tcp" => "host",
                    "github_runners" | "github_runners.owner" => "github_owner",
                    "github_runners.repo" => "github_repo",
                    "github_runners.token" => "github_token",
                    "github_runners.api_url" => "github_api_url",
                    other => other.trim_start_matches("http.").trim_start_matches("tcp."),
                };
                let message = format!("{} {}", label(field), spec.message);
                Self::Invalid { field: Some(field.to_owned()), message }
            }
            MonitorError::NotFound => Self::NotFound("monitor not found".into()),
            MonitorError::Forbidden => Self::Forbidden(err.to_string()),
            MonitorError::Conflict(message) => Self::Conflict(message),
            MonitorError::Quota(quota) => Self::Forbidden(quota.to_string()),
            MonitorError::Database(_) | MonitorError::Undecryptable(_) => {
                internal("monitor service", err)
            }
        }
    }
}

impl From<ChannelError> for AppError {
    fn from(err: ChannelError) -> Self {
        match err {
            ChannelError::Invalid { field, message } => {
                let field = match field.as_str() {
                    "slack.webhook_url" | "webhook.url" | "slack" | "webhook" => "url",
                    "webhook.secret" => "secret",
                    f if f.starts_with("email") => "to",
                    other => other,
                }
                .to_owned();
                let message = format!("{} {message}", label(&field));
                Self::Invalid { field: Some(field), message }
            }
            ChannelError::NotFound => Self::NotFound("channel not found".into()),
            ChannelError::Forbidden(message) => Self::Forbidden(message.into()),
            ChannelError::Quota(quota) => Self::Forbidden(quota.to_string()),
            ChannelError::Throttled { .. } => Self::Throttled(err.to_string()),
            ChannelError::Undecryptable(_)
            | ChannelError::Database(_)
            | ChannelError::Internal(_) => internal("channel service", err),
        }
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
        "interval_seconds" => "Interval",
        "timeout_ms" => "Timeout",
        "confirmations" => "Confirmations",
        "recoveries" => "Recoveries",
        "channel_ids" => "Channels",
        "github_owner" => "Owner",
        "github_repo" => "Repository",
        "github_token" => "Token",
        "github_api_url" => "API URL",
        "secret" => "Secret",
        "to" => "Recipients",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use domain::monitors::SpecError;

    use super::*;

    #[test]
    fn monitor_errors_keep_the_form_field() {
        let err = AppError::from(MonitorError::Invalid(SpecError::new("tcp.port", "must be 1")));
        assert_eq!(err.for_field("port").as_deref(), Some("Port must be 1"));
        let err = AppError::from(MonitorError::Invalid(SpecError::new("interval_seconds", "x")));
        assert!(err.for_field("interval_seconds").is_some());
    }

    #[test]
    fn channel_errors_point_at_the_url_input() {
        let err = AppError::from(ChannelError::invalid("webhook.url", "is not a valid URL"));
        assert_eq!(err.for_field("url").as_deref(), Some("URL is not a valid URL"));
    }
}
