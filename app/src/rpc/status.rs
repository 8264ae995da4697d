//! The public status page (no session).

use leptos::prelude::*;

use crate::dto::PublicStatusView;
use crate::error::AppError;

/// The published page at `slug`, as its HTML shows it.
#[server(prefix = "/rpc", endpoint = "public_status")]
pub async fn load_public_status(slug: String) -> Result<PublicStatusView, AppError> {
    crate::server::status::public_page(slug).await.map_err(crate::server::with_status)
}
