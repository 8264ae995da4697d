//! Status pages and maintenance windows: the owner's lists and changes.

use leptos::prelude::*;

use crate::dto::{
    ComponentChange, MaintenanceData, MaintenanceForm, StatusPageDetail, StatusPageForm,
    StatusPageItem,
};
use crate::error::AppError;

/// The caller's status pages.
#[server(prefix = "/rpc", endpoint = "status_pages")]
pub async fn list_status_pages() -> Result<Vec<StatusPageItem>, AppError> {
    crate::server::status_pages::list().await.map_err(crate::server::with_status)
}

/// Creates a page (empty `form.id`) or changes one.
#[server(prefix = "/rpc", endpoint = "save_status_page")]
pub async fn save_status_page(form: StatusPageForm) -> Result<StatusPageItem, AppError> {
    crate::server::status_pages::save(form).await.map_err(crate::server::with_status)
}

/// Deletes a page and its components.
#[server(prefix = "/rpc", endpoint = "delete_status_page")]
pub async fn delete_status_page(id: String) -> Result<(), AppError> {
    crate::server::status_pages::delete(id).await.map_err(crate::server::with_status)
}

/// One page with its components, the monitors to choose and badge snippets.
#[server(prefix = "/rpc", endpoint = "status_page")]
pub async fn load_status_page(id: String) -> Result<StatusPageDetail, AppError> {
    crate::server::status_pages::detail(id).await.map_err(crate::server::with_status)
}

/// Adds, moves or removes one component; the list is saved whole.
#[server(prefix = "/rpc", endpoint = "change_components")]
pub async fn change_components(change: ComponentChange) -> Result<(), AppError> {
    crate::server::status_pages::change_components(change).await.map_err(crate::server::with_status)
}

/// The caller's maintenance windows and the monitors they may cover.
#[server(prefix = "/rpc", endpoint = "maintenance_windows")]
pub async fn list_maintenance() -> Result<MaintenanceData, AppError> {
    crate::server::maintenance::list().await.map_err(crate::server::with_status)
}

/// Creates a window (empty `form.id`) or changes one.
#[server(prefix = "/rpc", endpoint = "save_maintenance_window")]
pub async fn save_maintenance(form: MaintenanceForm) -> Result<(), AppError> {
    crate::server::maintenance::save(form).await.map_err(crate::server::with_status)
}

/// Deletes a window; alerts it held are sent now if still due.
#[server(prefix = "/rpc", endpoint = "delete_maintenance_window")]
pub async fn delete_maintenance(id: String) -> Result<(), AppError> {
    crate::server::maintenance::delete(id).await.map_err(crate::server::with_status)
}
