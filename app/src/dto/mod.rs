//! Data the server sends to pages, shared by both sides. Times arrive
//! already formatted by the server, so both renders agree on the text.

mod account;
mod admin;
mod certificates;
mod channels;
mod monitors;
mod page_incidents;
mod runners;
mod status;
mod status_pages;

use kinds::{MonitorKind, Role, Status};
use serde::{Deserialize, Serialize};

pub use account::{NewToken, SessionItem, TokenItem};
#[cfg(feature = "ssr")]
pub use admin::Instant;
pub use admin::{AdminOverview, AdminUser, Failure, Overview, QueueDepth, RegionSeen};
pub use certificates::{CertificateData, CertificateItem, RegistrationData};
pub use channels::{ChannelCreated, ChannelForm, ChannelItem, TestOutcome};
pub use monitors::{
    AssertionRow, ChannelOption, CheckItem, CheckPage, DashboardData, DnsAnswersData,
    HeartbeatData, IncidentItem, MonitorDetail, MonitorForm, MonitorFormData, MonitorRow,
    NotificationItem, PhaseTimes, RunItem, StatsData, StatusCounts, TagChip, TimelineItem, Uptime,
};
pub use page_incidents::{
    IncidentChange, IncidentForm, PageFollowers, PageIncidentItem, PageUpdateItem, SubscriberItem,
};
pub use runners::{OutageItem, RunnerItem, RunnersData};
pub use status::{
    banner, state_label, ComponentView, DayBar, DayLevel, IncidentView, MaintenanceNotice,
    PublicStatusView, UpdateView,
};
pub use status_pages::{
    BadgeSnippets, ComponentChange, ComponentItem, MaintenanceData, MaintenanceForm,
    MaintenanceItem, MonitorChoice, StatusPageDetail, StatusPageForm, StatusPageItem,
};

/// The signed-in user, as the UI needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: String,
    pub email: String,
    pub role: Role,
}

impl CurrentUser {
    /// Whether admin pages are open to this user.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// A moment, machine-readable and as people read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct When {
    /// RFC 3339, for `<time datetime>`.
    pub iso: String,
    /// E.g. `2026-11-22 10:03:04 UTC`.
    pub text: String,
    /// E.g. `12s ago`, relative to when the server answered.
    pub ago: String,
}

/// How a monitor kind is named on its page.
pub fn kind_name(kind: MonitorKind) -> &'static str {
    match kind {
        MonitorKind::Http => "HTTP",
        MonitorKind::Tcp => "TCP",
        MonitorKind::GithubRunners => "GitHub runners",
        MonitorKind::Dns => "DNS",
        MonitorKind::Tls => "TLS certificate",
        MonitorKind::Domain => "Domain registration",
        MonitorKind::Icmp => "Ping",
        MonitorKind::Heartbeat => "Heartbeat",
    }
}

/// The words for a status, so that colour never carries it alone.
pub fn status_label(status: Status) -> &'static str {
    match status {
        Status::Up => "Up",
        Status::Down => "Down",
        Status::Degraded => "Degraded",
        Status::Paused => "Paused",
        Status::Unknown => "Unknown",
    }
}
