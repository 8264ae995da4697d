//! Extractors whose rejections answer in the API's envelope instead of
//! axum's plain-text defaults.

use axum::extract::{FromRequest, FromRequestParts};

use super::error::ApiError;

/// A JSON body; malformed JSON or a wrong content type is a 400 envelope.
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

/// A query string; a bad one is a 400 envelope.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// A path parameter; a malformed one (e.g. not a UUID) is a 400 envelope.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::post;
    use axum::Router;
    use tower::ServiceExt;

    use super::Json;

    async fn echo(Json(value): Json<serde_json::Value>) -> Json<serde_json::Value> {
        Json(value)
    }

    async fn send(content_type: &str, body: &'static str) -> (StatusCode, serde_json::Value) {
        let request = Request::post("/")
            .header("content-type", content_type)
            .body(Body::from(body))
            .expect("request");
        let response =
            Router::new().route("/", post(echo)).oneshot(request).await.expect("response");
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
        (status, serde_json::from_slice(&bytes).expect("a JSON body"))
    }

    #[tokio::test]
    async fn malformed_json_is_a_400_envelope() {
        let (status, body) = send("application/json", "{\"email\": ").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["success"], false);
        assert_eq!(body["code"], "bad_request");
        assert!(body["error"].as_str().expect("error text").contains("malformed JSON"));
    }

    #[tokio::test]
    async fn a_wrong_content_type_is_a_400_envelope() {
        let (status, body) = send("text/plain", "{}").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["success"], false);
    }

    #[tokio::test]
    async fn well_formed_json_passes_through() {
        let (status, body) = send("application/json", "{\"a\": 1}").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["a"], 1);
    }
}
