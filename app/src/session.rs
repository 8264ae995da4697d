//! Server functions of the browser session: who is signed in, sign-in,
//! sign-up and sign-out. Their bodies only delegate to `crate::server`.

use leptos::prelude::*;

use crate::dto::CurrentUser;
use crate::error::AppError;

/// The signed-in user, or `None`.
#[server(prefix = "/rpc", endpoint = "current_user")]
pub async fn fetch_current_user() -> Result<Option<CurrentUser>, AppError> {
    crate::server::session::current_user().await.map_err(crate::server::with_status)
}

/// Signs in and stores the session in HttpOnly cookies.
#[server(prefix = "/rpc", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    crate::server::session::sign_in(email, password).await.map_err(crate::server::with_status)
}

/// Creates an account, then signs in.
#[server(prefix = "/rpc", endpoint = "sign_up")]
pub async fn sign_up(email: String, password: String) -> Result<(), AppError> {
    crate::server::session::sign_up(email, password).await.map_err(crate::server::with_status)
}

/// Ends the session and removes its cookies.
#[server(prefix = "/rpc", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    crate::server::session::sign_out().await.map_err(crate::server::with_status)
}
