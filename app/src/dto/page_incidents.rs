//! A status page's public incidents and subscribers, as its editor shows
//! and changes them.

use kinds::{IncidentPhase, PublicIncidentState, SubscriberKind, SubscriberState};
use serde::{Deserialize, Serialize};

/// A public incident as its page's owner sees it; times in UTC, formatted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageIncidentItem {
    pub id: String,
    pub title: String,
    pub state: PublicIncidentState,
    pub phase: IncidentPhase,
    /// `Payments: partial outage`, in page order.
    pub impacts: Vec<String>,
    /// When a draft publishes itself, if it will.
    pub publish_at: Option<String>,
    pub published_at: Option<String>,
    pub resolved: bool,
    pub postmortem: String,
    /// Newest first.
    pub updates: Vec<PageUpdateItem>,
}

/// One update of a public incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageUpdateItem {
    pub id: String,
    pub phase: IncidentPhase,
    /// Markdown, as written.
    pub body: String,
    pub posted: String,
    pub edited: bool,
}

/// A new public incident, as its form posts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct IncidentForm {
    pub page_id: String,
    pub title: String,
    /// The first update's markdown.
    pub body: String,
    pub phase: String,
    /// How badly the chosen components are affected.
    pub impact: String,
    pub component_ids: Vec<String>,
    /// `on`: keep it a draft.
    pub draft: String,
}

/// One change to a public incident, as a form posts it: `publish`,
/// `discard`, `delete`, `postmortem` (`body`), `post` (an update: `phase`,
/// `body`), `edit_update` and `delete_update` (of `update_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct IncidentChange {
    pub page_id: String,
    pub incident_id: String,
    pub op: String,
    pub update_id: String,
    pub phase: String,
    pub body: String,
}

/// A subscriber, as the page's owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriberItem {
    pub id: String,
    pub kind: SubscriberKind,
    pub address: String,
    pub state: SubscriberState,
    /// When subscribed, UTC.
    pub since: String,
    /// The chosen components' names, or "whole page".
    pub components: String,
}

/// A page's subscribers: counts, the newest, and the CSV export's address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageFollowers {
    pub active: usize,
    pub pending: usize,
    /// The newest 100.
    pub items: Vec<SubscriberItem>,
    pub export_url: String,
}
