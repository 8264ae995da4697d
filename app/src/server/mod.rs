//! The server side of the server functions (compiled with `ssr` only): reads
//! what the request carries, calls the domain services and turns their
//! answers into the DTOs pages show.

pub mod account;
pub mod admin;
pub mod channels;
mod convert;
pub mod dns;
mod errors;
pub mod heartbeats;
pub mod history;
pub mod maintenance;
pub mod monitors;
pub mod page_incidents;
mod ports;
pub mod runners;
pub mod session;
pub mod status;
pub mod status_pages;

use domain::accounts::{AccountService, AdminGrant, ClientInfo, Principal};
use domain::channels::ChannelService;
use domain::monitors::MonitorService;
use domain::DatabaseConnection;
use http::StatusCode;
use leptos::prelude::*;
use uuid::Uuid;

pub use ports::{Ports, ServerPorts};

use crate::error::AppError;

/// Settings of the browser session, provided by the server per request.
#[derive(Debug, Clone, Copy)]
pub struct SessionSettings {
    /// Mark cookies `Secure` (the app is served over HTTPS).
    pub secure_cookies: bool,
}

/// The account service from the request's context.
pub fn accounts() -> Result<AccountService, AppError> {
    use_context::<AccountService>().ok_or_else(AppError::internal)
}

/// The monitor service from the request's context.
pub fn monitor_service() -> Result<MonitorService, AppError> {
    use_context::<MonitorService>().ok_or_else(AppError::internal)
}

/// The channel service from the request's context.
pub fn channel_service() -> Result<ChannelService, AppError> {
    use_context::<ChannelService>().ok_or_else(AppError::internal)
}

/// The database, for the history queries.
pub fn database() -> Result<DatabaseConnection, AppError> {
    use_context::<DatabaseConnection>().ok_or_else(AppError::internal)
}

/// What only the server binary can do (queues, sending test messages).
pub fn ports() -> Result<Ports, AppError> {
    use_context::<Ports>().ok_or_else(AppError::internal)
}

/// The caller, as the session middleware found them.
pub fn principal() -> Option<Principal> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Principal>().cloned())
}

/// The signed-in caller, or 401.
pub fn signed_in() -> Result<Principal, AppError> {
    principal().ok_or_else(|| AppError::unauthorized("sign in to continue"))
}

/// The signed-in admin, or 401/403.
pub fn admin() -> Result<AdminGrant, AppError> {
    signed_in()?.as_admin().ok_or_else(|| AppError::forbidden("this needs the ADMIN role"))
}

/// An id from the page's URL; a malformed one is simply not found.
pub fn parse_id(raw: &str, what: &str) -> Result<Uuid, AppError> {
    raw.trim().parse().map_err(|_| AppError::not_found(format!("{what} not found")))
}

/// Where the request came from.
pub fn client() -> ClientInfo {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientInfo>().cloned())
        .unwrap_or_default()
}

/// Sets the HTTP status of a failed server-function call to match the
/// error, so logs and proxies see a 4xx for a user's mistake, not a 500.
/// A page render that calls the function in-process keeps its own status
/// (a resource failing must not turn the page into an error response).
pub fn with_status(err: AppError) -> AppError {
    // The kind's status, from the table the REST API uses too.
    let status =
        StatusCode::from_u16(err.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let server_fn_call = use_context::<http::request::Parts>()
        .is_some_and(|parts| parts.uri.path().starts_with(RPC_PREFIX));
    if let (true, Some(response)) = (server_fn_call, use_context::<leptos_axum::ResponseOptions>())
    {
        response.set_status(status);
    }
    err
}

/// Where the server functions are mounted (`#[server(prefix = "/rpc")]`).
const RPC_PREFIX: &str = "/rpc/";
