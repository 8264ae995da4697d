//! The words the server and the browser share. Only serde (and, for the
//! server's API document, utoipa behind the `schema` feature): this crate is
//! compiled to wasm with the UI and natively with the domain, so one
//! definition serves both sides (no copies to keep in step).

mod counts;
mod dns;
mod error;
mod http;
mod macros;
mod pages;
mod words;

pub use counts::StatusCounts;
pub use dns::{DnsAssertionOp, DnsRcode, DnsRecordType, DnsResolverMode, Severity};
pub use error::ErrorKind;
pub use http::{AssertionOp, AssertionSource, HttpPhase, HttpVersionPref};
pub use macros::UnknownWord;
pub use pages::{
    ComponentImpact, ComponentKind, ComponentState, IncidentPhase, PageEventKind, PageTheme,
    PublicIncidentState, SubscriberKind, SubscriberState,
};
pub use words::{
    ChannelKind, DeliveryStatus, HttpMethod, IncidentEventKind, MaintenanceKind, MonitorKind,
    NotificationEvent, OutageStatus, Role, RunnerStatus, StatsWindow, Status, TokenScope,
};
