//! The subscription forms of status pages, plain HTML that works without
//! JavaScript (decision 128):
//! - `POST /status/{slug}/subscribe` with `email` (and any number of
//!   `component` ids; none: the whole page): sends the confirmation
//!   mail and returns the visitor to the page with `?subscribe=sent` (or
//!   `invalid`, `throttled`, or `unavailable` on a server that sends no
//!   email), which the page shows;
//! - `/status/{slug}/subscription/confirm?token=…`: GET shows a button,
//!   POST confirms. A link scanner that fetches the mail's link therefore
//!   confirms nothing: only a person's click does;
//! - `/status/{slug}/subscription/unsubscribe?token=…`: GET shows a button,
//!   POST unsubscribes; the POST is also RFC 8058's one-click target, which
//!   mail clients call with `List-Unsubscribe=One-Click`.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use domain::status_pages::incidents::markdown::escape;
use domain::status_pages::SubscriberError;
use serde::Deserialize;

use crate::auth::Client;
use crate::state::AppState;

/// The subscribe form's fields: `email`, and a `component` per box ticked
/// (a repeated key, which serde's urlencoded reader does not collect).
#[derive(Debug, Default)]
struct SubscribeForm {
    email: String,
    components: Vec<String>,
}

impl SubscribeForm {
    fn parse(body: &[u8]) -> Self {
        let mut form = Self::default();
        for (key, value) in form_urlencoded::parse(body) {
            match key.as_ref() {
                "email" => form.email = value.into_owned(),
                "component" => form.components.push(value.into_owned()),
                _ => {}
            }
        }
        form
    }

    /// The chosen components; `None` when a value is not an id.
    fn component_ids(&self) -> Option<Vec<uuid::Uuid>> {
        self.components.iter().map(|raw| raw.parse().ok()).collect()
    }
}

/// The token of a confirmation or unsubscribe link.
#[derive(Debug, Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    token: String,
}

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/status/{slug}/subscribe", post(subscribe))
        .route("/status/{slug}/subscription/confirm", get(confirm_form).post(confirm))
        .route("/status/{slug}/subscription/unsubscribe", get(unsubscribe_form).post(unsubscribe))
}

async fn subscribe(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Client(client): Client,
    plain: Option<Extension<app::PlainPage>>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = SubscribeForm::parse(&body);
    // On its custom domain the page is at `/`.
    let page = if plain.is_some() { "/".to_owned() } else { format!("/status/{slug}") };
    let cookies =
        headers.get(axum::http::header::COOKIE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let pass = domain::status_pages::pass_in(cookies, &slug);
    if state.smtp.is_none() {
        return match state.subscribers.check_open(&slug, pass).await {
            Ok(()) => Redirect::to(&format!("{page}?subscribe=unavailable#subscribe")),
            Err(SubscriberError::Locked) => Redirect::to(&page),
            Err(SubscriberError::NotFound) => return StatusCode::NOT_FOUND.into_response(),
            Err(err) => {
                tracing::error!(error = %err, "status page subscription failed");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        }
        .into_response();
    }
    let Some(chosen) = form.component_ids() else {
        return Redirect::to(&format!("{page}?subscribe=invalid#subscribe")).into_response();
    };
    let chosen = (!chosen.is_empty()).then_some(chosen.as_slice());
    let outcome = match state
        .subscribers
        .subscribe_email(&slug, pass, &form.email, chosen, client.key())
        .await
    {
        Ok(()) => "sent",
        Err(SubscriberError::Invalid { .. }) => "invalid",
        Err(SubscriberError::Throttled { .. }) => "throttled",
        Err(SubscriberError::Locked) => return Redirect::to(&page).into_response(),
        Err(SubscriberError::NotFound) => return StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(error = %err, "status page subscription failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    Redirect::to(&format!("{page}?subscribe={outcome}#subscribe")).into_response()
}

async fn confirm_form(Query(link): Query<LinkQuery>) -> Response {
    let action = format!("?token={}", escape(&link.token));
    page(
        StatusCode::OK,
        "Confirm your subscription",
        &format!(
            "<p>Confirm that this address should receive the page's notices.</p>\
             <form method=\"post\" action=\"{action}\"><button type=\"submit\">Confirm \
             subscription</button></form>"
        ),
    )
}

async fn confirm(State(state): State<AppState>, Query(link): Query<LinkQuery>) -> Response {
    match state.subscribers.confirm(&link.token).await {
        Ok(done) => page(
            StatusCode::OK,
            "Subscribed",
            &format!(
                "<p>You will receive notices from <a href=\"/status/{slug}\">{title}</a>. Every \
                 mail has a link to unsubscribe.</p>",
                slug = escape(&done.page_slug),
                title = escape(&done.page_title)
            ),
        ),
        Err(err) => link_error(err),
    }
}

async fn unsubscribe_form(Query(link): Query<LinkQuery>) -> Response {
    let action = format!("?token={}", escape(&link.token));
    page(
        StatusCode::OK,
        "Unsubscribe",
        &format!(
            "<p>Stop receiving this page's notices?</p><form method=\"post\" \
             action=\"{action}\"><button type=\"submit\">Unsubscribe</button></form>"
        ),
    )
}

async fn unsubscribe(State(state): State<AppState>, Query(link): Query<LinkQuery>) -> Response {
    match state.subscribers.unsubscribe(&link.token).await {
        Ok(done) => page(
            StatusCode::OK,
            "Unsubscribed",
            &format!(
                "<p>You will receive no more notices from <a href=\"/status/{slug}\">{title}</a>.</p>",
                slug = escape(&done.page_slug),
                title = escape(&done.page_title)
            ),
        ),
        Err(err) => link_error(err),
    }
}

fn link_error(err: SubscriberError) -> Response {
    match err {
        SubscriberError::Expired => page(
            StatusCode::GONE,
            "This link has expired",
            "<p>Confirmation links work for 24 hours. Subscribe again on the status page.</p>",
        ),
        SubscriberError::BadLink | SubscriberError::NotFound => page(
            StatusCode::BAD_REQUEST,
            "This link is not valid",
            "<p>Copy the whole link from the mail, or subscribe again on the status page.</p>",
        ),
        err => {
            tracing::error!(error = %err, "status page subscription link failed");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "<p>Try again later.</p>",
            )
        }
    }
}

/// A small page of its own: no script, no session, not indexed.
fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{title}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;\
         padding:0 1rem;line-height:1.5}}button{{font:inherit;padding:.5rem 1rem}}</style>\
         </head><body><h1>{title}</h1>{body}</body></html>\n",
        title = escape(title)
    );
    (status, Html(html)).into_response()
}
