//! Monitors: what to check, how often, and what their checks say.

pub mod access;
pub mod github;
pub mod http;
pub mod icmp;
pub mod input;
pub mod request;
mod secrets;
pub mod service;
pub mod spec;
pub mod status;
pub mod tags;
pub mod view;

pub use access::{Access, MonitorRef, Read, Write};
pub use github::{GithubRunnersInput, GithubRunnersSpec, GithubRunnersView, GITHUB_API};
pub use http::HttpInput;
pub use icmp::{IcmpInput, IcmpSpec};
pub use input::{MonitorInput, MonitorSettings, Target};
pub use kinds::MonitorKind;
pub use service::{MonitorError, MonitorService};
pub use spec::{HttpSpec, SpecError, StatusRange, TcpSpec};
pub use status::Status;
pub use view::{MonitorFilter, MonitorPage, MonitorView};
