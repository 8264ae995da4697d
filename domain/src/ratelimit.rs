//! Rate limits in the database: events counted per key in fixed windows
//! (`rate_counters`, one row per key and window, incremented by an upsert),
//! so that every `serve` process of an installation shares the same counts.
//!
//! Keys are hashed: the table holds no address or email in clear, and every
//! key has the same short length whatever it is built from.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use crate::clock::Clock;
use crate::entities::rate_counters;

/// A limit: at most `limit` events per `window_secs` per key of `name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// What is counted, e.g. `signin.client` (part of the stored key).
    pub name: &'static str,
    pub limit: u32,
    pub window_secs: i64,
}

impl Limit {
    /// At most `limit` events per `window_secs` seconds.
    pub const fn new(name: &'static str, limit: u32, window_secs: i64) -> Self {
        Self { name, limit, window_secs }
    }

    /// The stored key of `key` under this limit.
    fn key(&self, key: &str) -> String {
        let mut hash = Sha256::new();
        hash.update(self.name.as_bytes());
        hash.update([0]);
        hash.update(key.as_bytes());
        hex::encode(&hash.finalize()[..16])
    }

    /// Start of the window holding `now`, unix seconds.
    fn window_start(&self, now: DateTime<Utc>) -> i64 {
        let secs = now.timestamp();
        secs - secs.rem_euclid(self.window_secs.max(1))
    }

    /// Seconds from `now` to the end of its window (at least 1).
    fn retry_after(&self, now: DateTime<Utc>) -> u64 {
        let end = self.window_start(now) + self.window_secs.max(1);
        u64::try_from(end - now.timestamp()).unwrap_or(1).max(1)
    }
}

/// Over a limit: wait this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

/// Counts and checks rate limits in the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    db: DatabaseConnection,
    clock: Clock,
}

impl RateLimiter {
    /// Counts in `db`, reading the time from `clock`.
    pub fn new(db: DatabaseConnection, clock: Clock) -> Self {
        Self { db, clock }
    }

    /// The clock windows are read from.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Events counted for `key` in the current window.
    pub async fn count(&self, limit: &Limit, key: &str) -> Result<u32, DbErr> {
        let now = self.clock.now();
        let row = rate_counters::Entity::find()
            .filter(rate_counters::Column::Key.eq(limit.key(key)))
            .filter(rate_counters::Column::WindowStart.eq(limit.window_start(now)))
            .one(&self.db)
            .await?;
        Ok(row.map_or(0, |r| u32::try_from(r.count).unwrap_or(0)))
    }

    /// `Err` when `key` has used up its window (nothing is counted).
    pub async fn check(&self, limit: &Limit, key: &str) -> Result<Result<(), RetryAfter>, DbErr> {
        let count = self.count(limit, key).await?;
        Ok(if count >= limit.limit {
            Err(RetryAfter(limit.retry_after(self.clock.now())))
        } else {
            Ok(())
        })
    }

    /// Counts one event for `key` and returns the window's new count.
    pub async fn hit(&self, limit: &Limit, key: &str) -> Result<u32, DbErr> {
        let now = self.clock.now();
        let mut insert = Query::insert();
        insert
            .into_table(rate_counters::Entity)
            .columns([
                rate_counters::Column::Key,
                rate_counters::Column::WindowStart,
                rate_counters::Column::Count,
            ])
            .values_panic([limit.key(key).into(), limit.window_start(now).into(), 1_i32.into()])
            .on_conflict(
                OnConflict::columns([
                    rate_counters::Column::Key,
                    rate_counters::Column::WindowStart,
                ])
                .value(
                    rate_counters::Column::Count,
                    sea_orm::sea_query::ExprTrait::add(
                        Expr::col((rate_counters::Entity, rate_counters::Column::Count)),
                        1,
                    ),
                )
                .to_owned(),
            )
            .returning_col(rate_counters::Column::Count);
        let row = self.db.query_one(&insert).await?;
        let count: i32 = match row {
            Some(row) => row.try_get("", "count")?,
            None => 1,
        };
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    /// Counts one event and refuses it when it is beyond the limit: the
    /// count and the decision are one atomic step, so processes racing for
    /// the last slot cannot both win it.
    pub async fn take(&self, limit: &Limit, key: &str) -> Result<Result<(), RetryAfter>, DbErr> {
        let count = self.hit(limit, key).await?;
        Ok(if count > limit.limit {
            Err(RetryAfter(limit.retry_after(self.clock.now())))
        } else {
            Ok(())
        })
    }

    /// Forgets `key`'s counts (after a successful sign-in).
    pub async fn reset(&self, limit: &Limit, key: &str) -> Result<(), DbErr> {
        rate_counters::Entity::delete_many()
            .filter(rate_counters::Column::Key.eq(limit.key(key)))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

/// Deletes windows that ended before `before` (run by the retention pass).
pub async fn prune(db: &DatabaseConnection, before: DateTime<Utc>) -> Result<u64, DbErr> {
    // No window is longer than a day: anything that started a day before
    // `before` has ended.
    let cutoff = before.timestamp() - 86_400;
    let done = rate_counters::Entity::delete_many()
        .filter(rate_counters::Column::WindowStart.lt(cutoff))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}
