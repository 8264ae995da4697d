//! The error every server function returns, shared with the browser so
//! pages can match on its kind and put a message beside the field it names.

use kinds::ErrorKind;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What went wrong, in terms a page can show. The kind (serialized as
/// `code`) is the one the REST API would answer for the same failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    /// The class of failure: decides the HTTP status of the `/rpc` answer.
    pub code: ErrorKind,
    /// What the page shows.
    pub message: String,
    /// The form field the error is about, when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Only the server reads a call's arguments: the caller sent a bad one.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                Self::new(ErrorKind::BadRequest, value.to_string())
            }
            _ => Self::new(
                ErrorKind::Unavailable,
                format!("the server could not be reached: {value}"),
            ),
        }
    }
}

impl AppError {
    /// An error of `kind` about no field in particular.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { code: kind, message: message.into(), field: None }
    }

    /// A well-formed value the server refuses, beside its field (422).
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ValidationFailed, message).on(field)
    }

    /// Input that cannot be read at all, beside its field (400).
    pub fn bad_request(field: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, message).on(field)
    }

    /// Not signed in (401).
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthorized, message)
    }

    /// Signed in, not allowed (403).
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, message)
    }

    /// Nothing there (404).
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    /// A failure inside the server; its cause was logged there (500).
    pub fn internal() -> Self {
        Self::new(ErrorKind::Internal, "something went wrong on the server; try again")
    }

    /// The same error, about `field`.
    pub fn on(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }

    /// The message for `field`, if this error is about it.
    pub fn for_field(&self, name: &str) -> Option<String> {
        (self.field.as_deref() == Some(name)).then(|| self.message.clone())
    }

    /// Whether the form that sent the input shows this error (beside a
    /// field or under the form) rather than a toast.
    pub fn belongs_to_form(&self) -> bool {
        self.field.is_some()
            || matches!(self.code, ErrorKind::BadRequest | ErrorKind::ValidationFailed)
    }

    /// Whether what was asked for does not exist (or is not the caller's).
    pub fn is_not_found(&self) -> bool {
        self.code == ErrorKind::NotFound
    }

    /// Whether signing in again is the way out.
    pub fn is_signed_out(&self) -> bool {
        self.code == ErrorKind::Unauthorized
    }
}
