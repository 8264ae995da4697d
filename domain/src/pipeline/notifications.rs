//! The notification log: every delivery attempt is written before it is
//! made and its outcome after, so a crash in between is retried, not lost,
//! and a delivered notification is never sent again.

use chrono::{DateTime, Duration, Utc};
use kinds::{DeliveryStatus, NotificationEvent};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use crate::entities::{channels, monitor_channels, notifications, status_changes};

/// How long an attempt may take before the sweeper hands it out again, by
/// default (`--notification-lease`). Longer than any sender's timeout, so a
/// slow but live attempt is never doubled.
pub const ATTEMPT_LEASE: Duration = Duration::minutes(2);

/// One event to notify every channel of a monitor about.
#[derive(Debug, Clone)]
pub struct Fanout<'a> {
    pub monitor_id: Uuid,
    /// The incident it is about; `None` for an event of its own (a certificate).
    pub incident_id: Option<Uuid>,
    pub event: NotificationEvent,
    pub prev_status: Option<String>,
    pub current_status: Option<String>,
    pub region: &'a str,
    /// What happened, for an event that is not about an incident.
    pub detail: Option<String>,
}

/// Writes one pending notification per channel linked to the monitor and
/// returns their ids; the sweep delivers any whose job is never pushed. At
/// most one per (incident, channel, event): a second fan-out of an
/// incident's event writes nothing. While a maintenance window covers the
/// monitor, the rows are `held` until its end instead, and not returned
/// (`maintenance::hold` releases them).
pub async fn fan_out<C: ConnectionTrait>(db: &C, fanout: Fanout<'_>) -> Result<Vec<Uuid>, DbErr> {
    let linked: Vec<Uuid> = monitor_channels::Entity::find()
        .filter(monitor_channels::Column::MonitorId.eq(fanout.monitor_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.channel_id)
        .collect();
    let channels =
        channels::Entity::find().filter(channels::Column::Id.is_in(linked)).all(db).await?;
    let mut created = Vec::with_capacity(channels.len());
    let now = crate::db::now(db).await?;
    let held_until = if channels.is_empty() {
        None
    } else {
        crate::maintenance::hold::held_until(db, fanout.monitor_id, now).await?
    };
    let (status, next_attempt_at) = match held_until {
        Some(end) => (DeliveryStatus::Held, end),
        None => (DeliveryStatus::Pending, now),
    };
    for channel in channels {
        let id = Uuid::now_v7();
        let rows = notifications::Entity::insert(notifications::ActiveModel {
            id: Set(id),
            monitor_id: Set(fanout.monitor_id),
            incident_id: Set(fanout.incident_id),
            channel_id: Set(Some(channel.id)),
            event: Set(fanout.event),
            prev_status: Set(fanout.prev_status.clone()),
            current_status: Set(fanout.current_status.clone()),
            channel: Set(channel.kind),
            recipient: Set(channel.name.clone()),
            delivery_status: Set(status),
            attempts: Set(0),
            last_error: Set(None),
            region: Set(fanout.region.to_owned()),
            created_at: Set(now),
            next_attempt_at: Set(Some(next_attempt_at)),
            sent_at: Set(None),
            detail: Set(fanout.detail.clone()),
        })
        .on_conflict(
            OnConflict::columns([
                notifications::Column::IncidentId,
                notifications::Column::ChannelId,
                notifications::Column::Event,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        if rows == 1 && held_until.is_none() {
            created.push(id);
        }
    }
    Ok(created)
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// Try again `after` this long (by the database's clock).
    Retry {
        error: String,
        after: Duration,
    },
    /// Give up.
    Failed {
        error: String,
    },
}

/// Marks an attempt as started and returns the notification, or `None` when
/// it is not due: delivered, failed, waiting for its retry time, or being
/// attempted by another worker whose lease has not run out. So a duplicate
/// job sends nothing. The attempt holds the notification for `lease`, by the
/// database's clock: a worker whose own clock runs ahead must not see the
/// lease of a live attempt as run out.
pub async fn begin_attempt(
    db: &DatabaseConnection,
    id: Uuid,
    lease: Duration,
) -> Result<Option<notifications::Model>, DbErr> {
    let now = crate::db::now(db).await?;
    let started = notifications::Entity::update_many()
        .col_expr(notifications::Column::DeliveryStatus, Expr::value(DeliveryStatus::Sending))
        .col_expr(
            notifications::Column::Attempts,
            Expr::col(notifications::Column::Attempts).add(1),
        )
        .col_expr(notifications::Column::NextAttemptAt, Expr::value(now + lease))
        .filter(notifications::Column::Id.eq(id))
        .filter(notifications::Column::DeliveryStatus.is_in([
            DeliveryStatus::Pending,
            DeliveryStatus::Retrying,
            DeliveryStatus::Sending,
        ]))
        .filter(notifications::Column::NextAttemptAt.lte(now))
        .exec(db)
        .await?;
    if started.rows_affected == 0 {
        return Ok(None);
    }
    notifications::Entity::find_by_id(id).one(db).await
}

/// Records how an attempt ended.
pub async fn finish_attempt(
    db: &DatabaseConnection,
    id: Uuid,
    outcome: &Outcome,
) -> Result<(), DbErr> {
    let now = crate::db::now(db).await?;
    let update = notifications::Entity::update_many().filter(notifications::Column::Id.eq(id));
    let update = match outcome {
        Outcome::Delivered => update
            .col_expr(notifications::Column::DeliveryStatus, Expr::value(DeliveryStatus::Delivered))
            .col_expr(notifications::Column::SentAt, Expr::value(now))
            .col_expr(
                notifications::Column::NextAttemptAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(notifications::Column::LastError, Expr::value(Option::<String>::None)),
        Outcome::Retry { error, after } => update
            .col_expr(notifications::Column::DeliveryStatus, Expr::value(DeliveryStatus::Retrying))
            .col_expr(notifications::Column::NextAttemptAt, Expr::value(now + *after))
            .col_expr(notifications::Column::LastError, Expr::value(crate::text::remote(error))),
        Outcome::Failed { error } => update
            .col_expr(notifications::Column::DeliveryStatus, Expr::value(DeliveryStatus::Failed))
            .col_expr(
                notifications::Column::NextAttemptAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(notifications::Column::LastError, Expr::value(crate::text::remote(error))),
    };
    update.exec(db).await.map(|_| ())
}

/// Notifications whose next attempt is due (new, retrying, or with an
/// expired lease), oldest first.
pub async fn due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Uuid>, DbErr> {
    notifications::Entity::find()
        .select_only()
        .column(notifications::Column::Id)
        .filter(notifications::Column::DeliveryStatus.is_in([
            DeliveryStatus::Pending,
            DeliveryStatus::Retrying,
            DeliveryStatus::Sending,
        ]))
        .filter(notifications::Column::NextAttemptAt.lte(now))
        .order_by_asc(notifications::Column::NextAttemptAt)
        .limit(limit)
        .into_tuple::<Uuid>()
        .all(db)
        .await
}

/// Status changes still unprocessed after `older_than`: their job was lost.
pub async fn stuck_changes(
    db: &DatabaseConnection,
    older_than: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Uuid>, DbErr> {
    status_changes::Entity::find()
        .select_only()
        .column(status_changes::Column::Id)
        .filter(status_changes::Column::ProcessedAt.is_null())
        .filter(status_changes::Column::At.lte(older_than))
        .order_by_asc(status_changes::Column::At)
        .limit(limit)
        .into_tuple::<Uuid>()
        .all(db)
        .await
}
