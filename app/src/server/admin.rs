//! The admin console and dashboard: users, and the whole installation at a
//! glance. ADMIN only.

use std::collections::HashMap;

use chrono::Utc;
use domain::accounts::{AdminUserView, Role, UserChanges};
use domain::history::overview;
use domain::monitors::MonitorFilter;
use uuid::Uuid;

use super::convert::when;
use super::errors::internal;
use super::monitors::rows;
use super::{accounts, admin, client, database, monitor_service, parse_id, ports};
use crate::dto::{AdminOverview, AdminUser, Overview};
use crate::error::AppError;

/// Monitors listed on the admin dashboard.
const OVERVIEW_MONITORS: u64 = 500;

fn user(view: AdminUserView) -> AdminUser {
    AdminUser {
        id: view.id.to_string(),
        email: view.email,
        role: view.role,
        disabled: view.disabled,
        monitor_count: view.monitor_count,
        created: when(view.created_at, Utc::now()),
    }
}

/// Every user, for the admin console.
pub async fn users() -> Result<Vec<AdminUser>, AppError> {
    admin()?;
    Ok(accounts()?.list_users().await?.into_iter().map(user).collect())
}

/// Changes a user's role or disabled flag (empty strings keep them).
pub async fn update_user(
    id: String,
    role: String,
    disabled: String,
) -> Result<AdminUser, AppError> {
    let admin = admin()?;
    let role = match role.trim() {
        "" => None,
        "USER" => Some(Role::User),
        "ADMIN" => Some(Role::Admin),
        _ => return Err(AppError::bad_request("role", "Role must be USER or ADMIN")),
    };
    let disabled = match disabled.trim() {
        "" => None,
        "true" => Some(true),
        "false" => Some(false),
        _ => return Err(AppError::bad_request("disabled", "Disabled must be true or false")),
    };
    let changes = UserChanges { role, disabled };
    let view =
        accounts()?.update_user(admin.caller(), parse_id(&id, "user")?, changes, &client()).await?;
    Ok(user(view))
}

/// Deletes a user and what they own.
pub async fn delete_user(id: String) -> Result<(), AppError> {
    let admin = admin()?;
    accounts()?.delete_user(admin.caller(), parse_id(&id, "user")?, &client()).await?;
    Ok(())
}

/// The admin dashboard: the domain overview, queue depths and every monitor.
pub async fn overview() -> Result<AdminOverview, AppError> {
    let admin = admin()?;
    let db = database()?;
    let now = Utc::now();
    let summary =
        overview::overview(&db, &admin, now).await.map_err(|e| internal("admin overview", e))?;
    let filter = MonitorFilter { all_users: true, limit: OVERVIEW_MONITORS, ..Default::default() };
    let views = monitor_service()?.list(admin.caller(), &filter).await?.monitors;
    let owners: HashMap<Uuid, String> =
        accounts()?.list_users().await?.into_iter().map(|u| (u.id, u.email)).collect();
    let mut monitors = rows(&db, &views, now).await?;
    for (row, view) in monitors.iter_mut().zip(&views) {
        row.owner = owners.get(&view.owner_id).cloned();
    }
    let queues = ports()?.0.queue_depths().await;
    Ok(AdminOverview {
        summary: Overview::new(summary, queues).map_time(|at| when(at.0, now)),
        monitors,
    })
}
