//! Notification channels: list, create, change, delete, send a test.

use leptos::prelude::*;

use crate::dto::{ChannelCreated, ChannelForm, ChannelItem, TestOutcome};
use crate::error::AppError;

/// The caller's channels.
#[server(prefix = "/rpc", endpoint = "channels")]
pub async fn list_channels() -> Result<Vec<ChannelItem>, AppError> {
    crate::server::channels::list().await.map_err(crate::server::with_status)
}

/// Creates a channel (empty `form.id`) or changes one.
#[server(prefix = "/rpc", endpoint = "save_channel")]
pub async fn save_channel(form: ChannelForm) -> Result<ChannelCreated, AppError> {
    crate::server::channels::save(form).await.map_err(crate::server::with_status)
}

/// Deletes a channel; monitors stop notifying it.
#[server(prefix = "/rpc", endpoint = "delete_channel")]
pub async fn delete_channel(id: String) -> Result<(), AppError> {
    crate::server::channels::delete(id).await.map_err(crate::server::with_status)
}

/// Sends a test message now and reports what happened.
#[server(prefix = "/rpc", endpoint = "test_channel")]
pub async fn test_channel(id: String) -> Result<TestOutcome, AppError> {
    crate::server::channels::test(id).await.map_err(crate::server::with_status)
}
