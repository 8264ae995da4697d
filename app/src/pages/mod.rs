//! One module per page.

mod account;
mod account_tokens;
mod admin;
mod auth_forms;
mod channels;
pub(crate) mod dashboard;
mod forbidden;
mod home;
mod maintenance;
mod monitor;
mod not_found;
mod page_incidents;
mod status_page;
mod status_page_edit;
mod status_pages;

pub use account::Account;
pub use admin::{AdminOverview, AdminUsers};
pub use auth_forms::{SignIn, SignUp};
pub use channels::Channels;
pub use dashboard::Dashboard;
pub use forbidden::Forbidden;
pub use home::Home;
pub use maintenance::Maintenance;
pub use monitor::{MonitorEdit, MonitorNew, MonitorPage};
pub use not_found::NotFound;
pub use status_page::StatusPage;
pub use status_page_edit::StatusPageEdit;
pub use status_pages::StatusPages;
