//! The Leptos app: server-side rendering of every page, the static assets of
//! the site root, and the page-only security headers.

use std::sync::Arc;

use axum::http::{header, HeaderValue};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes, ResponseOptions};

use crate::config::Config;
use crate::ports::WebPorts;
use crate::state::AppState;

/// The name of the built wasm/js/css bundle (`pkg/runstate.*`).
pub const OUTPUT_NAME: &str = "runstate";

/// Leptos's options, from our typed configuration rather than its env vars.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(config.site_root().display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.bind)
        .build()
}

/// The page routes, server functions and static files; anything unknown
/// renders the 404 page.
pub fn router(state: &AppState) -> Router<AppState> {
    let routes = generate_route_list(app::App);
    let options = state.leptos.clone();
    let context = page_context(state);
    Router::new()
        .leptos_routes_with_context(state, routes, context.clone(), move || {
            app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            context,
            app::shell,
        ))
        .layer(axum::middleware::from_fn(bad_arguments_are_400))
}

/// server_fn answers every error raised before our code runs with a 500,
/// unreadable arguments included; those say `bad_request` (`app::error`),
/// and the caller gets a 400 instead.
async fn bad_arguments_are_400(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let rpc = request.uri().path().starts_with("/rpc/");
    let response = next.run(request).await;
    if !rpc || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // An error body is a short JSON object; anything larger is not one of these.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let code = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("code").and_then(|c| c.as_str()).map(str::to_owned));
    if code.as_deref() == Some("bad_request") {
        parts.status = StatusCode::BAD_REQUEST;
        parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// What pages and server functions get from the server for each request:
/// the domain services (status pages for their public read), the database for history queries, the server's
/// ports (queues, test messages), session settings and the page's security
/// policy. All are cheap clones of shared handles.
fn page_context(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let accounts = state.accounts.clone();
    let monitors = state.monitors.clone();
    let channels = state.channels.clone();
    let heartbeats = app::server::heartbeats::Heartbeats {
        service: state.heartbeats.clone(),
        public_url: state.config.public_url(),
    };
    let page_service = state.status_pages.clone();
    let status_pages = app::server::status_pages::StatusPages {
        service: state.status_pages.clone(),
        public_url: state.config.public_url(),
    };
    let maintenance = state.maintenance.clone();
    let subscribers = state.subscribers.clone();
    let db = state.db.clone();
    let ports = app::server::Ports(Arc::new(WebPorts(state.clone())));
    let settings = app::server::SessionSettings { secure_cookies: state.config.is_https() };
    move || {
        provide_context(accounts.clone());
        provide_context(monitors.clone());
        provide_context(channels.clone());
        provide_context(heartbeats.clone());
        provide_context(subscribers.clone());
        provide_context(status_pages.clone());
        provide_context(page_service.clone());
        provide_context(maintenance.clone());
        provide_context(db.clone());
        provide_context(ports.clone());
        provide_context(settings);
        set_content_security_policy();
    }
}

/// Allows our own scripts (the hydration script by its per-response nonce,
/// the wasm module, echarts) and nothing from elsewhere.
fn set_content_security_policy() {
    let (Some(nonce), Some(response)) =
        (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
    else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}
