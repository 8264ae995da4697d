//! The browser session: reads the session cookies, refreshes an expired
//! access token transparently, and makes the caller known to handlers and
//! pages through the request's extensions.

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use domain::accounts::sessions::{self, ReusePolicy};
use domain::accounts::{cookies, AccountError};

use crate::state::AppState;

/// Paths that never need to know the caller (static assets).
fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/echarts.min.js" || path.starts_with("/favicon")
}

/// Authenticates cookie-carrying requests and rotates their tokens when the
/// access token has expired.
pub async fn cookie_session(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let client =
        super::extract::client_info(req.headers(), req.extensions(), &state.config.trusted_proxies);
    req.extensions_mut().insert(client.clone());
    let bearer = req.headers().contains_key(AUTHORIZATION);
    let header =
        req.headers().get(COOKIE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    // Over HTTPS only the `__Host-` names count: a plain-named cookie may
    // have been planted by a sibling subdomain.
    let secure = state.config.is_https();
    let names = cookies::CookieNames::for_mode(secure);
    let access = cookies::find(&header, names.access);
    let refresh = cookies::find(&header, names.refresh);
    if bearer || is_static(req.uri().path()) || (access.is_none() && refresh.is_none()) {
        return next.run(req).await;
    }

    let mut set_cookies: Vec<String> = Vec::new();
    let mut principal = match access {
        Some(token) => state.accounts.authenticate(token).await.ok(),
        None => None,
    };
    if let (None, Some(refresh)) = (&principal, refresh) {
        // Two tabs refreshing at once share one cookie jar: a reuse this
        // recent is the other tab, not a thief.
        let grace = ReusePolicy::Grace(sessions::BROWSER_GRACE);
        match state.accounts.refresh(refresh, grace, &client).await {
            Ok(pair) => {
                principal = state.accounts.authenticate(&pair.access_token).await.ok();
                set_cookies.extend(cookies::set(&pair, secure));
            }
            Err(AccountError::Database(err)) => {
                tracing::error!(error = %err, "session refresh failed");
            }
            Err(_) => set_cookies.extend(cookies::clear(secure)),
        }
    }
    if let Some(principal) = principal {
        req.extensions_mut().insert(principal);
    }

    let mut response = next.run(req).await;
    for cookie in set_cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}
