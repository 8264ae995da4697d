//! Status page subscribers ([status-pages.md](../../../docs/status-pages.md#subscribers)):
//! visitors subscribe without a session (`/public/status/{slug}/subscribers`),
//! by email (202: a confirmation mail follows, whatever the address's
//! state) or by webhook (201 once a signed test delivery was answered 2xx,
//! with the secret deliveries are signed with); the page's owner lists,
//! exports (CSV) and removes them.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::monitors::{Read, Write};
use domain::status_pages::subscribers::{SubscriberKind, SubscriberState, SubscriberView};
use jobs::notify::subscribers::{send_test, Links};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::envelope::{Envelope, NoData};
use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Path};
use crate::auth::{Auth, Client};
use crate::state::AppState;

/// Why an email subscription is refused on a server that sends no mail.
pub const NO_MAIL: &str = "this server sends no email (RUNSTATE_SMTP_URL is not set): subscribe \
                           with a webhook or follow the page's feeds";

/// A subscription: by email or by webhook (exactly one).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = SubscribeRequest)]
#[serde(untagged)]
pub enum SubscribeRequest {
    Email(EmailSubscription),
    Webhook(WebhookSubscription),
}

/// Notices mailed to an address, after it confirms.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailSubscription {
    #[schema(max_length = 254)]
    pub email: String,
    /// Only notices about these components (ids of the page's components);
    /// absent or empty: the whole page.
    pub component_ids: Option<Vec<Uuid>>,
}

/// Notices posted to a URL (signed per Standard Webhooks), after a test
/// delivery is answered 2xx.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookSubscription {
    #[schema(max_length = 2048)]
    pub webhook_url: String,
    /// As for email.
    pub component_ids: Option<Vec<Uuid>>,
}

/// What happened to a subscription request.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SubscribeAnswer)]
pub struct SubscribeBody {
    pub kind: SubscriberKind,
    /// `pending` for an email (a confirmation mail is on its way), `active`
    /// for a webhook that answered its test delivery.
    pub state: SubscriberState,
    /// A webhook's id.
    pub id: Option<Uuid>,
    /// A webhook's signing secret (`whsec_…`), shown this once.
    pub secret: Option<String>,
}

/// One subscriber, as the page's owner sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StatusPageSubscriber)]
pub struct SubscriberBody {
    pub id: Uuid,
    pub kind: SubscriberKind,
    /// The email address or webhook URL.
    pub address: String,
    /// Null: the whole page.
    pub component_ids: Option<Vec<Uuid>>,
    pub state: SubscriberState,
    pub created_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub unsubscribed_at: Option<DateTime<Utc>>,
}

impl From<SubscriberView> for SubscriberBody {
    fn from(s: SubscriberView) -> Self {
        Self {
            id: s.id,
            kind: s.kind,
            address: s.address,
            component_ids: s.component_ids,
            state: s.state,
            created_at: s.created_at,
            confirmed_at: s.confirmed_at,
            unsubscribed_at: s.unsubscribed_at,
        }
    }
}

/// Subscribes to a published page's notices: incidents published, updated
/// and resolved; maintenance scheduled, started and ended.
#[utoipa::path(post, operation_id = "subscribe_to_status_page", path = "/public/status/{slug}/subscribers", tag = "status pages", params(("slug" = String, Path, description = "The page's slug")), request_body = SubscribeRequest,
    responses((status = 201, body = Envelope<SubscribeBody>, description = "a webhook answered its test delivery and is subscribed"),
              (status = 202, body = Envelope<SubscribeBody>, description = "a confirmation mail is on its way (the same answer for an address already subscribed)"),
              (status = 401, body = ErrorBody, description = "the page has a password and the request carries no pass for it"),
              (status = 404, body = ErrorBody, description = "no published page has this slug"),
              (status = 409, body = ErrorBody, description = "`field`: `webhook_url`, already subscribed"),
              (status = 422, body = ErrorBody, description = "`field`: `email` (also on a server that sends no email), `webhook_url` (also when the test delivery failed) or `component_ids[i]`"),
              (status = 429, body = ErrorBody, description = "too many requests from this client or to this address; see `Retry-After`")))]
pub async fn subscribe(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Client(client): Client,
    headers: HeaderMap,
    Json(request): Json<SubscribeRequest>,
) -> Result<Response, ApiError> {
    let cookies = headers.get(header::COOKIE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let pass = domain::status_pages::pass_in(cookies, &slug);
    match request {
        SubscribeRequest::Email(request) => {
            if state.smtp.is_none() {
                // The page's own answer (404, 401) first: the mail is the second question.
                state.subscribers.check_open(&slug, pass).await?;
                let field = "email".into();
                return Err(ApiError::Unprocessable { field, message: NO_MAIL.into() });
            }
            let components = request.component_ids.as_deref();
            state
                .subscribers
                .subscribe_email(&slug, pass, &request.email, components, client.key())
                .await?;
            let body = SubscribeBody {
                kind: SubscriberKind::Email,
                state: SubscriberState::Pending,
                id: None,
                secret: None,
            };
            let message = "check your mailbox: the subscription starts when its link is followed";
            Ok(Envelope::accepted(body).with_message(message).into_response())
        }
        SubscribeRequest::Webhook(request) => {
            let components = request.component_ids.as_deref();
            let url = &request.webhook_url;
            let pending =
                state.subscribers.begin_webhook(&slug, pass, url, components, client.key()).await?;
            let public_url = state.config.public_url();
            let links = Links { base: &public_url, key: state.subscribers.links() };
            let tested = send_test(
                &state.outbound,
                &links,
                pending.id,
                &pending.url,
                &pending.secret,
                &pending.page_slug,
                &pending.page_title,
            )
            .await;
            if let Err(err) = tested {
                let message =
                    format!("the test delivery failed: {}", domain::text::remote(&err.to_string()));
                return Err(ApiError::Unprocessable { field: "webhook_url".into(), message });
            }
            state.subscribers.activate_webhook(pending.id).await?;
            let body = SubscribeBody {
                kind: SubscriberKind::Webhook,
                state: SubscriberState::Active,
                id: Some(pending.id),
                secret: Some(pending.secret),
            };
            Ok(Envelope::created(body).into_response())
        }
    }
}

/// The page's subscribers, newest first (at most 10,000).
#[utoipa::path(get, operation_id = "list_status_page_subscribers", path = "/status-pages/{id}/subscribers", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<Vec<SubscriberBody>>), (status = 404, body = ErrorBody, description = "no such page, or another user's")))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<Vec<SubscriberBody>>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Read).await?;
    let subscribers = state.subscribers.list(&page).await?;
    Ok(Envelope::ok(subscribers.into_iter().map(SubscriberBody::from).collect()))
}

/// The page's subscribers as a CSV file.
#[utoipa::path(get, operation_id = "export_status_page_subscribers", path = "/status-pages/{id}/subscribers/export", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id")), security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String, description = "id, kind, address, components, state, created_at, confirmed_at, unsubscribed_at"),
              (status = 404, body = ErrorBody, description = "no such page, or another user's")))]
pub async fn export(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Read).await?;
    let csv = state.subscribers.csv(&page).await?;
    let name = format!("attachment; filename=\"{}-subscribers.csv\"", page.view().slug);
    let mut response = csv.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(value) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// Removes a subscriber; it is sent nothing more.
#[utoipa::path(delete, operation_id = "delete_status_page_subscriber", path = "/status-pages/{id}/subscribers/{subscriber_id}", tag = "status pages", params(("id" = Uuid, Path, description = "The page's id"), ("subscriber_id" = Uuid, Path, description = "The subscriber's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<NoData>), (status = 404, body = ErrorBody, description = "no such page or subscriber, or another user's")))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((id, subscriber_id)): Path<(Uuid, Uuid)>,
) -> Result<Envelope<NoData>, ApiError> {
    let page = state.status_pages.authorize(&caller, id, Write).await?;
    state.subscribers.remove(&page, subscriber_id).await?;
    Ok(Envelope::ok(NoData).with_message("subscriber removed"))
}
