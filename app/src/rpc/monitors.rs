//! Monitors: the dashboard, one monitor's page and history, the form, and
//! pausing, resuming and deleting.

use kinds::StatsWindow;
use leptos::prelude::*;

use crate::dto::{
    CheckPage, DashboardData, MonitorDetail, MonitorForm, MonitorFormData, StatsData,
};
use crate::error::AppError;

/// The caller's monitors, filtered by status and a search text, with counts.
#[server(prefix = "/rpc", endpoint = "dashboard")]
pub async fn load_dashboard(
    status: String,
    search: String,
    // Optional: a client from before tags sends none.
    #[server(default)] tag: String,
) -> Result<DashboardData, AppError> {
    crate::server::monitors::dashboard(status, search, tag)
        .await
        .map_err(crate::server::with_status)
}

/// One monitor with its uptime, incidents and notifications.
#[server(prefix = "/rpc", endpoint = "monitor")]
pub async fn load_monitor(id: String) -> Result<MonitorDetail, AppError> {
    crate::server::monitors::detail(id).await.map_err(crate::server::with_status)
}

/// A monitor's statistics and chart series over `window` (1h, 24h, 7d, 30d).
#[server(prefix = "/rpc", endpoint = "monitor_stats")]
pub async fn load_stats(id: String, window: StatsWindow) -> Result<StatsData, AppError> {
    crate::server::history::stats(id, window).await.map_err(crate::server::with_status)
}

/// A page of a monitor's checks, newest first, older than `cursor`.
#[server(prefix = "/rpc", endpoint = "monitor_checks")]
pub async fn load_checks(id: String, cursor: String) -> Result<CheckPage, AppError> {
    crate::server::history::checks(id, cursor).await.map_err(crate::server::with_status)
}

/// The form's starting values (a new monitor when `id` is empty) and the
/// channels to choose from.
#[server(prefix = "/rpc", endpoint = "monitor_form")]
pub async fn load_monitor_form(id: String) -> Result<MonitorFormData, AppError> {
    crate::server::monitors::form_data(id).await.map_err(crate::server::with_status)
}

/// Creates or changes a monitor; returns its id.
#[server(prefix = "/rpc", endpoint = "save_monitor")]
pub async fn save_monitor(form: MonitorForm) -> Result<String, AppError> {
    crate::server::monitors::save(form).await.map_err(crate::server::with_status)
}

/// Pauses or resumes a monitor.
#[server(prefix = "/rpc", endpoint = "pause_monitor")]
pub async fn set_monitor_paused(id: String, paused: bool) -> Result<bool, AppError> {
    crate::server::monitors::set_paused(id, paused).await.map_err(crate::server::with_status)
}

/// Makes a DNS monitor's last answer its baseline.
#[server(prefix = "/rpc", endpoint = "accept_dns_answer")]
pub async fn accept_dns_answer(id: String) -> Result<(), AppError> {
    crate::server::dns::accept(id).await.map_err(crate::server::with_status)
}

/// Deletes a monitor and its history.
#[server(prefix = "/rpc", endpoint = "delete_monitor")]
pub async fn delete_monitor(id: String) -> Result<(), AppError> {
    crate::server::monitors::delete(id).await.map_err(crate::server::with_status)
}
