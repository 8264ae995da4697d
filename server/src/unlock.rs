//! The password form of a protected status page: `POST /status/{slug}/unlock`
//! with `password`. The right password sets the page's pass cookie and sends
//! the visitor back to the page; a wrong one, or too many attempts, sends
//! them back with `?error=wrong` or `?error=throttled`, which the page shows.
//! A plain form post and a redirect, so it works without JavaScript.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Extension, Form, Router};
use domain::status_pages::PageError;
use serde::Deserialize;

use crate::auth::Client;
use crate::state::AppState;

/// The form's field.
#[derive(Debug, Deserialize)]
pub struct UnlockForm {
    password: String,
}

/// The route.
pub fn router() -> Router<AppState> {
    Router::new().route("/status/{slug}/unlock", post(unlock))
}

async fn unlock(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Client(client): Client,
    plain: Option<Extension<app::PlainPage>>,
    Form(form): Form<UnlockForm>,
) -> Response {
    // On its custom domain the page is at `/`.
    let page = if plain.is_some() { "/".to_owned() } else { format!("/status/{slug}") };
    match state.status_pages.unlock(&slug, &form.password, client.key()).await {
        Ok(pass) => {
            let mut response = Redirect::to(&page).into_response();
            if let Ok(cookie) = HeaderValue::from_str(&pass.set_cookie(state.config.is_https())) {
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(PageError::WrongPassword) => {
            Redirect::to(&format!("{page}?error=wrong")).into_response()
        }
        Err(PageError::Throttled { .. } | PageError::Busy { .. }) => {
            Redirect::to(&format!("{page}?error=throttled")).into_response()
        }
        Err(PageError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(error = %err, "status page unlock failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
