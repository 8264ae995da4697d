//! The REST API under `/api/v1`: RunState's contract and our superset.

mod account;
mod admin;
mod assertions;
mod auth;
mod badges;
mod certificates;
mod channels;
mod dns;
mod doc;
mod domains;
pub mod envelope;
pub mod error;
pub mod extract;
mod health;
mod heartbeats;
mod history;
mod incidents;
mod maintenance;
mod monitors;
mod overview;
mod page_domains;
mod page_password;
mod public_incidents;
mod public_status;
mod runners;
mod slack;
mod status_pages;
mod subscribers;
mod tokens;
mod websites;

use axum::http::{header, HeaderValue, Method};
use axum::routing::get;
use axum::{Json, Router};
use tower_http::cors::{AllowOrigin, CorsLayer};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::config::Config;
use crate::state::AppState;
use error::ApiError;

/// The OpenAPI document of every route below, generated from the code.
pub fn openapi() -> utoipa::openapi::OpenApi {
    doc::complete(routes_with_docs().into_openapi())
}

fn routes_with_docs() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(doc::ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(auth::signup))
        .routes(routes!(auth::signin))
        .routes(routes!(auth::me))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(account::change_password))
        .routes(routes!(account::list_sessions))
        .routes(routes!(account::end_session))
        .routes(routes!(tokens::list_tokens, tokens::create_token))
        .routes(routes!(tokens::revoke_token))
        .routes(routes!(tokens::create_token_for))
        .routes(routes!(admin::list_users))
        .routes(routes!(admin::update_user, admin::delete_user))
        .routes(routes!(admin::invite))
        .routes(routes!(overview::overview))
        .routes(routes!(monitors::list, monitors::create))
        .routes(routes!(monitors::get, monitors::update, monitors::delete))
        .routes(routes!(monitors::pause))
        .routes(routes!(monitors::resume))
        .routes(routes!(heartbeats::pings))
        .routes(routes!(heartbeats::rotate))
        .routes(routes!(websites::list, websites::create))
        .routes(routes!(websites::get, websites::delete))
        .routes(routes!(websites::checks))
        .routes(routes!(websites::response_times))
        .routes(routes!(websites::incidents))
        .routes(routes!(websites::notifications))
        .routes(routes!(history::checks))
        .routes(routes!(history::stats))
        .routes(routes!(history::incidents))
        .routes(routes!(history::notifications))
        .routes(routes!(certificates::certificate))
        .routes(routes!(domains::registration))
        .routes(routes!(incidents::list))
        .routes(routes!(incidents::get))
        .routes(routes!(incidents::acknowledge))
        .routes(routes!(channels::list_channels, channels::create_channel))
        .routes(routes!(channels::get_channel, channels::update_channel, channels::delete_channel))
        .routes(routes!(channels::test_channel))
        .routes(routes!(dns::answers))
        .routes(routes!(dns::accept))
        .routes(routes!(runners::list))
        .routes(routes!(runners::outages))
        .routes(routes!(runners::forget))
        .routes(routes!(slack::list, slack::create))
        .routes(routes!(slack::get, slack::update, slack::delete))
        .routes(routes!(slack::command))
        .routes(routes!(status_pages::list, status_pages::create))
        .routes(routes!(status_pages::get, status_pages::update, status_pages::delete))
        .routes(routes!(status_pages::get_components, status_pages::replace_components))
        .routes(routes!(page_domains::get, page_domains::replace))
        .routes(routes!(page_password::get, page_password::set))
        .routes(routes!(public_incidents::list, public_incidents::create))
        .routes(routes!(public_incidents::get, public_incidents::update, public_incidents::delete))
        .routes(routes!(public_incidents::post_update))
        .routes(routes!(public_incidents::edit_update, public_incidents::delete_update))
        .routes(routes!(public_status::read))
        .routes(routes!(subscribers::subscribe))
        .routes(routes!(subscribers::list))
        .routes(routes!(subscribers::export))
        .routes(routes!(subscribers::delete))
        .routes(routes!(badges::page))
        .routes(routes!(badges::component))
        .routes(routes!(maintenance::list, maintenance::create))
        .routes(routes!(maintenance::get, maintenance::update, maintenance::delete))
}

/// The `/api/v1` router; unknown paths get a 404 and wrong methods a 405,
/// both in the envelope.
pub fn router(config: &Config) -> Router<AppState> {
    let (router, doc) = routes_with_docs().split_for_parts();
    let doc = doc::complete(doc);
    router
        .route("/openapi.json", get(move || async move { Json(doc.clone()) }))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .layer(cors(&config.cors_origins))
}

/// Browsers on the configured origins may call the API with bearer tokens
/// (no cookies cross-origin).
fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(3600))
}

/// Every unknown `/api` path.
pub async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("no API route at {}", uri.path()))
}

async fn method_not_allowed(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{method} is not allowed on {}", uri.path()))
}
