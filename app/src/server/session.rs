//! Sign-in, sign-up and sign-out for the browser: tokens go into HttpOnly
//! cookies, never into page script.

use domain::accounts::{cookies, TokenPair};
use http::header::SET_COOKIE;
use http::HeaderValue;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use super::{accounts, client, principal, SessionSettings};
use crate::dto::CurrentUser;
use crate::error::AppError;

fn secure() -> bool {
    use_context::<SessionSettings>().is_some_and(|s| s.secure_cookies)
}

fn set_cookies(values: [String; 2]) {
    if let Some(response) = use_context::<ResponseOptions>() {
        for value in values {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.append_header(SET_COOKIE, value);
            }
        }
    }
}

fn start_session(pair: &TokenPair) {
    set_cookies(cookies::set(pair, secure()));
}

/// The caller as the UI sees them, or `None` for a visitor.
pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    Ok(principal().map(|p| CurrentUser { id: p.user_id.to_string(), email: p.email, role: p.role }))
}

/// Signs in, sets the session cookies and sends the browser to the dashboard.
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    let (pair, _) = accounts()?.signin(&email, &password, &client()).await?;
    start_session(&pair);
    leptos_axum::redirect("/dashboard");
    Ok(())
}

/// Creates the account, signs in and sends the browser to the dashboard.
pub async fn sign_up(email: String, password: String) -> Result<(), AppError> {
    let accounts = accounts()?;
    accounts.signup(&email, &password, None, &client()).await?;
    let (pair, _) = accounts.signin(&email, &password, &client()).await?;
    start_session(&pair);
    leptos_axum::redirect("/dashboard");
    Ok(())
}

/// Ends the session, clears the cookies and sends the browser to sign in.
pub async fn sign_out() -> Result<(), AppError> {
    if let Some(principal) = principal() {
        accounts()?.end_session(&principal).await?;
    }
    set_cookies(cookies::clear(secure()));
    leptos_axum::redirect("/signin");
    Ok(())
}
