//! The success side of RunState's envelope: `{ "success": true, "data": … }`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::ToSchema;

/// A successful answer carrying `data`, with an optional human message.
#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope<T> {
    /// Always `true`.
    pub success: bool,
    pub data: T,
    /// A human-readable note, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip)]
    status: StatusCode,
}

impl<T: Serialize> Envelope<T> {
    /// 200 with `data`.
    pub fn ok(data: T) -> Self {
        Self { success: true, data, message: None, status: StatusCode::OK }
    }

    /// 201 with the created resource.
    pub fn created(data: T) -> Self {
        Self { status: StatusCode::CREATED, ..Self::ok(data) }
    }

    /// 202: taken, to be finished later (a confirmation mail to follow).
    pub fn accepted(data: T) -> Self {
        Self { status: StatusCode::ACCEPTED, ..Self::ok(data) }
    }

    /// Adds a human-readable message.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
}

impl<T: Serialize> IntoResponse for Envelope<T> {
    fn into_response(self) -> Response {
        (self.status, axum::Json(&self)).into_response()
    }
}

/// `data` of an answer that carries only its message: always `null`.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct NoData;

impl utoipa::PartialSchema for NoData {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new().schema_type(Type::Null).into()
    }
}

impl ToSchema for NoData {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_data_is_null_on_the_wire() {
        let body = serde_json::to_value(Envelope::ok(NoData).with_message("done")).expect("json");
        assert_eq!(body, serde_json::json!({ "success": true, "data": null, "message": "done" }));
    }
}
