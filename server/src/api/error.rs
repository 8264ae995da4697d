//! The one way the API says something went wrong: RunState's envelope
//! (`success`, `error`, `code`) with the fields of RFC 9457 problem details
//! beside it, so both RunState clients and problem+json clients understand it.

use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::accounts::AccountError;
use domain::channels::ChannelError;
use domain::integrations::IntegrationError;
use domain::monitors::MonitorError;
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
}

/// The body of every error answer under `/api`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Always `false`.
    pub success: bool,
    /// A clear, human-readable reason.
    pub error: String,
    /// A stable machine code, e.g. `bad_request`, `not_found`.
    pub code: &'static str,
    /// The field at fault, for validation errors.
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
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::QuotaExceeded(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) | Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine code clients can match on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::QuotaExceeded(_) => "quota_exceeded",
            Self::NotFound(_) => "not_found",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::Conflict(_) => "conflict",
            Self::Unprocessable { .. } => "validation_failed",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::RateLimited { .. } => "rate_limited",
            Self::Unavailable(_) => "unavailable",
            Self::Busy { .. } => "busy",
            Self::Internal(_) => "internal",
        }
    }

    /// Any infrastructure failure: logged here, a bare 500 for the client.
    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        Self::Internal(err.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let Self::Internal(cause) = &self {
            tracing::error!(error = ?cause, "request failed");
        }
        let field = match &self {
            Self::Unprocessable { field, .. } => Some(field.clone()),
            _ => None,
        };
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
        match err {
            AccountError::InvalidInput(msg) => Self::BadRequest(msg),
            AccountError::EmailTaken | AccountError::Conflict(_) => Self::Conflict(err.to_string()),
            AccountError::WrongCredentials | AccountError::Unauthenticated(_) => {
                Self::Unauthorized(err.to_string())
            }
            AccountError::Disabled
            | AccountError::SignupClosed
            | AccountError::InvitationRequired
            | AccountError::Forbidden(_) => Self::Forbidden(err.to_string()),
            AccountError::Throttled { retry_after_secs } => Self::RateLimited { retry_after_secs },
            AccountError::Busy { retry_after_secs } => {
                Self::Busy { message: err.to_string(), retry_after_secs }
            }
            AccountError::UserNotFound | AccountError::SessionNotFound => {
                Self::NotFound(err.to_string())
            }
            AccountError::WrongPassword => Self::Forbidden(err.to_string()),
            AccountError::Database(db) => Self::internal(db),
            AccountError::Internal(msg) => Self::internal(anyhow::anyhow!(msg)),
        }
    }
}

impl From<MonitorError> for ApiError {
    fn from(err: MonitorError) -> Self {
        match err {
            MonitorError::Invalid(spec) => {
                Self::Unprocessable { field: spec.field.clone(), message: spec.to_string() }
            }
            MonitorError::NotFound => Self::NotFound(err.to_string()),
            MonitorError::Forbidden => Self::Forbidden(err.to_string()),
            MonitorError::Conflict(msg) => Self::Conflict(msg),
            MonitorError::Quota(quota) => Self::QuotaExceeded(quota.to_string()),
            MonitorError::Undecryptable(cause) => Self::internal(cause),
            MonitorError::Database(db) => Self::internal(db),
        }
    }
}

impl ApiError {
    /// The RunState contract answers invalid input with 400, where our own
    /// API uses 422: same body, the contract's status.
    pub fn contract(err: MonitorError) -> Self {
        match Self::from(err) {
            Self::Unprocessable { message, .. } => Self::BadRequest(message),
            other => other,
        }
    }
}

impl From<ChannelError> for ApiError {
    fn from(err: ChannelError) -> Self {
        match err {
            ChannelError::Invalid { field, message } => {
                Self::Unprocessable { message: format!("{field}: {message}"), field }
            }
            ChannelError::NotFound => Self::NotFound(err.to_string()),
            ChannelError::Forbidden(_) => Self::Forbidden(err.to_string()),
            ChannelError::Quota(quota) => Self::QuotaExceeded(quota.to_string()),
            ChannelError::Throttled { retry_after_secs } => Self::RateLimited { retry_after_secs },
            ChannelError::Undecryptable(cause) => Self::internal(cause),
            ChannelError::Database(db) => Self::internal(db),
            ChannelError::Internal(msg) => Self::internal(anyhow::anyhow!(msg)),
        }
    }
}

impl From<IntegrationError> for ApiError {
    fn from(err: IntegrationError) -> Self {
        match err {
            IntegrationError::Invalid { field, message } => {
                Self::Unprocessable { message: format!("{field}: {message}"), field }
            }
            IntegrationError::NotFound => Self::NotFound(err.to_string()),
            IntegrationError::Forbidden => Self::Forbidden(err.to_string()),
            IntegrationError::Quota(quota) => Self::QuotaExceeded(quota.to_string()),
            IntegrationError::Unverified(_) => Self::Unauthorized(err.to_string()),
            IntegrationError::Undecryptable(cause) => Self::internal(cause),
            IntegrationError::Database(db) => Self::internal(db),
        }
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
        assert!(
            matches!(&invalid, ApiError::Unprocessable { field, .. } if field == "slack.webhook_url")
        );
        assert_eq!(ApiError::from(ChannelError::Forbidden("no")).status().as_u16(), 403);
        assert_eq!(ApiError::from(ChannelError::NotFound).status().as_u16(), 404);
        let internal = ApiError::from(ChannelError::Internal("key mismatch".into()));
        assert_eq!(internal.status().as_u16(), 500);
        assert_eq!(internal.to_string(), "internal error");
    }

    #[test]
    fn internal_errors_never_show_their_cause() {
        let err = ApiError::internal(anyhow::anyhow!("connection to 10.0.0.5 refused"));
        assert_eq!(err.to_string(), "internal error");
    }
}
