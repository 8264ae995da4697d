//! A monitor's pages: its detail page (state; runners, pings, certificate or
//! registration; chart, checks,
//! incidents, notifications) and the create/edit form.

mod certificate;
mod chart;
mod checks;
mod detail;
mod form;
mod heartbeat;
mod history;
mod registration;
mod runners;

pub use detail::MonitorPage;
pub use form::{MonitorEdit, MonitorNew};
