//! A monitor's pages: its detail page (state; runners, pings, DNS answers,
//! certificate or registration; chart, checks,
//! incidents, notifications; an HTTP monitor's assertions) and the
//! create/edit form.

mod assertions;
mod certificate;
mod chart;
mod checks;
mod detail;
mod dns;
mod form;
mod heartbeat;
mod history;
mod registration;
mod request;
mod runners;

pub use detail::MonitorPage;
pub use form::{MonitorEdit, MonitorNew};
