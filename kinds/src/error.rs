//! The classes of failure a client can be told about. Every domain error
//! classifies itself as one of these (`domain::errors::ErrorClass`); the REST
//! API and the UI's server functions both take the HTTP status and the
//! machine code from here, so the same failure reads the same on `/api` and
//! on `/rpc`.

use serde::{Deserialize, Serialize};

/// What kind of failure a client sees. Serialized as its stable machine code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Malformed input: unreadable JSON, a wrong type, a value outside the contract (400).
    BadRequest,
    /// No valid session or token, or wrong credentials (401).
    Unauthorized,
    /// Signed in, but not allowed (403).
    Forbidden,
    /// A per-user quota is reached (403).
    QuotaExceeded,
    /// Nothing there, or nothing the caller may know about (404).
    NotFound,
    /// The route exists, the method does not (405).
    MethodNotAllowed,
    /// The request clashes with what exists (409).
    Conflict,
    /// The body is larger than the server accepts (413).
    PayloadTooLarge,
    /// Well-formed input with a value that is refused (422).
    ValidationFailed,
    /// Too many requests; a `Retry-After` says when to come back (429).
    RateLimited,
    /// A failure inside the server; its cause is logged, never sent (500).
    Internal,
    /// A dependency is down, or the server could not be reached (503).
    Unavailable,
    /// The server is saturated; a `Retry-After` says when to come back (503).
    Busy,
}

impl ErrorKind {
    /// Every kind, for tables and documentation.
    pub const ALL: [Self; 13] = [
        Self::BadRequest,
        Self::Unauthorized,
        Self::Forbidden,
        Self::QuotaExceeded,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::Conflict,
        Self::PayloadTooLarge,
        Self::ValidationFailed,
        Self::RateLimited,
        Self::Internal,
        Self::Unavailable,
        Self::Busy,
    ];

    /// The stable machine code clients match on (the `code` of an error body).
    pub const fn code(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::QuotaExceeded => "quota_exceeded",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict => "conflict",
            Self::PayloadTooLarge => "payload_too_large",
            Self::ValidationFailed => "validation_failed",
            Self::RateLimited => "rate_limited",
            Self::Internal => "internal",
            Self::Unavailable => "unavailable",
            Self::Busy => "busy",
        }
    }

    /// The HTTP status of this kind: the one place it is decided, for the
    /// REST API and the server functions alike.
    pub const fn status(self) -> u16 {
        match self {
            Self::BadRequest => 400,
            Self::Unauthorized => 401,
            Self::Forbidden | Self::QuotaExceeded => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::Conflict => 409,
            Self::PayloadTooLarge => 413,
            Self::ValidationFailed => 422,
            Self::RateLimited => 429,
            Self::Internal => 500,
            Self::Unavailable | Self::Busy => 503,
        }
    }
}
