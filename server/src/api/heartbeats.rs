//! Heartbeat monitors in the API: their block in the monitor's JSON (the
//! settings, the ping URL for the owner, the next expected and the last
//! ping), their pings paged, and a new ping URL. The ping endpoints
//! themselves are public and answer in text (`crate::ping`).

use axum::extract::State;
use chrono::{DateTime, Utc};
use domain::entities::heartbeat_pings;
use domain::heartbeats::schedule::HeartbeatInput;
use domain::heartbeats::service::HeartbeatDetails;
use domain::heartbeats::HeartbeatSpec;
use domain::monitors::{Read, Write};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::envelope::Envelope;
use super::error::{ApiError, ErrorBody};
use super::extract::{Path, Query};
use super::monitors::MonitorBody;
use crate::auth::Auth;
use crate::state::AppState;

/// A heartbeat monitor's settings and where its pings stand.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = HeartbeatSettings)]
pub struct HeartbeatBody {
    /// The period in seconds; null with a cron `schedule`.
    pub every: Option<u64>,
    /// The cron pattern; null with `every`.
    pub schedule: Option<String>,
    /// The pattern's IANA time zone; null with `every`.
    pub tz: Option<String>,
    /// Seconds a ping may come after it is due.
    pub grace: u64,
    pub max_runtime: Option<u64>,
    pub min_runtime: Option<u64>,
    /// The secret URL the job pings (append `/start`, `/fail`, `/log` or
    /// `/{exit status}`); owner and admins only.
    pub ping_url: Option<String>,
    /// When the next ping is due (the grace comes on top); null while paused.
    pub next_expected_at: Option<DateTime<Utc>>,
    pub last_ping_at: Option<DateTime<Utc>>,
}

impl From<HeartbeatSpec> for HeartbeatBody {
    fn from(spec: HeartbeatSpec) -> Self {
        let input = HeartbeatInput::from(spec);
        Self {
            every: input.every,
            schedule: input.schedule,
            tz: input.tz,
            grace: input.grace.unwrap_or_default(),
            max_runtime: input.max_runtime,
            min_runtime: input.min_runtime,
            ping_url: None,
            next_expected_at: None,
            last_ping_at: None,
        }
    }
}

impl HeartbeatBody {
    /// Adds what the service knows beside the settings.
    pub fn fill(&mut self, base: &str, details: HeartbeatDetails) {
        self.ping_url = Some(format!("{base}/ping/{}", details.token));
        self.next_expected_at = details.next_expected_at;
        self.last_ping_at = details.last_ping_at;
    }
}

/// A heartbeat monitor's settings. On a change, a new `every` or `schedule`
/// replaces the schedule; other absent fields keep their values.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = HeartbeatRequest)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct HeartbeatRequest {
    /// A period in seconds (60 to 31536000); give this or `schedule`.
    #[schema(minimum = 60, maximum = 31_536_000)]
    every: Option<u64>,
    /// A cron pattern: 5 fields (minute first) or 6 (seconds first), with
    /// `L`, `W`, `#` and `@daily`-style names.
    schedule: Option<String>,
    /// The IANA time zone of `schedule` (default UTC).
    tz: Option<String>,
    /// Seconds (default 300).
    #[schema(minimum = 0, maximum = 31_536_000)]
    grace: Option<u64>,
    /// A run open this long (seconds) is down.
    #[schema(minimum = 1, maximum = 31_536_000)]
    max_runtime: Option<u64>,
    /// A run shorter than this (seconds) is degraded; below `max_runtime`.
    #[schema(minimum = 1, maximum = 31_536_000)]
    min_runtime: Option<u64>,
}

/// One ping a heartbeat monitor received.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Ping)]
pub struct PingBody {
    pub id: Uuid,
    /// When it arrived (the server's clock).
    pub at: DateTime<Utc>,
    /// `success`, `start`, `fail`, `log` or `exit`.
    pub kind: String,
    /// The exit status of an `exit` ping.
    pub exit_code: Option<i16>,
    /// The run id the job gave (`?rid=`).
    pub rid: Option<Uuid>,
    /// The first 10 KB of the body, or Uptime Kuma's `msg`.
    pub body: String,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
}

impl From<heartbeat_pings::Model> for PingBody {
    fn from(p: heartbeat_pings::Model) -> Self {
        Self {
            id: p.id,
            at: p.at,
            kind: p.kind,
            exit_code: p.exit_code,
            rid: p.rid,
            body: p.body,
            source_ip: p.source_ip,
            user_agent: p.user_agent,
        }
    }
}

/// `data` of the ping list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PingList {
    pub pings: Vec<PingBody>,
    /// Pass back as `cursor` for the next (older) page; null on the last.
    pub next_cursor: Option<Uuid>,
}

/// Paging of the ping list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PingsQuery {
    /// From the previous page's `next_cursor`.
    pub cursor: Option<Uuid>,
    /// Page size, 1 to 500 (default 100).
    #[serde(default, deserialize_with = "super::extract::page_limit")]
    pub limit: Option<u64>,
}

/// The monitor in the path.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct MonitorId {
    /// The monitor's id.
    id: Uuid,
}

/// A heartbeat monitor's pings, newest first (empty for other kinds).
#[utoipa::path(get, operation_id = "list_pings", path = "/monitors/{id}/pings", tag = "monitors", params(MonitorId, PingsQuery), security(("bearer" = [])),
    responses((status = 200, body = Envelope<PingList>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn pings(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Query(query): Query<PingsQuery>,
) -> Result<Envelope<PingList>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    let (rows, next_cursor) =
        state.heartbeats.pings(&monitor, query.cursor, query.limit.unwrap_or(100)).await?;
    Ok(Envelope::ok(PingList {
        pings: rows.into_iter().map(PingBody::from).collect(),
        next_cursor,
    }))
}

/// Gives a heartbeat monitor a new ping URL; the old one stops working.
#[utoipa::path(post, operation_id = "rotate_ping_url", path = "/monitors/{id}/ping-url", tag = "monitors", params(MonitorId), security(("bearer" = [])),
    responses((status = 200, body = Envelope<MonitorBody>), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "an unknown monitor, or one that is not a heartbeat monitor (it has no ping URL)")))]
pub async fn rotate(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<MonitorBody>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Write).await?;
    if monitor.view().heartbeat.is_none() {
        return Err(ApiError::NotFound("only heartbeat monitors have a ping URL".into()));
    }
    state.heartbeats.rotate(monitor).await?;
    let view = state.monitors.get(&caller, id).await?;
    Ok(Envelope::ok(super::monitors::body(&state, view).await?).with_message("new ping URL"))
}
