//! The REST API under `/api/v1`: RunState's contract and our superset.

pub mod envelope;
pub mod error;
pub mod extract;
mod health;

use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;
use error::ApiError;

#[derive(OpenApi)]
#[openapi(
    info(title = "RunState API", description = "RunState's REST API: the RunState v1 contract and its superset."),
    servers((url = "/api/v1")),
    components(schemas(error::ErrorBody)),
)]
struct ApiDoc;

/// The OpenAPI document of every route below, generated from the code.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes_with_docs().into_openapi()
}

fn routes_with_docs() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).routes(routes!(health::health))
}

/// The `/api/v1` router; unknown paths get a 404 in the envelope.
pub fn router() -> Router<AppState> {
    let (router, doc) = routes_with_docs().split_for_parts();
    router.route("/openapi.json", get(move || async move { Json(doc.clone()) })).fallback(not_found)
}

/// Every unknown `/api` path.
pub async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("no API route at {}", uri.path()))
}
