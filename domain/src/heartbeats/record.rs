//! A heartbeat monitor's verdict recorded through the pipeline's one
//! skeleton ([`crate::pipeline::recording`]). The step judges inside the
//! transaction, on the pings stored up to its instant, so a ping and a sweep
//! recorded at once each see a consistent history; the skeleton refuses the
//! older of the two as stale.
//!
//! Two callers: a ping that ends a run (slot = its arrival, in ms), and the
//! check worker when the scheduler claims the monitor (slot = the claimed
//! instant: the grace's end, a run's `max_runtime`, or the interval).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{evaluate, explain, store, wake_at, HeartbeatSpec, History, Verdict};
use crate::entities::{monitor_state, monitors};
use crate::pipeline::recording::{
    monitor_advance, monitor_change, Advance, Check, Step, Transition,
};
use crate::pipeline::scheduling::to_millis;

/// Judge a heartbeat monitor at `at` and record the verdict.
#[derive(Debug, Clone)]
pub struct Judgement {
    pub monitor_id: Uuid,
    /// The result's identity (unix ms): the ping's arrival or the claimed slot.
    pub slot: i64,
    /// The instant judged.
    pub at: DateTime<Utc>,
    pub spec: HeartbeatSpec,
    pub region: String,
}

/// What the step saw in the transaction.
#[derive(Debug, Clone)]
pub struct Judged {
    pub verdict: Verdict,
    pub reason: Option<String>,
    /// When time alone may change the verdict next.
    pub wake: Option<DateTime<Utc>>,
}

impl Judgement {
    /// Judges the monitor on the pings stored up to `self.at`.
    pub async fn judge(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        monitor: &monitors::Model,
    ) -> Result<Judged, DbErr> {
        let watched_since =
            store::row(db, monitor.id).await?.map_or(monitor.created_at, |row| row.watched_since);
        let pings = store::recent_pings(db, monitor.id, self.at).await?;
        let last_ping = pings.last().map(|p| p.at);
        let history = History::from_pings(watched_since, &pings);
        let verdict = evaluate(&self.spec, &history, self.at);
        Ok(Judged {
            reason: explain::reason(&self.spec, &verdict, last_ping, self.at),
            wake: wake_at(&self.spec, &history, self.at),
            verdict,
        })
    }
}

impl Step for Judgement {
    type Seen = Judged;
    type Plan = Option<DateTime<Utc>>;

    fn monitor_id(&self) -> Uuid {
        self.monitor_id
    }

    fn slot(&self) -> i64 {
        self.slot
    }

    async fn observe(
        &self,
        txn: &DatabaseTransaction,
        monitor: &monitors::Model,
    ) -> Result<Judged, DbErr> {
        self.judge(txn, monitor).await
    }

    fn check(&self, seen: &Judged) -> Check {
        Check {
            checked_at: self.at,
            status: explain::status(&seen.verdict),
            latency_ms: None,
            http_status: None,
            error: seen.reason.clone(),
            region: self.region.clone(),
        }
    }

    async fn plan(
        &self,
        _: &DatabaseTransaction,
        monitor: &monitors::Model,
        state: &monitor_state::Model,
        seen: Judged,
        check: &Check,
    ) -> Result<Advance<Self::Plan>, DbErr> {
        Ok(Advance { next: monitor_advance(monitor, state, check.status), plan: seen.wake })
    }

    async fn settle(
        &self,
        txn: &DatabaseTransaction,
        monitor: &monitors::Model,
        transition: Transition,
        check: &Check,
        wake: Self::Plan,
    ) -> Result<Vec<Uuid>, DbErr> {
        if let Some(wake) = wake {
            wake_by(txn, monitor.id, wake).await?;
        }
        Ok(monitor_change(txn, self, transition, check).await?.into_iter().collect())
    }
}

/// Moves the monitor's next claim earlier, to `wake`, never later: the
/// claim's own interval stays the bound, and of two writers the earlier
/// instant wins. The claim is a compare-and-set on this column, so several
/// schedulers still judge each instant once.
pub async fn wake_by(
    db: &impl sea_orm::ConnectionTrait,
    monitor_id: Uuid,
    wake: DateTime<Utc>,
) -> Result<(), DbErr> {
    // Rounded up to the millisecond: claimed at or after the instant itself.
    let wake = to_millis(wake + chrono::Duration::microseconds(999));
    monitors::Entity::update_many()
        .col_expr(monitors::Column::NextCheckAt, Expr::value(wake))
        .filter(monitors::Column::Id.eq(monitor_id))
        .filter(monitors::Column::NextCheckAt.gt(wake))
        .exec(db)
        .await
        .map(|_| ())
}
