//! The pipeline's side of maintenance (decision 110). While a window covers
//! a monitor, every notification written for it is `held`, with
//! `next_attempt_at` the window's end: the workers and the sweep never pick
//! a held row. The scheduler's sweep calls [`release_due`]: a held row whose
//! time has come is looked at again with the monitor's windows. Still
//! covered (a longer or a following window): it waits for the new end.
//! Not covered: per channel, the held incident alerts (down, up, down, …)
//! cancel in pairs, so an even number (a recovery inside the window, or a
//! recovery and a new outage) sends nothing and an odd number sends the
//! last one only; other events (certificates, domains) are all sent. The
//! sent ones become `pending` (the usual delivery, retries and all), the
//! others `suppressed`: kept in the log, never sent.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use kinds::{DeliveryStatus, NotificationEvent};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::spec::MaintenanceSpec;
use crate::entities::{maintenance_windows, notifications};

/// Why a held notification was never sent (its `last_error`).
pub const SUPPRESSED: &str = "cancelled by a later change inside a maintenance window";

/// The end of the maintenance covering `monitor` at `now` (the latest end
/// when several windows overlap), or `None` when none does.
pub async fn held_until<C: ConnectionTrait>(
    db: &C,
    monitor: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let windows: Vec<Uuid> =
        super::coverage::windows_covering(db, &[monitor]).await?.into_keys().collect();
    if windows.is_empty() {
        return Ok(None);
    }
    let rows = maintenance_windows::Entity::find()
        .filter(maintenance_windows::Column::Id.is_in(windows))
        .all(db)
        .await?;
    let mut end = None;
    for row in rows {
        match MaintenanceSpec::of_row(&row) {
            Ok(spec) => {
                if let Some(w) = spec.schedule.occurrence_at(now) {
                    end = end.max(Some(w.end));
                }
            }
            // Written through validation; a row edited by hand is ignored
            // rather than holding alerts for ever.
            Err(err) => {
                tracing::warn!(window = %row.id, error = %err, "unreadable maintenance window")
            }
        }
    }
    Ok(end)
}

/// Makes the held notifications of `monitors` due now, so the next sweep
/// looks at them again (a window changed or deleted).
pub async fn wake<C: ConnectionTrait>(db: &C, monitors: &[Uuid]) -> Result<(), DbErr> {
    if monitors.is_empty() {
        return Ok(());
    }
    let now = crate::db::now(db).await?;
    notifications::Entity::update_many()
        .col_expr(notifications::Column::NextAttemptAt, Expr::value(now))
        .filter(notifications::Column::DeliveryStatus.eq(DeliveryStatus::Held))
        .filter(notifications::Column::MonitorId.is_in(monitors.to_vec()))
        .exec(db)
        .await
        .map(|_| ())
}

/// Looks again at held notifications due by `now` (the database's clock),
/// a monitor at a time; returns the ids released to be sent.
pub async fn release_due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Uuid>, DbErr> {
    let monitors: Vec<Uuid> = notifications::Entity::find()
        .select_only()
        .column(notifications::Column::MonitorId)
        .filter(notifications::Column::DeliveryStatus.eq(DeliveryStatus::Held))
        .filter(notifications::Column::NextAttemptAt.lte(now))
        .order_by_asc(notifications::Column::NextAttemptAt)
        .limit(limit)
        .into_tuple::<Uuid>()
        .all(db)
        .await?;
    let mut released = Vec::new();
    let mut seen = HashSet::new();
    for monitor in monitors.into_iter().filter(|m| seen.insert(*m)) {
        released.extend(release_monitor(db, monitor, now).await?);
    }
    Ok(released)
}

async fn release_monitor(
    db: &DatabaseConnection,
    monitor: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let held = notifications::Entity::find()
        .filter(notifications::Column::MonitorId.eq(monitor))
        .filter(notifications::Column::DeliveryStatus.eq(DeliveryStatus::Held))
        .order_by_asc(notifications::Column::CreatedAt)
        .order_by_asc(notifications::Column::Id)
        .all(&txn)
        .await?;
    if let Some(end) = held_until(&txn, monitor, now).await? {
        set(&txn, held.iter().map(|n| n.id), DeliveryStatus::Held, Some(end), None).await?;
        txn.commit().await?;
        return Ok(Vec::new());
    }
    let (send, suppress) = net_effect(&held);
    set(&txn, suppress.iter().copied(), DeliveryStatus::Suppressed, None, Some(SUPPRESSED)).await?;
    set(&txn, send.iter().copied(), DeliveryStatus::Pending, Some(now), None).await?;
    txn.commit().await?;
    if !send.is_empty() || !suppress.is_empty() {
        tracing::info!(monitor_id = %monitor, sent = send.len(), suppressed = suppress.len(), "maintenance over: held notifications released");
    }
    Ok(send)
}

/// Which held notifications (oldest first) to send and which to suppress:
/// per channel, incident alerts cancel in pairs and the odd one out (the
/// last) is sent; every other event is sent.
pub fn net_effect(held: &[notifications::Model]) -> (Vec<Uuid>, Vec<Uuid>) {
    let mut alerts: BTreeMap<Option<Uuid>, Vec<Uuid>> = BTreeMap::new();
    let mut send = Vec::new();
    for n in held {
        if matches!(n.event, NotificationEvent::Down | NotificationEvent::Up) {
            alerts.entry(n.channel_id).or_default().push(n.id);
        } else {
            send.push(n.id);
        }
    }
    let mut suppress = Vec::new();
    for mut ids in alerts.into_values() {
        if ids.len() % 2 == 1 {
            send.extend(ids.pop());
        }
        suppress.extend(ids);
    }
    (send, suppress)
}

/// Moves the held rows `ids` (and only while still held) to `status`.
async fn set<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = Uuid>,
    status: DeliveryStatus,
    next: Option<DateTime<Utc>>,
    error: Option<&str>,
) -> Result<(), DbErr> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(());
    }
    let mut update = notifications::Entity::update_many()
        .col_expr(notifications::Column::DeliveryStatus, Expr::value(status))
        .col_expr(notifications::Column::NextAttemptAt, Expr::value(next));
    if let Some(error) = error {
        update = update.col_expr(notifications::Column::LastError, Expr::value(error));
    }
    update
        .filter(notifications::Column::Id.is_in(ids))
        .filter(notifications::Column::DeliveryStatus.eq(DeliveryStatus::Held))
        .exec(db)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use kinds::ChannelKind;

    use super::*;

    fn held(channel: u128, event: NotificationEvent) -> notifications::Model {
        notifications::Model {
            id: Uuid::now_v7(),
            monitor_id: Uuid::nil(),
            incident_id: None,
            channel_id: Some(Uuid::from_u128(channel)),
            event,
            prev_status: None,
            current_status: None,
            channel: ChannelKind::Webhook,
            recipient: "hook".into(),
            delivery_status: DeliveryStatus::Held,
            attempts: 0,
            last_error: None,
            region: "default".into(),
            created_at: Utc::now(),
            next_attempt_at: None,
            sent_at: None,
            detail: None,
        }
    }

    #[test]
    fn alerts_cancel_in_pairs_per_channel_and_the_odd_last_one_is_sent() {
        use NotificationEvent::{CertificateExpiring, Down, Up};
        let rows = [held(1, Down), held(1, Up), held(1, Down), held(2, Down), held(2, Up)];
        let (send, suppress) = net_effect(&rows);
        assert_eq!(send, [rows[2].id], "channel 1 is down at the end: its last down only");
        assert_eq!(suppress.len(), 4, "channel 2's blip and channel 1's first pair");
        let notice = [held(1, CertificateExpiring), held(1, Up)];
        let (send, suppress) = net_effect(&notice);
        assert_eq!(send.len(), 2, "a notice is not an alert, and a lone up is the net change");
        assert!(suppress.is_empty());
    }
}
