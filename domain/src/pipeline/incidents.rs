//! Turning a status change into incident work: open an incident when a
//! monitor goes down, resolve it when it comes back, write the timeline and
//! one notification per linked channel. A change of one runner of a runner
//! monitor (`subject` = its name) does the same for that runner's outages.
//! The database guarantees at most one open incident per monitor (or
//! runner) and one notification per (incident, channel, event), so a
//! redelivered job can never double either.

use chrono::Utc;
use kinds::{IncidentEventKind, NotificationEvent};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, SqlErr, TransactionTrait,
};
use uuid::Uuid;

use super::notifications::{fan_out, Fanout};
use crate::entities::{incident_events, incidents, status_changes};

use crate::monitors::Status;
use crate::runners::RunnerStatus;
use crate::status_pages;

/// What a change means for incidents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    Open,
    Resolve,
    Nothing,
}

/// A monitor's change opens when it goes down and resolves when it leaves
/// down; a runner's opens when it becomes unhealthy (offline, unknown) and
/// resolves when it is online again.
fn effect(change: &status_changes::Model) -> Effect {
    if change.subject.is_empty() {
        // A monitor's change is between two `Status` words (the column also
        // holds runners' words, so it stays text).
        let down = |raw: &str| raw.parse::<Status>() == Ok(Status::Down);
        if down(&change.to_status) {
            Effect::Open
        } else if down(&change.from_status) {
            Effect::Resolve
        } else {
            Effect::Nothing
        }
    } else if change.to_status.parse::<RunnerStatus>().is_ok_and(RunnerStatus::is_healthy) {
        Effect::Resolve
    } else {
        Effect::Open
    }
}

/// Applies a status change once, after every earlier unapplied change of the
/// same monitor (jobs may arrive out of order: an "up" handled before its
/// "down" would leave an incident open forever); returns the notifications
/// to deliver.
pub async fn apply_status_change(
    db: &sea_orm::DatabaseConnection,
    change_id: Uuid,
) -> Result<Vec<Uuid>, DbErr> {
    let Some(target) = status_changes::Entity::find_by_id(change_id).one(db).await? else {
        return Ok(Vec::new());
    };
    let txn = crate::db::begin_write(db).await?;
    let pending = status_changes::Entity::find()
        .filter(status_changes::Column::MonitorId.eq(target.monitor_id))
        .filter(status_changes::Column::Subject.eq(target.subject.as_str()))
        .filter(status_changes::Column::Seq.lte(target.seq))
        .filter(status_changes::Column::ProcessedAt.is_null())
        .order_by_asc(status_changes::Column::Seq)
        .all(&txn)
        .await?;
    let mut created = Vec::new();
    for change in pending {
        // Claim each change first: of two workers, only one gets past this.
        let claimed = status_changes::Entity::update_many()
            .col_expr(status_changes::Column::ProcessedAt, Expr::value(Utc::now()))
            .filter(status_changes::Column::Id.eq(change.id))
            .filter(status_changes::Column::ProcessedAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        match effect(&change) {
            Effect::Open => created.extend(open(&txn, &change).await?),
            Effect::Resolve => created.extend(resolve(&txn, &change).await?),
            Effect::Nothing => {}
        }
    }
    txn.commit().await?;
    Ok(created)
}

async fn open(
    txn: &DatabaseTransaction,
    change: &status_changes::Model,
) -> Result<Vec<Uuid>, DbErr> {
    let last: Option<i32> = incidents::Entity::find()
        .select_only()
        .column_as(incidents::Column::Number.max(), "max")
        .filter(incidents::Column::MonitorId.eq(change.monitor_id))
        .filter(incidents::Column::Subject.eq(change.subject.as_str()))
        .into_tuple::<Option<i32>>()
        .one(txn)
        .await?
        .flatten();
    let already_open = incidents::Entity::find()
        .filter(incidents::Column::MonitorId.eq(change.monitor_id))
        .filter(incidents::Column::Subject.eq(change.subject.as_str()))
        .filter(incidents::Column::ResolvedAt.is_null())
        .one(txn)
        .await?;
    if already_open.is_some() {
        return Ok(Vec::new());
    }
    let id = Uuid::now_v7();
    let cause = change.cause.clone().unwrap_or_else(|| "the check failed".into());
    // A savepoint: on Postgres a refused insert aborts the whole transaction,
    // and the claim above must survive it.
    let savepoint = txn.begin().await?;
    let inserted = incidents::ActiveModel {
        id: Set(id),
        monitor_id: Set(change.monitor_id),
        subject: Set(change.subject.clone()),
        number: Set(last.unwrap_or(0) + 1),
        started_at: Set(change.at),
        resolved_at: Set(None),
        cause: Set(cause.clone()),
        acknowledged_at: Set(None),
        acknowledged_by: Set(None),
    }
    .insert(&savepoint)
    .await;
    match inserted {
        Ok(_) => savepoint.commit().await?,
        // An incident is already open: the database refused a second one.
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            savepoint.rollback().await?;
            return Ok(Vec::new());
        }
        Err(err) => return Err(err),
    }
    if change.subject.is_empty() {
        // Status pages showing the monitor get a draft, in this transaction.
        let status = change.to_status.parse::<Status>().unwrap_or(Status::Down);
        status_pages::incidents::automatic::draft_for_opened(
            txn,
            change.monitor_id,
            id,
            change.at,
            status,
        )
        .await?;
    }
    let opened = if change.subject.is_empty() { format!("Went down: {cause}") } else { cause };
    timeline(txn, id, change, IncidentEventKind::Opened, opened).await?;
    notify(txn, id, change, NotificationEvent::Down).await
}

async fn resolve(
    txn: &DatabaseTransaction,
    change: &status_changes::Model,
) -> Result<Vec<Uuid>, DbErr> {
    let Some(incident) = incidents::Entity::find()
        .filter(incidents::Column::MonitorId.eq(change.monitor_id))
        .filter(incidents::Column::Subject.eq(change.subject.as_str()))
        .filter(incidents::Column::ResolvedAt.is_null())
        .one(txn)
        .await?
    else {
        return Ok(Vec::new());
    };
    incidents::Entity::update_many()
        .col_expr(incidents::Column::ResolvedAt, Expr::value(change.at))
        .filter(incidents::Column::Id.eq(incident.id))
        .exec(txn)
        .await?;
    let message = if change.subject.is_empty() {
        format!("Back {}", change.to_status)
    } else {
        format!("Runner {} is {} again", change.subject, change.to_status)
    };
    timeline(txn, incident.id, change, IncidentEventKind::Resolved, message).await?;
    status_pages::incidents::automatic::follow_resolved(txn, incident.id, change.at).await?;
    notify(txn, incident.id, change, NotificationEvent::Up).await
}

async fn timeline(
    txn: &DatabaseTransaction,
    incident: Uuid,
    change: &status_changes::Model,
    kind: IncidentEventKind,
    message: String,
) -> Result<(), DbErr> {
    incident_events::ActiveModel {
        id: Set(Uuid::now_v7()),
        incident_id: Set(incident),
        at: Set(change.at),
        kind: Set(kind),
        message: Set(message),
    }
    .insert(txn)
    .await
    .map(|_| ())
}

/// One pending notification per channel of the monitor.
async fn notify(
    txn: &DatabaseTransaction,
    incident: Uuid,
    change: &status_changes::Model,
    event: NotificationEvent,
) -> Result<Vec<Uuid>, DbErr> {
    let fanout = Fanout {
        monitor_id: change.monitor_id,
        incident_id: Some(incident),
        event,
        prev_status: Some(change.from_status.clone()),
        current_status: Some(change.to_status.clone()),
        region: &change.region,
        detail: None,
    };
    fan_out(txn, fanout).await
}
