//! `/api/v1/channels`: notification channels (Slack, signed webhooks, email)
//! and their test message. Secrets are write-only: answers show them masked,
//! except a generated webhook secret, shown once in the create answer.

use axum::extract::State;
use domain::channels::{
    ChannelDisplay, ChannelInput, ChannelKind, ChannelPatch, ChannelScope, ChannelView, EmailInput,
    SlackInput, SlackPatch, WebhookInput, WebhookPatch,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::envelope::{Envelope, NoData};
use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Path, Query};
use crate::auth::Auth;
use crate::state::AppState;

/// A Slack incoming webhook. Answers show the URL masked.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Slack {
    /// `https://hooks.slack.com/services/…` (write-only).
    pub webhook_url: String,
}

/// A webhook signed per the Standard Webhooks spec.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Webhook {
    /// The receiver's http(s) URL (write-only).
    pub url: String,
    /// `whsec_` + base64 of 24 to 64 bytes; generated when absent (write-only).
    #[serde(default)]
    pub secret: Option<String>,
}

/// Email recipients (SMTP is server configuration).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Email {
    /// 1 to 10 addresses.
    pub to: Vec<String>,
}

/// A new channel: `name`, `kind` and the block matching `kind`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChannelRequest {
    /// 1 to 100 characters, trimmed.
    #[schema(max_length = 100, pattern = r"\S")]
    pub name: String,
    pub kind: ChannelKind,
    pub slack: Option<Slack>,
    pub webhook: Option<Webhook>,
    pub email: Option<Email>,
}

/// Changes to a Slack channel.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SlackChanges {
    pub webhook_url: Option<String>,
}

/// Changes to a webhook channel (a new URL, a new secret, or both).
#[derive(Debug, Deserialize, ToSchema)]
pub struct WebhookChanges {
    pub url: Option<String>,
    pub secret: Option<String>,
}

/// Changes to a channel; absent fields, and masked values sent back, stay.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChannelChanges {
    pub name: Option<String>,
    /// Must be the channel's current kind when given.
    pub kind: Option<ChannelKind>,
    pub slack: Option<SlackChanges>,
    pub webhook: Option<WebhookChanges>,
    pub email: Option<Email>,
}

/// A channel; only the block matching `kind` is present.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChannelBody {
    pub id: Uuid,
    pub name: String,
    pub kind: ChannelKind,
    pub owner_id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slack: Option<Slack>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook: Option<Webhook>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<ChannelView> for ChannelBody {
    fn from(view: ChannelView) -> Self {
        let (mut slack, mut webhook, mut email) = (None, None, None);
        match view.settings {
            ChannelDisplay::Slack { webhook_url } => slack = Some(Slack { webhook_url }),
            ChannelDisplay::Webhook { url, secret } => {
                webhook = Some(Webhook { url, secret: Some(secret) })
            }
            ChannelDisplay::Email { to } => email = Some(Email { to }),
        }
        Self {
            id: view.id,
            name: view.name,
            kind: view.kind,
            owner_id: view.owner_id,
            slack,
            webhook,
            email,
            created_at: view.created_at,
            updated_at: view.updated_at,
        }
    }
}

/// `data` of the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChannelList {
    pub channels: Vec<ChannelBody>,
    /// Always null: every channel fits in one page.
    pub next_cursor: Option<String>,
}

/// Which channels to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Every user's channels (ADMIN only).
    #[serde(default)]
    #[param(required = false, value_type = String, pattern = "^(true|false)$")]
    pub all: bool,
}

/// What a test message did.
#[derive(Debug, Serialize, ToSchema)]
pub struct TestOutcome {
    pub delivered: bool,
    /// The receiver's HTTP status or SMTP reply code, when it answered.
    pub status_code: Option<u16>,
    /// Why it was not delivered.
    pub error: Option<String>,
    pub duration_ms: u64,
}

/// The caller's channels (every user's with `all=true`, for admins).
#[utoipa::path(get, path = "/channels", tag = "channels", security(("bearer" = [])),
    params(ListParams),
    responses((status = 200, body = Envelope<ChannelList>), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn list_channels(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Query(params): Query<ListParams>,
) -> Result<Envelope<ChannelList>, ApiError> {
    let scope = if params.all { ChannelScope::All } else { ChannelScope::Own };
    let channels = state.channels.list(&principal, scope).await?;
    Ok(Envelope::ok(ChannelList {
        channels: channels.into_iter().map(ChannelBody::from).collect(),
        next_cursor: None,
    }))
}

/// Creates a channel. A generated webhook secret is in `webhook.secret`, in
/// full, in this answer only.
#[utoipa::path(post, path = "/channels", tag = "channels", security(("bearer" = [])),
    request_body = ChannelRequest,
    responses((status = 201, body = Envelope<ChannelBody>), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "`quota_exceeded`: the user owns --max-channels-per-user already"),
              (status = 422, body = ErrorBody)))]
pub async fn create_channel(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Json(body): Json<ChannelRequest>,
) -> Result<Envelope<ChannelBody>, ApiError> {
    let input = ChannelInput {
        name: body.name,
        kind: body.kind,
        slack: body.slack.map(|s| SlackInput { webhook_url: s.webhook_url }),
        webhook: body.webhook.map(|w| WebhookInput { url: w.url, secret: w.secret }),
        email: body.email.map(|e| EmailInput { to: e.to }),
    };
    let (view, generated) = state.channels.create(&principal, input).await?;
    let mut channel = ChannelBody::from(view);
    let Some(secret) = generated else {
        return Ok(Envelope::created(channel));
    };
    if let Some(webhook) = channel.webhook.as_mut() {
        webhook.secret = Some(secret);
    }
    Ok(Envelope::created(channel)
        .with_message("store the signing secret now: it is not shown again"))
}

/// One channel, secrets masked.
#[utoipa::path(get, path = "/channels/{id}", tag = "channels", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The channel's id")),
    responses((status = 200, body = Envelope<ChannelBody>), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn get_channel(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<ChannelBody>, ApiError> {
    Ok(Envelope::ok(state.channels.get(&principal, id).await?.into()))
}

/// Renames a channel or replaces its settings; its kind cannot change.
#[utoipa::path(patch, path = "/channels/{id}", tag = "channels", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The channel's id")),
    request_body = ChannelChanges,
    responses((status = 200, body = Envelope<ChannelBody>), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_channel(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<ChannelChanges>,
) -> Result<Envelope<ChannelBody>, ApiError> {
    let patch = ChannelPatch {
        name: body.name,
        kind: body.kind,
        slack: body.slack.map(|s| SlackPatch { webhook_url: s.webhook_url }),
        webhook: body.webhook.map(|w| WebhookPatch { url: w.url, secret: w.secret }),
        email: body.email.map(|e| EmailInput { to: e.to }),
    };
    Ok(Envelope::ok(state.channels.update(&principal, id, patch).await?.into()))
}

/// Deletes a channel; monitors stop notifying it.
#[utoipa::path(delete, path = "/channels/{id}", tag = "channels", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The channel's id")),
    responses((status = 200, body = Envelope<NoData>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_channel(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<NoData>, ApiError> {
    state.channels.delete(&principal, id).await?;
    Ok(Envelope::ok(NoData).with_message("channel deleted"))
}

/// Sends a test message now (not through the queue). A receiver that fails
/// is still a 200, with `delivered: false` and the reason. Throttled per
/// user and per channel: 429 with Retry-After beyond either limit.
#[utoipa::path(post, path = "/channels/{id}/test", tag = "channels", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The channel's id")),
    responses((status = 200, body = Envelope<TestOutcome>), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn test_channel(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<TestOutcome>, ApiError> {
    let channel = state.channels.delivery_for(&principal, id).await?;
    let link = format!("{}/channels", state.config.public_url());
    let report =
        jobs::notify::send_test(&state.outbound, state.smtp.as_deref(), &channel, link).await;
    let outcome = TestOutcome {
        delivered: report.delivered,
        status_code: report.status_code,
        error: report.error,
        duration_ms: report.duration_ms,
    };
    Ok(Envelope::ok(outcome))
}
