//! What the ping endpoints and the API ask of heartbeat monitors: take a
//! ping (rate-limited per token; a known and an unknown token get the same
//! answer after the same lookup), show the ping URL's token to the owner,
//! rotate it, and page through the pings.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::record::Judgement;
use super::store::{self, Received};
use super::verdict::expected_slot;
use super::{History, PingKind};
use crate::channels::crypto::Sealer;
use crate::channels::EncryptionKey;
use crate::clock::Clock;
use crate::entities::{heartbeat_pings, heartbeats, monitors};
use crate::monitors::{MonitorError, MonitorRef, MonitorView, Read, Target, Write};
use crate::pipeline::scheduling::to_millis;
use crate::ratelimit::{Limit, RateLimiter, RetryAfter};

/// Pings a token may send per minute by default.
pub const PINGS_PER_MINUTE: u32 = 60;

/// What a ping gets: accepted (whether or not the token is known), or too many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PingAnswer {
    /// The status changes the ping wrote, for the caller to enqueue.
    Accepted {
        changes: Vec<Uuid>,
    },
    Limited(RetryAfter),
}

/// A heartbeat monitor's own data, beside its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeartbeatDetails {
    /// The secret of its ping URL.
    pub token: String,
    /// When the next ping is expected (the grace comes on top).
    pub next_expected_at: Option<DateTime<Utc>>,
    pub last_ping_at: Option<DateTime<Utc>>,
}

/// Heartbeat monitors' tokens and pings; cheap to clone.
#[derive(Clone)]
pub struct HeartbeatService {
    db: DatabaseConnection,
    sealer: Arc<Sealer>,
    clock: Clock,
    limiter: RateLimiter,
    limit: Limit,
    region: String,
}

impl std::fmt::Debug for HeartbeatService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeartbeatService").finish_non_exhaustive()
    }
}

impl HeartbeatService {
    /// A service over `db`, opening tokens with `key`, on the system clock.
    pub fn new(db: DatabaseConnection, key: &EncryptionKey) -> Self {
        let clock = Clock::system();
        Self {
            limiter: RateLimiter::new(db.clone(), clock.clone()),
            db,
            sealer: Arc::new(Sealer::new(key)),
            clock,
            limit: Limit::new("ping.token", PINGS_PER_MINUTE, 60),
            region: "default".to_owned(),
        }
    }

    /// The same service reading `clock` (pings' times and rate windows).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.limiter = RateLimiter::new(self.db.clone(), clock.clone());
        self.clock = clock;
        self
    }

    /// At most `per_minute` pings per token and minute.
    pub fn with_pings_per_minute(mut self, per_minute: u32) -> Self {
        self.limit = Limit::new("ping.token", per_minute, 60);
        self
    }

    /// The region results recorded from pings name.
    pub fn with_region(mut self, region: &str) -> Self {
        region.clone_into(&mut self.region);
        self
    }

    /// Takes a ping for `token`. An unknown token is hashed, counted and
    /// looked up like a known one and gets the same answer; a known one's
    /// ping is stored, and unless it is a log or the monitor is paused the
    /// verdict is recorded at once.
    pub async fn ping(&self, token: &str, ping: Received) -> Result<PingAnswer, DbErr> {
        let hash = store::token_hash(token);
        // One upsert counts and checks: concurrent pings cannot slip past.
        if let Err(retry) = self.limiter.take(&self.limit, &hash).await? {
            return Ok(PingAnswer::Limited(retry));
        }
        let accepted = PingAnswer::Accepted { changes: Vec::new() };
        let Some(row) = heartbeats::Entity::find()
            .filter(heartbeats::Column::TokenHash.eq(hash))
            .one(&self.db)
            .await?
        else {
            return Ok(accepted);
        };
        let Some(monitor) = monitors::Entity::find_by_id(row.monitor_id).one(&self.db).await?
        else {
            return Ok(accepted);
        };
        let now = self.clock.now();
        let kind = ping.kind;
        store::insert_ping(&self.db, monitor.id, now, ping).await?;
        if kind == PingKind::Log || monitor.paused {
            return Ok(accepted);
        }
        let Ok(Target::Heartbeat(spec)) = Target::from_config(monitor.kind, &monitor.config) else {
            return Ok(accepted);
        };
        let judgement = Judgement {
            monitor_id: monitor.id,
            slot: to_millis(now).timestamp_millis(),
            at: now,
            spec,
            region: self.region.clone(),
        };
        let recorded = crate::pipeline::record(&self.db, &judgement).await?;
        Ok(PingAnswer::Accepted { changes: recorded.changes })
    }

    /// The token, next expected time and last ping of each heartbeat
    /// monitor among `views`.
    pub async fn details(
        &self,
        views: &[MonitorView],
    ) -> Result<HashMap<Uuid, HeartbeatDetails>, MonitorError> {
        let mut details = HashMap::new();
        for view in views {
            let Some(spec) = &view.heartbeat else { continue };
            let Some(row) = store::row(&self.db, view.id).await? else { continue };
            let token = store::open_token(&self.sealer, &row)?;
            let pings = store::recent_pings(&self.db, view.id, self.clock.now()).await?;
            let history = History::from_pings(row.watched_since, &pings);
            let next_expected_at = if view.paused { None } else { expected_slot(spec, &history) };
            let last_ping_at = pings.last().map(|p| p.at);
            details.insert(view.id, HeartbeatDetails { token, next_expected_at, last_ping_at });
        }
        Ok(details)
    }

    /// A new token for the monitor's ping URL; the old one stops working.
    /// `NotFound` for a monitor of another kind: it has no ping URL.
    pub async fn rotate(&self, monitor: MonitorRef<Write>) -> Result<String, MonitorError> {
        store::rotate(&self.db, &self.sealer, monitor.id()).await
    }

    /// One page of the monitor's pings, newest first (none for other kinds).
    pub async fn pings(
        &self,
        monitor: &MonitorRef<Read>,
        before: Option<Uuid>,
        limit: u64,
    ) -> Result<(Vec<heartbeat_pings::Model>, Option<Uuid>), MonitorError> {
        Ok(store::page(&self.db, monitor.id(), before, limit).await?)
    }
}
