//! A monitor's pages: its detail page (state, runners or DNS answers, chart, checks,
//! A monitor's pages: its detail page (state, runners, certificate or registration, chart, checks,
//! incidents, notifications) and the create/edit form.

mod certificate;
mod chart;
mod checks;
mod detail;
mod dns;
mod form;
mod history;
mod registration;
mod runners;

pub use detail::MonitorPage;
pub use form::{MonitorEdit, MonitorNew};
