//! A heartbeat monitor's rows: its ping token (found by its SHA-256; the
//! token itself sealed, so the owner can read the URL again: decision 74)
//! and the pings it received, the newest [`PINGS_KEPT`] kept.

use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, Statement,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Ping, PingKind};
use crate::channels::crypto::Sealer;
use crate::channels::OpenError;
use crate::entities::{heartbeat_pings, heartbeats};
use crate::monitors::MonitorError;

/// Pings kept per monitor; the retention pass deletes older ones.
pub const PINGS_KEPT: u64 = 1000;
/// Pings the verdict is judged on: enough to pair the recent runs.
pub const PINGS_JUDGED: u64 = 100;
/// Random bytes in a token: 192 bits, 32 URL-safe characters.
const TOKEN_BYTES: usize = 24;

/// A fresh token: URL-safe base64 of random bytes.
pub fn new_token() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// How a token is stored and looked up: hex SHA-256.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Sealed tokens are bound to their monitor.
fn token_aad(monitor_id: Uuid) -> Vec<u8> {
    format!("heartbeat-token:{monitor_id}").into_bytes()
}

/// The token row of a new heartbeat monitor, watched from `now`.
pub(crate) async fn create(
    db: &impl ConnectionTrait,
    sealer: &Sealer,
    monitor_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), MonitorError> {
    let token = new_token();
    heartbeats::ActiveModel {
        monitor_id: Set(monitor_id),
        token_hash: Set(token_hash(&token)),
        token: Set(sealer.seal(token.as_bytes(), &token_aad(monitor_id))?),
        watched_since: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Replaces the token; the old one stops working at once.
pub(crate) async fn rotate(
    db: &impl ConnectionTrait,
    sealer: &Sealer,
    monitor_id: Uuid,
) -> Result<String, MonitorError> {
    let token = new_token();
    let updated = heartbeats::Entity::update_many()
        .col_expr(heartbeats::Column::TokenHash, Expr::value(token_hash(&token)))
        .col_expr(
            heartbeats::Column::Token,
            Expr::value(sealer.seal(token.as_bytes(), &token_aad(monitor_id))?),
        )
        .filter(heartbeats::Column::MonitorId.eq(monitor_id))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Err(MonitorError::NotFound);
    }
    Ok(token)
}

/// The token in clear, for its owner.
pub(crate) fn open_token(sealer: &Sealer, row: &heartbeats::Model) -> Result<String, OpenError> {
    let bytes = sealer.open(&row.token, &token_aad(row.monitor_id))?;
    String::from_utf8(bytes).map_err(|_| OpenError::from_static("the stored token is not text"))
}

/// The first slot counts from `now` (a paused monitor was resumed).
pub(crate) async fn watch_from(
    db: &impl ConnectionTrait,
    monitor_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    heartbeats::Entity::update_many()
        .col_expr(heartbeats::Column::WatchedSince, Expr::value(now))
        .filter(heartbeats::Column::MonitorId.eq(monitor_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// A ping as received, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub kind: PingKind,
    pub rid: Option<Uuid>,
    /// Already cut to [`super::PING_BODY_LIMIT`] (or Uptime Kuma's `msg`).
    pub body: String,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
}

/// The stored spelling of a kind, and the exit status column.
fn kind_columns(kind: PingKind) -> (&'static str, Option<i16>) {
    match kind {
        PingKind::Success => ("success", None),
        PingKind::Start => ("start", None),
        PingKind::Fail => ("fail", None),
        PingKind::Log => ("log", None),
        PingKind::Exit(code) => ("exit", Some(i16::from(code))),
    }
}

/// Reads a stored kind back; `None` for a spelling this version does not know.
pub fn kind_of(row: &heartbeat_pings::Model) -> Option<PingKind> {
    match (row.kind.as_str(), row.exit_code) {
        ("success", _) => Some(PingKind::Success),
        ("start", _) => Some(PingKind::Start),
        ("fail", _) => Some(PingKind::Fail),
        ("log", _) => Some(PingKind::Log),
        ("exit", Some(code)) => u8::try_from(code).ok().map(PingKind::Exit),
        _ => None,
    }
}

/// Stores `ping` for `monitor_id` at `at`.
pub(crate) async fn insert_ping(
    db: &impl ConnectionTrait,
    monitor_id: Uuid,
    at: DateTime<Utc>,
    ping: Received,
) -> Result<heartbeat_pings::Model, DbErr> {
    let (kind, exit_code) = kind_columns(ping.kind);
    let bounded = |text: Option<String>, max: usize| text.map(|t| crate::text::truncate(&t, max));
    heartbeat_pings::ActiveModel {
        id: Set(Uuid::now_v7()),
        monitor_id: Set(monitor_id),
        at: Set(at),
        kind: Set(kind.to_owned()),
        exit_code: Set(exit_code),
        rid: Set(ping.rid),
        body: Set(ping.body),
        source_ip: Set(bounded(ping.source_ip, 64)),
        user_agent: Set(bounded(ping.user_agent.map(|ua| crate::text::remote(&ua)), 300)),
    }
    .insert(db)
    .await
}

/// The latest [`PINGS_JUDGED`] pings at or before `until`, oldest first.
pub async fn recent_pings(
    db: &impl ConnectionTrait,
    monitor_id: Uuid,
    until: DateTime<Utc>,
) -> Result<Vec<Ping>, DbErr> {
    let mut rows = heartbeat_pings::Entity::find()
        .filter(heartbeat_pings::Column::MonitorId.eq(monitor_id))
        .filter(heartbeat_pings::Column::At.lte(until))
        .order_by_desc(heartbeat_pings::Column::At)
        .order_by_desc(heartbeat_pings::Column::Id)
        .limit(PINGS_JUDGED)
        .all(db)
        .await?;
    rows.reverse();
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let kind = kind_of(&row)?;
            Some(Ping { at: row.at, kind, rid: row.rid, body: row.body })
        })
        .collect())
}

/// One page of a monitor's pings, newest first, before the cursor `before`
/// (a ping id: they sort by time).
pub async fn page(
    db: &impl ConnectionTrait,
    monitor_id: Uuid,
    before: Option<Uuid>,
    limit: u64,
) -> Result<(Vec<heartbeat_pings::Model>, Option<Uuid>), DbErr> {
    let mut query =
        heartbeat_pings::Entity::find().filter(heartbeat_pings::Column::MonitorId.eq(monitor_id));
    if let Some(before) = before {
        query = query.filter(heartbeat_pings::Column::Id.lt(before));
    }
    let limit = limit.clamp(1, 500);
    let mut rows =
        query.order_by_desc(heartbeat_pings::Column::Id).limit(limit + 1).all(db).await?;
    let next = if rows.len() as u64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok((rows, next))
}

/// Deletes at most `batch` pings beyond the newest `keep` of their monitor.
pub async fn prune(db: &impl ConnectionTrait, keep: u64, batch: u64) -> Result<u64, DbErr> {
    const SQL: &str = "SELECT id FROM ( \
        SELECT id, ROW_NUMBER() OVER (PARTITION BY monitor_id ORDER BY at DESC, id DESC) AS n \
        FROM heartbeat_pings) ranked WHERE n > {1} LIMIT {2}";
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => SQL.replace("{1}", "$1").replace("{2}", "$2"),
        _ => SQL.replace("{1}", "?").replace("{2}", "?"),
    };
    let (keep, limit) =
        (i64::try_from(keep).unwrap_or(i64::MAX), i64::try_from(batch).unwrap_or(i64::MAX));
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, [keep.into(), limit.into()]))
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|row| row.try_get("", "id")).collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(heartbeat_pings::Entity::delete_many()
        .filter(heartbeat_pings::Column::Id.is_in(ids))
        .exec(db)
        .await?
        .rows_affected)
}

/// The token row of a monitor.
pub async fn row(
    db: &impl ConnectionTrait,
    monitor_id: Uuid,
) -> Result<Option<heartbeats::Model>, DbErr> {
    heartbeats::Entity::find_by_id(monitor_id).one(db).await
}

/// The newest ping of each of `monitor_ids` (for the monitor views).
pub async fn last_pings(
    db: &impl ConnectionTrait,
    monitor_ids: &[Uuid],
) -> Result<Vec<(Uuid, DateTime<Utc>)>, DbErr> {
    if monitor_ids.is_empty() {
        return Ok(Vec::new());
    }
    heartbeat_pings::Entity::find()
        .select_only()
        .column(heartbeat_pings::Column::MonitorId)
        .column_as(heartbeat_pings::Column::At.max(), "at")
        .filter(heartbeat_pings::Column::MonitorId.is_in(monitor_ids.to_vec()))
        .group_by(heartbeat_pings::Column::MonitorId)
        .into_tuple()
        .all(db)
        .await
}
