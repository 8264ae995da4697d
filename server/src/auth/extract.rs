//! Extractors: [`Auth`] for any signed-in caller, [`Admin`] for admins,
//! [`Client`] for where a request came from.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{AUTHORIZATION, USER_AGENT};
use axum::http::request::Parts;
use axum::http::Method;
use axum::http::{Extensions, HeaderMap};
use domain::accounts::api_tokens::TOKEN_PREFIX;
use domain::accounts::{AdminGrant, ClientInfo, Principal};
use ipnet::IpNet;

use crate::api::error::ApiError;
use crate::state::AppState;

/// A signed-in caller, by `Authorization: Bearer` (an access token, or an
/// API token `rs_…` within its scope) or the session cookie.
#[derive(Debug, Clone)]
pub struct Auth(pub Principal);

/// A signed-in admin; anyone else gets 403 (401 when not signed in).
#[derive(Debug, Clone)]
pub struct Admin(pub AdminGrant);

/// The caller's address and user agent.
#[derive(Debug, Clone)]
pub struct Client(pub ClientInfo);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(header) = parts.headers.get(AUTHORIZATION) {
            let token = header
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| {
                    ApiError::Unauthorized(
                        "the Authorization header must be `Bearer <token>`".into(),
                    )
                })?;
            if !token.starts_with(TOKEN_PREFIX) {
                return Ok(Self(state.accounts.authenticate(token).await?));
            }
            let principal = state.accounts.authenticate_api_token(token).await?;
            let reads = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
            if !reads && principal.token_scope().is_some_and(|scope| !scope.may_write()) {
                return Err(ApiError::Forbidden("this API token may only read".into()));
            }
            return Ok(Self(principal));
        }
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .map(Self)
            .ok_or_else(|| ApiError::Unauthorized("sign in first: no access token was sent".into()))
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Auth(principal) = Auth::from_request_parts(parts, state).await?;
        let grant = principal
            .as_admin()
            .ok_or_else(|| ApiError::Forbidden("this needs the ADMIN role".into()))?;
        Ok(Self(grant))
    }
}

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // The session layer has already worked it out for this request.
        if let Some(client) = parts.extensions.get::<ClientInfo>() {
            return Ok(Self(client.clone()));
        }
        Ok(Self(client_info(&parts.headers, &parts.extensions, &state.config.trusted_proxies)))
    }
}

/// The client's address (the TCP peer, or what the trusted proxies say it
/// is: see `client.rs`) and the user agent.
pub fn client_info(headers: &HeaderMap, extensions: &Extensions, trusted: &[IpNet]) -> ClientInfo {
    let peer = extensions.get::<ConnectInfo<SocketAddr>>().map(|ci| ci.0.ip());
    ClientInfo {
        ip: super::client::client_ip(peer, headers, trusted).map(|ip| ip.to_string()),
        user_agent: headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(256).collect()),
    }
}
