//! The admin console and dashboard (ADMIN only).

use leptos::prelude::*;

use crate::dto::{AdminOverview, AdminUser};
use crate::error::AppError;

/// Every user with role, state and monitor count.
#[server(prefix = "/rpc", endpoint = "admin_users")]
pub async fn load_admin_users() -> Result<Vec<AdminUser>, AppError> {
    crate::server::admin::users().await.map_err(crate::server::with_status)
}

/// Changes a user's role (`USER`/`ADMIN`, empty: keep) or disabled flag
/// (`true`/`false`, empty: keep).
#[server(prefix = "/rpc", endpoint = "admin_update_user")]
pub async fn update_user(
    id: String,
    role: String,
    disabled: String,
) -> Result<AdminUser, AppError> {
    crate::server::admin::update_user(id, role, disabled).await.map_err(crate::server::with_status)
}

/// Deletes a user and everything they own.
#[server(prefix = "/rpc", endpoint = "admin_delete_user")]
pub async fn delete_user(id: String) -> Result<(), AppError> {
    crate::server::admin::delete_user(id).await.map_err(crate::server::with_status)
}

/// Every monitor, open incidents, throughput, queues, regions, failures.
#[server(prefix = "/rpc", endpoint = "admin_overview")]
pub async fn load_admin_overview() -> Result<AdminOverview, AppError> {
    crate::server::admin::overview().await.map_err(crate::server::with_status)
}
