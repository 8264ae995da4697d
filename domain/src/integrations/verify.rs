//! Verifying a Slack command: which integration's secret signed it. The
//! work is bounded (a capped body, at most [`MAX_CANDIDATES`] secrets, found
//! by the command's Slack app), integrations of disabled owners are not
//! tried, and a signature answered before inside its window is a replay.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::commands::SlashCommand;
use super::service::{aad, monitors_of, MAX_APP_ID_LEN};
use super::signature::{self, SignatureError};
use super::{replay, IntegrationError, SlackIntegrationService, VerifiedIntegration};
use crate::entities::{slack_integrations, users};

/// The most integrations whose secrets one command is tried against: the
/// HMAC work of a forged request is bounded whatever the number stored.
pub const MAX_CANDIDATES: u64 = 8;

impl SlackIntegrationService {
    /// The integration whose signing secret verifies this request, judged by
    /// the service's clock. The timestamp is checked first, so a stale request costs
    /// no decryption; then only the integrations of the request's Slack app
    /// (`api_app_id`), and after them those whose app is not known yet
    /// (newest first), of enabled owners, at most [`MAX_CANDIDATES`], are
    /// tried. An integration without an app id learns it from its first
    /// verified command. A signature seen before inside the window is a
    /// replay and refused.
    pub async fn verify(
        &self,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<VerifiedIntegration, IntegrationError> {
        let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
            return Err(SignatureError::Missing.into());
        };
        let at = signature::check_timestamp(timestamp, &self.clock)?;
        let now = self.clock.now().timestamp();
        let app = SlashCommand::parse(body).app_id;
        let app = Some(app).filter(|a| !a.is_empty() && a.len() <= MAX_APP_ID_LEN);
        for row in self.candidates(app.as_deref()).await? {
            let secret = match self.sealer.open(&row.secret, &aad(row.id)) {
                Ok(secret) => secret,
                Err(err) => {
                    tracing::warn!(integration_id = %row.id, error = %err, "cannot open a Slack signing secret");
                    continue;
                }
            };
            if !signature::verify(&secret, timestamp, body, signature) {
                continue;
            }
            if !replay::first_use(&self.db, signature, at, now).await? {
                return Err(SignatureError::Replayed.into());
            }
            if let (None, Some(app)) = (&row.app_id, &app) {
                slack_integrations::Entity::update_many()
                    .col_expr(slack_integrations::Column::AppId, Expr::value(app.clone()))
                    .filter(slack_integrations::Column::Id.eq(row.id))
                    .filter(slack_integrations::Column::AppId.is_null())
                    .exec(&self.db)
                    .await?;
            }
            let monitor_ids = monitors_of(&self.db, &[row.id]).await?.remove(&row.id);
            return Ok(VerifiedIntegration {
                id: row.id,
                owner_id: row.owner_id,
                name: row.name,
                monitor_ids: monitor_ids.unwrap_or_default(),
            });
        }
        Err(SignatureError::Mismatch.into())
    }

    /// The integrations a command to `app` may be signed by: that app's,
    /// then those whose app is unknown (newest first), of enabled owners only.
    async fn candidates(
        &self,
        app: Option<&str>,
    ) -> Result<Vec<slack_integrations::Model>, IntegrationError> {
        let enabled = users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .filter(users::Column::Disabled.eq(false));
        let of_enabled = || {
            slack_integrations::Entity::find().filter(
                slack_integrations::Column::OwnerId
                    .in_subquery(sea_orm::QueryTrait::into_query(enabled.clone())),
            )
        };
        let mut rows = match app {
            Some(app) => {
                of_enabled()
                    .filter(slack_integrations::Column::AppId.eq(app))
                    .order_by_asc(slack_integrations::Column::CreatedAt)
                    .limit(MAX_CANDIDATES)
                    .all(&self.db)
                    .await?
            }
            None => Vec::new(),
        };
        let room = MAX_CANDIDATES.saturating_sub(rows.len() as u64);
        if room > 0 {
            rows.extend(
                of_enabled()
                    .filter(slack_integrations::Column::AppId.is_null())
                    .order_by_desc(slack_integrations::Column::CreatedAt)
                    .limit(room)
                    .all(&self.db)
                    .await?,
            );
        }
        Ok(rows)
    }
}
