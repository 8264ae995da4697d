//! A monitor's pages: its detail page (state, runners or DNS answers, chart, checks,
//! incidents, notifications) and the create/edit form.

mod chart;
mod checks;
mod detail;
mod dns;
mod form;
mod history;
mod runners;

pub use detail::MonitorPage;
pub use form::{MonitorEdit, MonitorNew};
