//! The one way the API says something went wrong: RunState's envelope
//! (`success`, `error`, `code`) with the fields of RFC 9457 problem details
//! beside it, so both RunState clients and problem+json clients understand it.

use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::accounts::AccountError;
use domain::channels::ChannelError;
use domain::errors::{ErrorClass, ErrorKind};
use domain::integrations::IntegrationError;
use domain::maintenance::MaintenanceError;
use domain::monitors::MonitorError;
use domain::status_pages::{IncidentError, PageError, SubscriberError};
use serde::Serialize;

/// Every error an API handler can return. Internal causes are logged, never sent.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    /// A per-user quota is reached (403, code `quota_exceeded`).
    #[error("{0}")]
    QuotaExceeded(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{message}")]
    Unprocessable { field: String, message: String },
    #[error("the request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("too many requests; retry after {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    #[error("{0}")]
    Unavailable(String),
    #[error("{message}")]
    Busy { message: String, retry_after_secs: u64 },
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
    /// A domain error, classified by `domain::errors` (status, code, field).
    #[error("{message}")]
    Domain { kind: ErrorKind, field: Option<String>, message: String },
}

/// The body of every error answer under `/api`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Always `false`.
    pub success: bool,
    /// A clear, human-readable reason.
    pub error: String,
    /// A stable machine code, e.g. `bad_request`, `not_found`; every code is
    /// listed in docs/api.md.
    pub code: &'static str,
    /// The request's field at fault, when the error is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// RFC 9457: the HTTP status.
    pub status: u16,
    /// RFC 9457: a short summary of the status.
    pub title: &'static str,
    /// RFC 9457: the same text as `error`.
    pub detail: String,
}

impl ApiError {
    /// The class of this error: its status and code come from there, the
    /// one table the server functions use too.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::BadRequest(_) => ErrorKind::BadRequest,
            Self::Unauthorized(_) => ErrorKind::Unauthorized,
            Self::Forbidden(_) => ErrorKind::Forbidden,
            Self::QuotaExceeded(_) => ErrorKind::QuotaExceeded,
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::MethodNotAllowed(_) => ErrorKind::MethodNotAllowed,
            Self::Conflict(_) => ErrorKind::Conflict,
            Self::Unprocessable { .. } => ErrorKind::ValidationFailed,
            Self::PayloadTooLarge { .. } => ErrorKind::PayloadTooLarge,
            Self::RateLimited { .. } => ErrorKind::RateLimited,
            Self::Unavailable(_) => ErrorKind::Unavailable,
            Self::Busy { .. } => ErrorKind::Busy,
            Self::Internal(_) => ErrorKind::Internal,
            Self::Domain { kind, .. } => *kind,
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.kind().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The stable machine code clients can match on.
    pub fn code(&self) -> &'static str {
        self.kind().code()
    }

    /// The request's field at fault, when the error is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Unprocessable { field, .. } => Some(field),
            Self::Domain { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// Any infrastructure failure: logged here, a bare 500 for the client.
    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        Self::Internal(err.into())
    }

    /// A domain error as its classification says; an internal one keeps its
    /// cause for the log only.
    pub fn classified<E>(err: E) -> Self
    where
        E: ErrorClass + Send + Sync + 'static,
    {
        match (err.kind(), err.retry_after_secs()) {
            (ErrorKind::Internal, _) => Self::internal(err),
            (ErrorKind::RateLimited, Some(retry_after_secs)) => {
                Self::RateLimited { retry_after_secs }
            }
            (ErrorKind::Busy, Some(retry_after_secs)) => {
                Self::Busy { message: err.to_string(), retry_after_secs }
            }
            (kind, _) => Self::Domain {
                kind,
                field: err.field().map(str::to_owned),
                message: err.to_string(),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let Self::Internal(cause) = &self {
            tracing::error!(error = ?cause, "request failed");
        }
        let field = self.field().map(str::to_owned);
        let message = self.to_string();
        let body = ErrorBody {
            success: false,
            error: message.clone(),
            code: self.code(),
            field,
            status: status.as_u16(),
            title: status.canonical_reason().unwrap_or("Error"),
            detail: message,
        };
        let mut response = (status, axum::Json(body)).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Self::RateLimited { retry_after_secs } | Self::Busy { retry_after_secs, .. } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

impl From<AccountError> for ApiError {
    fn from(err: AccountError) -> Self {
        Self::classified(err)
    }
}

impl From<MonitorError> for ApiError {
    fn from(err: MonitorError) -> Self {
        Self::classified(err)
    }
}

impl ApiError {
    /// The RunState contract answers invalid input with 400, where our own
    /// API uses 422: same body, the contract's status.
    pub fn contract(err: MonitorError) -> Self {
        match Self::from(err) {
            Self::Domain { kind: ErrorKind::ValidationFailed, field, message } => {
                Self::Domain { kind: ErrorKind::BadRequest, field, message }
            }
            other => other,
        }
    }
}

impl From<PageError> for ApiError {
    fn from(err: PageError) -> Self {
        Self::classified(err)
    }
}

impl From<SubscriberError> for ApiError {
    fn from(err: SubscriberError) -> Self {
        Self::classified(err)
    }
}

impl From<IncidentError> for ApiError {
    fn from(err: IncidentError) -> Self {
        Self::classified(err)
    }
}

impl From<ChannelError> for ApiError {
    fn from(err: ChannelError) -> Self {
        Self::classified(err)
    }
}

impl From<IntegrationError> for ApiError {
    fn from(err: IntegrationError) -> Self {
        Self::classified(err)
    }
}

impl From<MaintenanceError> for ApiError {
    fn from(err: MaintenanceError) -> Self {
        Self::classified(err)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => {
                Self::BadRequest("expected a JSON body with Content-Type: application/json".into())
            }
            JsonRejection::JsonSyntaxError(err) => {
                Self::BadRequest(format!("malformed JSON: {}", err.body_text()))
            }
            JsonRejection::JsonDataError(err) => {
                Self::BadRequest(format!("invalid request body: {}", err.body_text()))
            }
            JsonRejection::BytesRejection(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Self::PayloadTooLarge { limit: crate::http::BODY_LIMIT }
            }
            other => Self::BadRequest(other.body_text()),
        }
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::PayloadTooLarge { limit: crate::http::BODY_LIMIT }
        } else {
            Self::BadRequest(format!("cannot read the request body: {}", rejection.body_text()))
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self::BadRequest(format!("invalid path parameter: {}", rejection.body_text()))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::BadRequest(format!("invalid query string: {}", rejection.body_text()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_maps_to_its_status_and_a_stable_code() {
        let cases = [
            (ApiError::BadRequest("x".into()), 400, "bad_request"),
            (ApiError::Unauthorized("x".into()), 401, "unauthorized"),
            (ApiError::Forbidden("x".into()), 403, "forbidden"),
            (ApiError::NotFound("x".into()), 404, "not_found"),
            (ApiError::Conflict("x".into()), 409, "conflict"),
            (
                ApiError::Unprocessable { field: "url".into(), message: "x".into() },
                422,
                "validation_failed",
            ),
            (ApiError::PayloadTooLarge { limit: 1 }, 413, "payload_too_large"),
            (ApiError::RateLimited { retry_after_secs: 3 }, 429, "rate_limited"),
            (ApiError::internal(anyhow::anyhow!("db password leaked")), 500, "internal"),
        ];
        for (err, status, code) in cases {
            assert_eq!(err.status().as_u16(), status);
            assert_eq!(err.code(), code);
        }
    }

    #[test]
    fn channel_errors_map_to_422_403_404_and_a_silent_500() {
        let invalid = ApiError::from(ChannelError::invalid("slack.webhook_url", "must be https"));
        assert_eq!(invalid.status().as_u16(), 422);
        assert_eq!(invalid.to_string(), "slack.webhook_url: must be https");
        assert_eq!(invalid.field(), Some("slack.webhook_url"));
        assert_eq!(ApiError::from(ChannelError::Forbidden("no")).status().as_u16(), 403);
        assert_eq!(ApiError::from(ChannelError::NotFound).status().as_u16(), 404);
        let internal = ApiError::from(ChannelError::Internal("key mismatch".into()));
        assert_eq!(internal.status().as_u16(), 500);
        assert_eq!(internal.to_string(), "internal error");
    }

    /// Builds the same domain error twice and answers it as the API and as
    /// a server function would: (what, API status, API code, /rpc status, /rpc code).
    macro_rules! both {
        ($err:expr) => {{
            let api = ApiError::from($err);
            let rpc = app::error::AppError::from($err);
            (
                stringify!($err),
                api.status().as_u16(),
                api.code(),
                rpc.code.status(),
                rpc.code.code(),
            )
        }};
    }

    #[test]
    fn every_domain_error_has_the_same_status_and_code_on_api_and_rpc() {
        use domain::accounts::Password;
        use domain::monitors::SpecError;
        use domain::quotas::{Quota, QuotaExceeded};
        let db = || sea_orm::DbErr::Custom("connection refused".into());
        let quota = |quota| QuotaExceeded { quota, limit: 3 };
        let cases = [
            both!(AccountError::invalid("email", "invalid email: it has no @")),
            both!(Password::parse("short").expect_err("weak")),
            both!(AccountError::EmailTaken),
            both!(AccountError::WrongCredentials),
            both!(AccountError::Disabled),
            both!(AccountError::SignupClosed),
            both!(AccountError::InvitationRequired),
            both!(AccountError::Throttled { retry_after_secs: 5 }),
            both!(AccountError::Busy { retry_after_secs: 1 }),
            both!(AccountError::Unauthenticated("the session ended")),
            both!(AccountError::Forbidden("this needs the ADMIN role")),
            both!(AccountError::UserNotFound),
            both!(AccountError::WrongPassword),
            both!(AccountError::SessionNotFound),
            both!(AccountError::TokenNotFound),
            both!(AccountError::Conflict("the last admin stays")),
            both!(AccountError::Database(db())),
            both!(AccountError::Internal("hasher gone".into())),
            both!(MonitorError::Invalid(SpecError::new("http.url", "must be http or https"))),
            both!(MonitorError::NotFound),
            both!(MonitorError::Forbidden),
            both!(MonitorError::Conflict("already monitored".into())),
            both!(MonitorError::Quota(quota(Quota::Monitors))),
            both!(MonitorError::Database(db())),
            both!(ChannelError::invalid("webhook.url", "is not a valid URL")),
            both!(ChannelError::NotFound),
            both!(ChannelError::Forbidden("not yours")),
            both!(ChannelError::Throttled { retry_after_secs: 9 }),
            both!(ChannelError::Quota(quota(Quota::Channels))),
            both!(ChannelError::Database(db())),
            both!(ChannelError::Internal("key mismatch".into())),
        ];
        for (what, api_status, api_code, rpc_status, rpc_code) in cases {
            assert_eq!((api_status, api_code), (rpc_status, rpc_code), "{what}");
        }
        let taken = both!(AccountError::EmailTaken);
        assert_eq!((taken.1, taken.2), (409, "conflict"), "a taken email is a conflict on both");
    }

    #[test]
    fn integration_errors_are_classified_like_the_others() {
        let unsigned = ApiError::from(IntegrationError::Unverified(
            domain::integrations::SignatureError::Mismatch,
        ));
        assert_eq!((unsigned.status().as_u16(), unsigned.code()), (401, "unauthorized"));
        let invalid = ApiError::from(IntegrationError::invalid("app_id", "is required"));
        assert_eq!((invalid.status().as_u16(), invalid.field()), (422, Some("app_id")));
        let quota = domain::quotas::QuotaExceeded {
            quota: domain::quotas::Quota::SlackIntegrations,
            limit: 1,
        };
        assert_eq!(ApiError::from(IntegrationError::Quota(quota)).code(), "quota_exceeded");
    }

    #[test]
    fn internal_errors_never_show_their_cause() {
        let err = ApiError::internal(anyhow::anyhow!("connection to 10.0.0.5 refused"));
        assert_eq!(err.to_string(), "internal error");
    }
}
