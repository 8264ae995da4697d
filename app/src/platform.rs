//! The few things that differ between the server render and the browser,
//! gated here once so that pages and components stay free of `cfg`.

use crate::dto::StatsData;

/// Draws the response-time chart into the element `id` (browser only; the
/// server renders the empty container).
#[cfg(feature = "hydrate")]
pub fn draw_response_chart(id: &'static str, stats: &StatsData) {
    crate::browser::chart::draw_response_chart(id, stats);
}

/// Draws the response-time chart into the element `id` (browser only; the
/// server renders the empty container).
#[cfg(not(feature = "hydrate"))]
pub fn draw_response_chart(_id: &'static str, _stats: &StatsData) {}

/// Sets the HTTP status of the page being rendered on the server, e.g. 403
/// for a forbidden page; nothing in the browser.
#[cfg(feature = "ssr")]
pub fn set_page_status(code: u16) {
    if let (Some(response), Ok(status)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        response.set_status(status);
    }
}

/// Sets the HTTP status of the page being rendered on the server, e.g. 403
/// for a forbidden page; nothing in the browser.
#[cfg(not(feature = "ssr"))]
pub fn set_page_status(_code: u16) {}
