//! A monitor's pages: its detail page (state, runners or certificate, chart, checks,
//! incidents, notifications) and the create/edit form.

mod certificate;
mod chart;
mod checks;
mod detail;
mod form;
mod history;
mod runners;

pub use detail::MonitorPage;
pub use form::{MonitorEdit, MonitorNew};
