//! The registration a `domain` monitor read last. Owner or admin only, like
//! the monitor itself.

use axum::extract::State;
use chrono::{DateTime, Utc};
use domain::monitors::Read;
use domain::registrations::SeenRegistration;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::envelope::Envelope;
use super::error::{ApiError, ErrorBody};
use super::extract::Path;
use super::history::MonitorId;
use crate::auth::Auth;
use crate::state::AppState;

/// What the registry said at the monitor's last answered lookup.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DomainRegistration)]
pub struct RegistrationBody {
    /// The name as the registry spells it.
    pub name: String,
    /// The registration's expiration; null when the registry publishes none.
    pub expires_at: Option<DateTime<Utc>>,
    /// Whole days until then, negative once past; null without an expiration.
    pub days_left: Option<i64>,
    pub registered_at: Option<DateTime<Utc>>,
    pub registrar: Option<String>,
    /// EPP statuses, e.g. `client transfer prohibited`.
    pub statuses: Vec<String>,
    pub nameservers: Vec<String>,
    /// The RDAP server that answered.
    pub rdap_server: String,
    pub checked_at: DateTime<Utc>,
}

impl From<SeenRegistration> for RegistrationBody {
    fn from(seen: SeenRegistration) -> Self {
        let r = seen.registration;
        Self {
            name: r.name,
            expires_at: r.expires_at,
            days_left: seen.days_left,
            registered_at: r.registered_at,
            registrar: r.registrar,
            statuses: r.statuses,
            nameservers: r.nameservers,
            rdap_server: seen.rdap_server,
            checked_at: seen.checked_at,
        }
    }
}

/// The registration a `domain` monitor read last; `data` is null before the
/// first answer, and for monitors of other kinds.
#[utoipa::path(get, operation_id = "monitor_registration", path = "/monitors/{id}/registration", tag = "monitors", params(MonitorId), security(("bearer" = [])),
    responses((status = 200, body = Envelope<Option<RegistrationBody>>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn registration(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<Option<RegistrationBody>>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    let seen = domain::registrations::registration(&monitor, Utc::now())
        .await
        .map_err(ApiError::internal)?;
    Ok(Envelope::ok(seen.map(RegistrationBody::from)))
}
