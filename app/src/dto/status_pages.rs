//! Status pages and maintenance windows as the owner's pages show and edit
//! them.

use kinds::{ComponentKind, ComponentState, MaintenanceKind, PageTheme};
use serde::{Deserialize, Serialize};

/// A status page, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusPageItem {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub logo_url: String,
    pub theme: PageTheme,
    pub footer: String,
    pub published: bool,
    pub indexable: bool,
    /// Seconds before a draft from a monitor's incident publishes itself.
    pub auto_publish_delay_secs: u32,
}

/// The page form as the browser posts it; checkboxes are `on` or absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct StatusPageForm {
    /// Empty for a new page.
    pub id: String,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub logo_url: String,
    pub theme: String,
    pub footer: String,
    pub published: String,
    pub indexable: String,
    /// Seconds; empty keeps the page's (or the default on create).
    pub auto_publish_delay_secs: String,
}

/// One component of a page; a group with its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentItem {
    pub id: String,
    pub kind: ComponentKind,
    pub public_name: String,
    /// A monitor component's monitor, by the owner's name for it.
    pub monitor_name: Option<String>,
    pub static_state: Option<ComponentState>,
    pub show_latency: bool,
    pub members: Vec<ComponentItem>,
    /// Markdown and HTML of its status badge.
    pub badge: BadgeSnippets,
}

/// A badge to copy: its image's address and the snippets embedding it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeSnippets {
    /// The image's absolute address (public URL).
    pub image: String,
    /// The same, from this site's root: the preview (the pages' policy
    /// allows images from the site itself only).
    pub preview: String,
    pub markdown: String,
    pub html: String,
}

/// A monitor to choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitorChoice {
    pub id: String,
    pub name: String,
}

/// Everything the page editor shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusPageDetail {
    pub page: StatusPageItem,
    /// Where the public page is.
    pub public_url: String,
    pub badge: BadgeSnippets,
    pub components: Vec<ComponentItem>,
    pub monitors: Vec<MonitorChoice>,
    /// Public incidents, newest first.
    pub incidents: Vec<super::PageIncidentItem>,
    pub subscribers: super::PageFollowers,
}

/// One change to a page's component list, as a form posts it: `add` (to
/// the top level, or into the group `parent_id`), `up`, `down`, `remove`
/// (of `component_id`). The list is saved whole after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ComponentChange {
    pub page_id: String,
    pub op: String,
    pub component_id: String,
    pub kind: String,
    pub public_name: String,
    pub monitor_id: String,
    pub static_state: String,
    pub parent_id: String,
    pub show_latency: String,
}

/// A maintenance window as its owner sees it; times in UTC, formatted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceItem {
    pub id: String,
    pub title: String,
    pub description: String,
    pub time_zone: String,
    pub kind: MaintenanceKind,
    /// `YYYY-MM-DDTHH:MM` in UTC, as a `datetime-local` input takes it.
    pub starts_at: String,
    pub ends_at: String,
    pub rule: String,
    pub duration_secs: String,
    pub monitor_ids: Vec<String>,
    /// The monitors' names, for the list.
    pub monitors: Vec<String>,
    pub status_page_ids: Vec<String>,
    /// The status pages' titles, for the list.
    pub pages: Vec<String>,
    /// The tags whose monitors it covers.
    pub tags: Vec<String>,
    /// Whether status page subscribers are told of it.
    pub announce: bool,
    pub active: bool,
    /// The current and next occurrences, `start – end` in UTC.
    pub occurrences: Vec<String>,
}

/// The maintenance page's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceData {
    pub windows: Vec<MaintenanceItem>,
    pub monitors: Vec<MonitorChoice>,
    /// The user's status pages (`name`: the title).
    pub pages: Vec<MonitorChoice>,
}

/// The window form as the browser posts it (times in UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct MaintenanceForm {
    /// Empty for a new window.
    pub id: String,
    pub title: String,
    pub description: String,
    pub time_zone: String,
    pub kind: String,
    pub starts_at: String,
    pub ends_at: String,
    pub rule: String,
    pub duration_secs: String,
    pub monitor_ids: Vec<String>,
    pub status_page_ids: Vec<String>,
    /// Comma-separated tags.
    pub tags: String,
    /// `on`: tell the pages' subscribers.
    pub announce: String,
}
