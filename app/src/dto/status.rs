//! A public status page as its HTML shows it: texts and figures already
//! formatted by the server, and each day's bar already classed, so the
//! server render and the hydrated page agree to the character.

use kinds::{ComponentState, PageTheme};
use serde::{Deserialize, Serialize};

/// A published status page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicStatusView {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub logo_url: Option<String>,
    pub theme: PageTheme,
    pub footer: String,
    pub indexable: bool,
    pub state: ComponentState,
    pub components: Vec<ComponentView>,
    pub maintenance: Vec<MaintenanceNotice>,
    /// Published incidents, active or of the last 14 days, newest first.
    pub incidents: Vec<IncidentView>,
    /// When the figures were read, in UTC (`2026-12-07 17:40 UTC`).
    pub generated: String,
}

/// One component, or a group with its members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentView {
    /// Its id: what the subscribe form's checkboxes send.
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub state: ComponentState,
    /// The 90 days, oldest first; empty for a static component.
    pub bars: Vec<DayBar>,
    /// Uptime over the days with data (`99.95 %`), if any had data.
    pub uptime: Option<String>,
    /// Recent response times, when the page shows them.
    pub latency_ms: Option<Vec<Option<u32>>>,
    pub members: Vec<ComponentView>,
}

/// One day of a component's uptime bar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayBar {
    /// The bar's class: how the day went.
    pub level: DayLevel,
    /// The tooltip: `2026-12-01: 99.95 %`, `… no data`, `… maintenance`.
    pub label: String,
}

/// How a day went, as a bar's colour says it (with text in its label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DayLevel {
    /// Nothing was checked.
    NoData,
    /// A maintenance window covered part of it.
    Maintenance,
    /// At least 99.9 % healthy.
    Good,
    /// At least 99 %.
    Minor,
    /// At least 95 %.
    Partial,
    /// Below 95 %.
    Major,
}

impl DayLevel {
    /// The level of a day with `uptime` percent (`None`: no data).
    pub fn of(uptime: Option<f64>, maintenance: bool) -> Self {
        match uptime {
            _ if maintenance => Self::Maintenance,
            None => Self::NoData,
            Some(u) if u >= 99.9 => Self::Good,
            Some(u) if u >= 99.0 => Self::Minor,
            Some(u) if u >= 95.0 => Self::Partial,
            Some(_) => Self::Major,
        }
    }

    /// The CSS class of its bar.
    pub fn class(self) -> &'static str {
        match self {
            Self::NoData => "day day-none",
            Self::Maintenance => "day day-maintenance",
            Self::Good => "day day-good",
            Self::Minor => "day day-minor",
            Self::Partial => "day day-partial",
            Self::Major => "day day-major",
        }
    }
}

/// A maintenance window on now or soon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaintenanceNotice {
    pub title: String,
    pub description: String,
    /// `2026-12-08 02:00 – 04:00 UTC`.
    pub when: String,
    pub active: bool,
    pub components: Vec<String>,
}

/// A published incident and its updates, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentView {
    pub title: String,
    /// Its latest phase, in words (`Investigating`, … `Resolved`).
    pub phase: String,
    pub active: bool,
    /// `API: major outage`.
    pub impacts: Vec<String>,
    pub updates: Vec<UpdateView>,
    /// Rendered safely by the server (no raw HTML, safe links only).
    pub postmortem_html: Option<String>,
}

/// One update of an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateView {
    pub phase: String,
    /// Rendered safely by the server (no raw HTML, safe links only).
    pub html: String,
    /// `2026-12-07 17:40 UTC`, `… (edited)`.
    pub posted: String,
}

/// What a state is called on a page.
pub fn state_label(state: ComponentState) -> &'static str {
    match state {
        ComponentState::Operational => "Operational",
        ComponentState::Degraded => "Degraded performance",
        ComponentState::PartialOutage => "Partial outage",
        ComponentState::MajorOutage => "Major outage",
        ComponentState::Maintenance => "Under maintenance",
        ComponentState::NoData => "No data",
    }
}

/// The banner over a page in `state`.
pub fn banner(state: ComponentState) -> &'static str {
    match state {
        ComponentState::Operational => "All systems operational",
        ComponentState::Degraded => "Some systems are slow",
        ComponentState::PartialOutage => "Partial outage",
        ComponentState::MajorOutage => "Major outage",
        ComponentState::Maintenance => "Maintenance in progress",
        ComponentState::NoData => "No data yet",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_reads_by_threshold_and_maintenance_and_no_data_are_their_own() {
        assert_eq!(DayLevel::of(Some(100.0), false), DayLevel::Good);
        assert_eq!(DayLevel::of(Some(99.9), false), DayLevel::Good);
        assert_eq!(DayLevel::of(Some(99.89), false), DayLevel::Minor);
        assert_eq!(DayLevel::of(Some(99.0), false), DayLevel::Minor);
        assert_eq!(DayLevel::of(Some(98.99), false), DayLevel::Partial);
        assert_eq!(DayLevel::of(Some(94.99), false), DayLevel::Major);
        assert_eq!(DayLevel::of(None, false), DayLevel::NoData);
        assert_eq!(DayLevel::of(Some(50.0), true), DayLevel::Maintenance);
        assert_eq!(DayLevel::of(None, true), DayLevel::Maintenance);
    }
}
