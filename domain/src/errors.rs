//! One classification of every domain error a client can meet: its kind
//! (which decides the HTTP status and the machine code, see
//! [`ErrorKind`]), the input field at fault when there is one, and when to
//! retry. The REST API and the UI's server functions both map from this, so
//! a failure reads the same on `/api` and on `/rpc`, and forms put a message
//! beside the field the error names instead of guessing from its text.

pub use kinds::ErrorKind;

use crate::accounts::AccountError;
use crate::channels::ChannelError;
use crate::integrations::IntegrationError;
use crate::maintenance::MaintenanceError;
use crate::monitors::MonitorError;
use crate::status_pages::{IncidentError, PageError, SubscriberError};

/// How a domain error presents itself to a client.
pub trait ErrorClass: std::error::Error {
    /// The class of failure; [`ErrorKind::Internal`] means "log the cause, tell nothing".
    fn kind(&self) -> ErrorKind;

    /// The input field at fault, named as the API's request body names it
    /// (`email`, `http.url`, `slack.webhook_url`, `current_password`).
    fn field(&self) -> Option<&str> {
        None
    }

    /// For [`ErrorKind::RateLimited`] and [`ErrorKind::Busy`]: seconds until a retry may succeed.
    fn retry_after_secs(&self) -> Option<u64> {
        None
    }
}

impl ErrorClass for AccountError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidInput { .. } => ErrorKind::BadRequest,
            Self::EmailTaken | Self::Conflict(_) => ErrorKind::Conflict,
            Self::WrongCredentials | Self::Unauthenticated(_) => ErrorKind::Unauthorized,
            Self::Disabled
            | Self::SignupClosed
            | Self::InvitationRequired
            | Self::Forbidden(_)
            | Self::WrongPassword => ErrorKind::Forbidden,
            Self::Throttled { .. } => ErrorKind::RateLimited,
            Self::Busy { .. } => ErrorKind::Busy,
            Self::UserNotFound | Self::SessionNotFound | Self::TokenNotFound => ErrorKind::NotFound,
            Self::Database(_) | Self::Internal(_) => ErrorKind::Internal,
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Self::InvalidInput { field, .. } => Some(field),
            Self::EmailTaken => Some("email"),
            Self::WrongPassword => Some("current_password"),
            _ => None,
        }
    }

    fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::Throttled { retry_after_secs } | Self::Busy { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }
}

impl ErrorClass for MonitorError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Invalid(_) => ErrorKind::ValidationFailed,
            Self::NotFound => ErrorKind::NotFound,
            Self::Forbidden => ErrorKind::Forbidden,
            Self::Conflict(_) => ErrorKind::Conflict,
            Self::Quota(_) => ErrorKind::QuotaExceeded,
            Self::Undecryptable(_) | Self::Database(_) => ErrorKind::Internal,
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid(spec) => Some(&spec.field),
            _ => None,
        }
    }
}

impl ErrorClass for ChannelError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Invalid { .. } => ErrorKind::ValidationFailed,
            Self::NotFound => ErrorKind::NotFound,
            Self::Forbidden(_) => ErrorKind::Forbidden,
            Self::Throttled { .. } => ErrorKind::RateLimited,
            Self::Quota(_) => ErrorKind::QuotaExceeded,
            Self::Undecryptable(_) | Self::Database(_) | Self::Internal(_) => ErrorKind::Internal,
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::Throttled { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }
}

impl ErrorClass for MaintenanceError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Invalid { .. } => ErrorKind::ValidationFailed,
            Self::NotFound => ErrorKind::NotFound,
            Self::Database(_) => ErrorKind::Internal,
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl ErrorClass for IntegrationError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Invalid { .. } => ErrorKind::ValidationFailed,
            Self::NotFound => ErrorKind::NotFound,
            Self::Forbidden => ErrorKind::Forbidden,
            Self::Quota(_) => ErrorKind::QuotaExceeded,
            Self::Unverified(_) => ErrorKind::Unauthorized,
            Self::Undecryptable(_) | Self::Database(_) => ErrorKind::Internal,
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl ErrorClass for PageError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Invalid { .. } => ErrorKind::ValidationFailed,
            Self::NotFound => ErrorKind::NotFound,
            Self::SlugTaken | Self::DomainTaken(_) => ErrorKind::Conflict,
            Self::Locked | Self::WrongPassword => ErrorKind::Unauthorized,
            Self::Throttled { .. } => ErrorKind::RateLimited,
            Self::Busy { .. } => ErrorKind::Busy,
            Self::Database(_) | Self::Internal(_) => ErrorKind::Internal,
        }
    }

    fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::Throttled { retry_after_secs } | Self::Busy { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            Self::SlugTaken => Some("slug"),
            Self::DomainTaken(_) => Some("custom_domains"),
            Self::WrongPassword => Some("password"),
            _ => None,
        }
    }
}

impl ErrorClass for SubscriberError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Invalid { .. } => ErrorKind::ValidationFailed,
            Self::NotFound => ErrorKind::NotFound,
            Self::Locked => ErrorKind::Unauthorized,
            Self::Throttled { .. } => ErrorKind::RateLimited,
            Self::BadLink | Self::Expired => ErrorKind::BadRequest,
            Self::AlreadySubscribed => ErrorKind::Conflict,
            Self::Database(_) | Self::Internal(_) => ErrorKind::Internal,
        }
    }

    fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::Throttled { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            Self::AlreadySubscribed => Some("webhook_url"),
            _ => None,
        }
    }
}

impl ErrorClass for IncidentError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Invalid { .. } => ErrorKind::ValidationFailed,
            Self::NotFound => ErrorKind::NotFound,
            Self::Database(_) => ErrorKind::Internal,
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitors::SpecError;

    // `kinds` has no tests of its own (it is not in the test run's package list).
    #[test]
    fn a_kind_serializes_as_its_machine_code() {
        for kind in ErrorKind::ALL {
            let json = serde_json::to_value(kind).expect("a kind serializes");
            assert_eq!(json, kind.code(), "{kind:?}");
            let back: ErrorKind = serde_json::from_value(json).expect("and reads back");
            assert_eq!(back, kind);
        }
    }

    #[test]
    fn client_errors_are_4xx_and_server_errors_5xx() {
        for kind in ErrorKind::ALL {
            let server_side =
                matches!(kind, ErrorKind::Internal | ErrorKind::Unavailable | ErrorKind::Busy);
            assert_eq!(kind.status() >= 500, server_side, "{kind:?}");
            assert!((400..600).contains(&kind.status()), "{kind:?}");
        }
    }

    #[test]
    fn input_errors_name_their_field_and_a_taken_email_is_a_conflict_on_email() {
        let taken = AccountError::EmailTaken;
        assert_eq!((taken.kind(), taken.field()), (ErrorKind::Conflict, Some("email")));
        let weak = crate::accounts::Password::parse("short").expect_err("too short");
        assert_eq!((weak.kind(), weak.field()), (ErrorKind::BadRequest, Some("password")));
        let email = crate::accounts::Email::parse("nobody").expect_err("no @");
        assert_eq!(email.field(), Some("email"));
        let wrong = AccountError::WrongPassword;
        assert_eq!((wrong.kind(), wrong.field()), (ErrorKind::Forbidden, Some("current_password")));
        let spec = MonitorError::Invalid(SpecError::new("tcp.port", "must be 1 to 65535"));
        assert_eq!((spec.kind(), spec.field()), (ErrorKind::ValidationFailed, Some("tcp.port")));
    }

    #[test]
    fn infrastructure_failures_are_internal_and_limits_say_when_to_retry() {
        let db = || sea_orm::DbErr::Custom("connection refused".into());
        assert_eq!(AccountError::Database(db()).kind(), ErrorKind::Internal);
        assert_eq!(MonitorError::Database(db()).kind(), ErrorKind::Internal);
        assert_eq!(ChannelError::Database(db()).kind(), ErrorKind::Internal);
        assert_eq!(IntegrationError::Database(db()).kind(), ErrorKind::Internal);
        let throttled = AccountError::Throttled { retry_after_secs: 7 };
        assert_eq!(
            (throttled.kind(), throttled.retry_after_secs()),
            (ErrorKind::RateLimited, Some(7))
        );
        let busy = AccountError::Busy { retry_after_secs: 2 };
        assert_eq!((busy.kind(), busy.retry_after_secs()), (ErrorKind::Busy, Some(2)));
    }
}
