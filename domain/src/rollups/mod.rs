//! Check rollups: per-minute, hourly and daily aggregates of each monitor's
//! checks, so that statistics over days read a few hundred rows instead of
//! millions of raw checks. `pass` builds them incrementally behind a
//! watermark per resolution, `read` combines them with the raw checks newer
//! than the watermark, `prune` deletes them past their retention.
//! Design: docs/storage.md.

pub mod aggregate;
pub mod histogram;
pub mod pass;
pub mod point;
pub mod prune;
pub mod read;

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

pub use aggregate::Aggregate;
pub use histogram::Histogram;
pub use pass::{roll_up_batch, Progress, GRACE};
pub use point::CheckPoint;
pub use prune::{prune_batch, RollupsPruned};

use crate::entities::rollup_watermarks;

/// The length of a rollup bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resolution {
    Minute,
    Hour,
    Day,
}

impl Resolution {
    /// Finest first.
    pub const ALL: [Resolution; 3] = [Self::Minute, Self::Hour, Self::Day];

    /// The bucket's length in seconds: what the `resolution` column holds.
    pub fn seconds(self) -> i32 {
        match self {
            Self::Minute => 60,
            Self::Hour => 3600,
            Self::Day => 86_400,
        }
    }

    /// The bucket's length.
    pub fn length(self) -> Duration {
        Duration::seconds(i64::from(self.seconds()))
    }

    /// The start of the bucket holding `at` (days are UTC days).
    pub fn floor(self, at: DateTime<Utc>) -> DateTime<Utc> {
        let len = i64::from(self.seconds());
        let secs = at.timestamp().div_euclid(len) * len;
        DateTime::from_timestamp(secs, 0).unwrap_or(at)
    }

    /// What each bucket is built from: `None` for raw checks.
    pub fn source(self) -> Option<Resolution> {
        match self {
            Self::Minute => None,
            Self::Hour => Some(Self::Minute),
            Self::Day => Some(Self::Hour),
        }
    }

    /// How long rows are kept: minutes cover the 24-hour window, hours the
    /// 90-day one (with its first partial hour), days are for the long run.
    pub fn retention(self) -> Duration {
        match self {
            Self::Minute => Duration::days(2),
            Self::Hour => Duration::days(92),
            Self::Day => Duration::days(5 * 365),
        }
    }
}

/// Per resolution, the time before which every bucket is final; absent
/// until its first pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Watermarks(HashMap<Resolution, DateTime<Utc>>);

impl Watermarks {
    /// The watermark of `resolution`, if it has one.
    pub fn get(&self, resolution: Resolution) -> Option<DateTime<Utc>> {
        self.0.get(&resolution).copied()
    }

    /// Reads all of them.
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        let rows = rollup_watermarks::Entity::find().all(db).await?;
        Ok(Self(
            rows.into_iter()
                .filter_map(|row| {
                    let resolution =
                        Resolution::ALL.into_iter().find(|r| r.seconds() == row.resolution)?;
                    Some((resolution, row.complete_until))
                })
                .collect(),
        ))
    }

    #[cfg(test)]
    fn with(mut self, resolution: Resolution, at: DateTime<Utc>) -> Self {
        self.0.insert(resolution, at);
        self
    }
}
