//! What a `domain` monitor last learnt, for the API and the monitor page.

use chrono::{DateTime, Utc};
use sea_orm::{DbErr, EntityTrait};

use super::Registration;
use crate::entities::monitor_domains;
use crate::monitors::{Access, MonitorRef};

/// The registration a monitor read at its last answered lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRegistration {
    pub registration: Registration,
    /// Whole days until the expiration at `now`; `None` when the registry publishes none.
    pub days_left: Option<i64>,
    /// The RDAP server that answered.
    pub rdap_server: String,
    pub checked_at: DateTime<Utc>,
}

/// The monitor's last registration, `None` before its first answer (and for
/// every kind but `domain`).
pub async fn registration(
    monitor: &MonitorRef<impl Access>,
    now: DateTime<Utc>,
) -> Result<Option<SeenRegistration>, DbErr> {
    let Some(row) = monitor_domains::Entity::find_by_id(monitor.id()).one(monitor.db()).await?
    else {
        return Ok(None);
    };
    let registration: Registration = serde_json::from_str(&row.registration)
        .map_err(|e| DbErr::Custom(format!("the stored registration is unreadable: {e}")))?;
    Ok(Some(SeenRegistration {
        days_left: registration.days_left(now),
        registration,
        rdap_server: row.rdap_server,
        checked_at: row.checked_at,
    }))
}
