//! Cross-site request guard. Cookies ride along with any request a browser
//! makes, so a state-changing request that relies on them (or that posts to
//! a page or form endpoint) must come from our own origin. Bearer-token API
//! calls carry no ambient authority and pass.

use axum::extract::{Request, State};
use axum::http::header::{COOKIE, HOST, ORIGIN};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::accounts::cookies;

use crate::api::error::ApiError;
use crate::state::AppState;

/// Refuses cross-site state-changing requests that could act with the
/// browser's session.
pub async fn same_origin_only(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // Pings ignore the session: nothing a cross-site page could borrow.
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || crate::ping::is_ping_path(req.uri().path())
    {
        return next.run(req).await;
    }
    let headers = req.headers();
    let has_session =
        headers.get(COOKIE).and_then(|v| v.to_str().ok()).is_some_and(cookies::has_session);
    let api = req.uri().path().starts_with("/api/");
    if !has_session && api {
        return next.run(req).await;
    }

    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let origin = headers.get(ORIGIN).and_then(|v| v.to_str().ok());
    let same_origin = match (fetch_site, origin) {
        (Some(site), _) => site == "same-origin" || site == "none",
        (None, Some(origin)) => {
            let host = headers.get(HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
            origin == state.config.public_url()
                || origin.split_once("://").is_some_and(|(_, rest)| rest == host)
        }
        // Neither header: not a browser, so no ambient cookie risk unless it
        // sends our session cookie.
        (None, None) => !has_session,
    };
    if same_origin {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), ?origin, ?fetch_site, "cross-site request refused");
        ApiError::Forbidden("cross-site request refused".into()).into_response()
    }
}
