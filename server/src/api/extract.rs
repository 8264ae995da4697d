//! Extractors whose rejections answer in the API's envelope instead of
//! axum's plain-text defaults.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, HeaderMap};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::ApiError;

/// A JSON object body; malformed JSON, another top-level value (serde would
/// read a struct from an array too) or a wrong content type is a 400 envelope.
/// A number with a zero fraction (`10.0`) is the integer it equals, as JSON
/// Schema says, so an integer field takes it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(req.headers()) {
            return Err(ApiError::BadRequest(
                "expected a JSON body with Content-Type: application/json".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await?;
        let mut value: Value = serde_json::from_slice(&bytes)
            .map_err(|err| ApiError::BadRequest(format!("malformed JSON: {err}")))?;
        if !value.is_object() {
            return Err(ApiError::BadRequest("the request body must be a JSON object".into()));
        }
        whole_numbers_as_integers(&mut value);
        serde_path_to_error::deserialize(value)
            .map(Self)
            .map_err(|err| ApiError::BadRequest(format!("invalid request body: {err}")))
    }
}

/// Turns every float with a zero fraction into the integer it equals.
fn whole_numbers_as_integers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            // Within ±2^53 every whole float is exact, and `as` is lossless.
            if f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0 {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// `application/json`, or any `application/…+json`, parameters aside.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// A `limit` query parameter: a `u64` as the document's `int64` bounds it.
/// Above `i64::MAX` it does not parse (400), as the document says; serde
/// alone would take any `u64` (decision 67).
pub fn page_limit<'de, D>(d: D) -> Result<Option<u64>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::Deserialize;
    match Option::<u64>::deserialize(d)? {
        Some(limit) if i64::try_from(limit).is_err() => {
            Err(serde::de::Error::custom(format!("limit {limit} is above {}", i64::MAX)))
        }
        limit => Ok(limit),
    }
}

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
    async fn a_body_that_is_not_an_object_is_a_400_envelope() {
        for body in ["[1, 2]", "null", "\"text\"", "  3"] {
            let (status, envelope) = send("application/json", body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(envelope["error"], "the request body must be a JSON object", "{body}");
        }
    }

    #[tokio::test]
    async fn whole_floats_read_as_integers_and_fractions_stay() {
        #[derive(serde::Deserialize, serde::Serialize)]
        struct Counts {
            n: i64,
            ratio: f64,
        }
        async fn counts(Json(c): Json<Counts>) -> Json<Counts> {
            Json(c)
        }
        let request = Request::post("/")
            .header("content-type", "application/json")
            .body(Body::from(r#"{"n": 10.0, "ratio": 0.5}"#))
            .expect("request");
        let response =
            Router::new().route("/", post(counts)).oneshot(request).await.expect("response");
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
        assert_eq!(&bytes[..], br#"{"n":10,"ratio":0.5}"#);
    }

    /// Schemathesis sent this one: serde_json's fast float parser read it one
    /// step off (…676.75), which is no longer whole, and a valid integer got
    /// a 400. Correct rounding (`float_roundtrip`) reads it exactly.
    #[tokio::test]
    async fn large_whole_floats_read_exactly() {
        let (status, body) =
            send("application/json", r#"{"n": 2062622204212677.0, "m": 9007199254740992.0}"#).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["n"].as_i64(), Some(2_062_622_204_212_677));
        assert_eq!(body["m"].as_i64(), Some(9_007_199_254_740_992));
    }

    #[tokio::test]
    async fn well_formed_json_passes_through() {
        let (status, body) = send("application/json", "{\"a\": 1}").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["a"], 1);
        let (status, _) = send("application/merge-patch+json; charset=utf-8", "{}").await;
        assert_eq!(status, StatusCode::OK);
    }
}
