//! A status page's public incidents and subscribers, from its editor.

use leptos::prelude::*;

use crate::dto::{IncidentChange, IncidentForm};
use crate::error::AppError;

/// Writes a public incident with its first update.
#[server(prefix = "/rpc", endpoint = "create_public_incident")]
pub async fn create_public_incident(form: IncidentForm) -> Result<(), AppError> {
    crate::server::page_incidents::create(form).await.map_err(crate::server::with_status)
}

/// Publishes, discards or deletes an incident; posts, edits or deletes an update; sets a postmortem.
#[server(prefix = "/rpc", endpoint = "change_public_incident")]
pub async fn change_public_incident(change: IncidentChange) -> Result<(), AppError> {
    crate::server::page_incidents::change(change).await.map_err(crate::server::with_status)
}

/// Removes a subscriber of a page.
#[server(prefix = "/rpc", endpoint = "remove_page_subscriber")]
pub async fn remove_page_subscriber(
    page_id: String,
    subscriber_id: String,
) -> Result<(), AppError> {
    crate::server::page_incidents::remove_subscriber(page_id, subscriber_id)
        .await
        .map_err(crate::server::with_status)
}
