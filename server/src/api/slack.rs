//! Slack: the integrations that slash commands verify against
//! (`/integrations/slack` CRUD, owner-scoped, the signing secret write-only)
//! and the slash-command endpoint itself, which Slack calls.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use chrono::{DateTime, Utc};
use domain::integrations::{self, SlackIntegrationInput, SlackIntegrationView, SlashCommand};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::envelope::{Envelope, NoData};
use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Path};
use crate::auth::Auth;
use crate::state::AppState;

/// A Slack integration to add, or the changes to one (absent fields stay).
/// Read as `domain::integrations::SlackIntegrationInput`; this is its
/// documentation.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = SlackIntegrationRequest)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct IntegrationRequest {
    /// Required on create.
    name: Option<String>,
    /// The Slack app's signing secret; required on create, write-only.
    signing_secret: Option<String>,
    /// The monitors this Slack workspace may query (the owner's).
    monitor_ids: Option<Vec<Uuid>>,
    /// The Slack app's id (`A0…`); learnt from the first verified command when not given.
    app_id: Option<String>,
    /// Server-owned fields a client may echo back: accepted and ignored.
    #[schema(read_only, value_type = Option<String>, format = Uuid)]
    id: Option<serde_json::Value>,
    #[schema(read_only, value_type = Option<String>, format = Uuid)]
    owner_id: Option<serde_json::Value>,
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    created_at: Option<serde_json::Value>,
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    updated_at: Option<serde_json::Value>,
}

/// A Slack integration; the signing secret masked.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SlackIntegration)]
pub struct IntegrationBody {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    /// Masked: `…` and the last four characters.
    pub signing_secret: String,
    pub monitor_ids: Vec<Uuid>,
    /// The Slack app's id (`A0…`); learnt from the first verified command when not given.
    pub app_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<SlackIntegrationView> for IntegrationBody {
    fn from(v: SlackIntegrationView) -> Self {
        Self {
            id: v.id,
            owner_id: v.owner_id,
            name: v.name,
            signing_secret: v.signing_secret,
            monitor_ids: v.monitor_ids,
            app_id: v.app_id,
            created_at: v.created_at,
            updated_at: v.updated_at,
        }
    }
}

/// `data` of the integration list.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntegrationList {
    pub integrations: Vec<IntegrationBody>,
    /// Always null: the list is whole.
    pub next_cursor: Option<String>,
}

/// What Slack shows the person who ran a command.
#[derive(Debug, ToSchema)]
#[schema(as = SlackCommandAnswer)]
#[allow(dead_code)]
pub struct CommandAnswer {
    /// Always `ephemeral`.
    response_type: String,
    text: String,
    /// Slack Block Kit blocks.
    blocks: Vec<serde_json::Value>,
}

/// The caller's Slack integrations.
#[utoipa::path(get, operation_id = "list_slack_integrations", path = "/integrations/slack", tag = "integrations", security(("bearer" = [])),
    responses((status = 200, body = Envelope<IntegrationList>)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
) -> Result<Envelope<IntegrationList>, ApiError> {
    let integrations =
        state.integrations.list(&caller).await?.into_iter().map(IntegrationBody::from).collect();
    Ok(Envelope::ok(IntegrationList { integrations, next_cursor: None }))
}

/// Adds a Slack integration: a signing secret and the monitors it may query.
#[utoipa::path(post, operation_id = "create_slack_integration", path = "/integrations/slack", tag = "integrations", request_body = IntegrationRequest, security(("bearer" = [])),
    responses((status = 201, body = Envelope<IntegrationBody>), (status = 403, body = ErrorBody, description = "`quota_exceeded`: the user owns --max-slack-integrations-per-user already"), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Json(input): Json<SlackIntegrationInput>,
) -> Result<Envelope<IntegrationBody>, ApiError> {
    Ok(Envelope::created(state.integrations.create(&caller, input).await?.into()))
}

/// One Slack integration.
#[utoipa::path(get, operation_id = "get_slack_integration", path = "/integrations/slack/{id}", tag = "integrations", params(("id" = Uuid, Path, description = "The integration's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<IntegrationBody>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<IntegrationBody>, ApiError> {
    Ok(Envelope::ok(state.integrations.get(&caller, id).await?.into()))
}

/// Changes a Slack integration; absent fields stay.
#[utoipa::path(patch, operation_id = "update_slack_integration", path = "/integrations/slack/{id}", tag = "integrations", params(("id" = Uuid, Path, description = "The integration's id")), request_body = IntegrationRequest, security(("bearer" = [])),
    responses((status = 200, body = Envelope<IntegrationBody>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Json(patch): Json<SlackIntegrationInput>,
) -> Result<Envelope<IntegrationBody>, ApiError> {
    Ok(Envelope::ok(state.integrations.update(&caller, id, patch).await?.into()))
}

/// Deletes a Slack integration; its commands are refused from then on.
#[utoipa::path(delete, operation_id = "delete_slack_integration", path = "/integrations/slack/{id}", tag = "integrations", params(("id" = Uuid, Path, description = "The integration's id")), security(("bearer" = [])),
    responses((status = 200, body = Envelope<NoData>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<NoData>, ApiError> {
    state.integrations.delete(&caller, id).await?;
    Ok(Envelope::ok(NoData).with_message("integration deleted"))
}

/// The largest slash-command body accepted: Slack's are well under 2 KiB.
pub const COMMAND_BODY_LIMIT: usize = 8 * 1024;

/// Slack's slash commands (`/runner-history <runner>`, `/runner-status-all`).
/// The raw body (at most 8 KiB, else 413) is verified against the signing
/// secrets of the integrations of its Slack app (`api_app_id`), a bounded
/// number, before the command is read; a replayed signature is refused.
/// The answer is Slack's own JSON (not the API envelope), shown only to the
/// person who asked.
#[utoipa::path(post, path = "/integrations/slack/commands", tag = "integrations",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "Slack's slash-command form, signed with X-Slack-Signature and X-Slack-Request-Timestamp"),
    responses((status = 200, body = CommandAnswer, description = "Slack's own JSON, not the envelope"),
              (status = 400, body = ErrorBody, description = "the body cannot be read"),
              (status = 401, body = ErrorBody, description = "no integration's signing secret verifies the request, or a replay"),
              (status = 413, body = ErrorBody, description = "the body is over 8 KiB")))]
pub async fn command(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    let too_large = ApiError::PayloadTooLarge { limit: COMMAND_BODY_LIMIT };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > COMMAND_BODY_LIMIT) {
        return Err(too_large);
    }
    let body = axum::body::to_bytes(body, COMMAND_BODY_LIMIT).await.map_err(|err| {
        if std::error::Error::source(&err)
            .is_some_and(|e| e.is::<http_body_util::LengthLimitError>())
        {
            too_large
        } else {
            ApiError::BadRequest(format!("cannot read the request body: {err}"))
        }
    })?;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let verified = state
        .integrations
        .verify(header("x-slack-request-timestamp"), header("x-slack-signature"), &body)
        .await
        .inspect_err(|err| tracing::warn!(error = %err, "refused a Slack command"))?;
    let command = SlashCommand::parse(&body);
    tracing::info!(integration_id = %verified.id, command = %command.command, "Slack command");
    let answer =
        integrations::answer(&state.db, &verified, &command).await.map_err(ApiError::internal)?;
    Ok(axum::Json(jobs::notify::slack_commands::render(&answer, &state.config.public_url())))
}
