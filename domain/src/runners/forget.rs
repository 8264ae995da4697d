//! Forgetting runners: one decommissioned runner (its open outage is closed
//! quietly), or all of a monitor's when it is pointed at another repository.
//! The outage history stays.

use chrono::Utc;
use kinds::IncidentEventKind;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use crate::entities::{
    github_listings, github_runners, incident_events, incidents, status_changes,
};
use crate::monitors::{MonitorRef, Write};

/// Forgets every runner and the listing of a monitor, inside the monitor
/// service's update (which holds the write grant).
pub(crate) async fn forget_all(
    db: &impl ConnectionTrait,
    monitor_id: Uuid,
    reason: &str,
) -> Result<(), DbErr> {
    close(db, monitor_id, None, reason).await?;
    github_runners::Entity::delete_many()
        .filter(github_runners::Column::MonitorId.eq(monitor_id))
        .exec(db)
        .await?;
    github_listings::Entity::delete_by_id(monitor_id).exec(db).await?;
    Ok(())
}

/// Forgets one runner of a monitor; `false` when there is none of that name.
/// Should GitHub still list it, the next check sees it as new.
pub async fn forget_runner(monitor: &MonitorRef<Write>, name: &str) -> Result<bool, DbErr> {
    let monitor_id = monitor.id();
    let txn = crate::db::begin_write(monitor.db()).await?;
    let deleted = github_runners::Entity::delete_many()
        .filter(github_runners::Column::MonitorId.eq(monitor_id))
        .filter(github_runners::Column::Name.eq(name))
        .exec(&txn)
        .await?;
    if deleted.rows_affected == 0 {
        txn.rollback().await?;
        return Ok(false);
    }
    close(&txn, monitor_id, Some(name), &format!("Runner {name} was removed from RunState"))
        .await?;
    // A 304 would reuse the stored runners: list in full next time.
    github_listings::Entity::update_many()
        .col_expr(github_listings::Column::Pages, Expr::value("[]"))
        .filter(github_listings::Column::MonitorId.eq(monitor_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(true)
}

/// Closes the open outages (of one runner, or of all) with a timeline entry,
/// and retires their pending status changes so none opens an outage later.
async fn close(
    db: &impl ConnectionTrait,
    monitor_id: Uuid,
    runner: Option<&str>,
    reason: &str,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let subject = match runner {
        Some(name) => incidents::Column::Subject.eq(name),
        None => incidents::Column::Subject.ne(""),
    };
    let pending_subject = match runner {
        Some(name) => status_changes::Column::Subject.eq(name),
        None => status_changes::Column::Subject.ne(""),
    };
    status_changes::Entity::update_many()
        .col_expr(status_changes::Column::ProcessedAt, Expr::value(now))
        .filter(status_changes::Column::MonitorId.eq(monitor_id))
        .filter(pending_subject)
        .filter(status_changes::Column::ProcessedAt.is_null())
        .exec(db)
        .await?;
    let open = incidents::Entity::find()
        .filter(incidents::Column::MonitorId.eq(monitor_id))
        .filter(subject)
        .filter(incidents::Column::ResolvedAt.is_null())
        .all(db)
        .await?;
    for incident in open {
        incidents::Entity::update_many()
            .col_expr(incidents::Column::ResolvedAt, Expr::value(now))
            .filter(incidents::Column::Id.eq(incident.id))
            .exec(db)
            .await?;
        incident_events::ActiveModel {
            id: Set(Uuid::now_v7()),
            incident_id: Set(incident.id),
            at: Set(now),
            kind: Set(IncidentEventKind::Closed),
            message: Set(reason.to_owned()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
