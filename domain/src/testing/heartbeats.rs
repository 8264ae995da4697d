//! Heartbeat monitors set in the past, so tests judge lateness without
//! waiting for it: the monitor has been watched for a while and is due
//! for the sweep now.

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::entities::{heartbeats, monitors};
use crate::pipeline::scheduling::to_millis;

/// The monitor has been watched (created) for `by`, and the scheduler may
/// claim it now.
pub async fn watched_for(db: &DatabaseConnection, monitor_id: Uuid, by: Duration) {
    let now = Utc::now();
    heartbeats::Entity::update_many()
        .col_expr(heartbeats::Column::WatchedSince, Expr::value(now - by))
        .filter(heartbeats::Column::MonitorId.eq(monitor_id))
        .exec(db)
        .await
        .expect("backdate the heartbeat");
    monitors::Entity::update_many()
        .col_expr(monitors::Column::NextCheckAt, Expr::value(to_millis(now)))
        .filter(monitors::Column::Id.eq(monitor_id))
        .exec(db)
        .await
        .expect("due now");
}

/// The token of a heartbeat monitor's ping URL, from the URL the API shows.
pub fn token_of(ping_url: &str) -> String {
    ping_url.rsplit('/').next().unwrap_or_default().to_owned()
}
