//! The public status page's data: the cached `PublicPage` (the same read as
//! the public JSON), formatted for the HTML. No session is needed or used.

use chrono::{DateTime, Utc};
use domain::status_pages::{
    pass_in, DayUptime, PublicComponent, PublicIncident, PublicMaintenance, StatusPageService,
};
use kinds::IncidentPhase;
use leptos::prelude::*;

use crate::dto::{
    ComponentView, DayBar, DayLevel, IncidentView, MaintenanceNotice, PublicStatusView, UpdateView,
};
use crate::error::AppError;

/// The published page at `slug` (404 for an unpublished or unknown one).
pub async fn public_page(slug: String) -> Result<PublicStatusView, AppError> {
    let service = use_context::<StatusPageService>().ok_or_else(AppError::internal)?;
    // A protected page opens with the pass its password form set.
    let cookies = use_context::<http::request::Parts>()
        .and_then(|parts| parts.headers.get(http::header::COOKIE).cloned())
        .and_then(|value| value.to_str().ok().map(str::to_owned))
        .unwrap_or_default();
    let page = service.public_for(&slug, pass_in(&cookies, &slug)).await?;
    Ok(PublicStatusView {
        slug: page.slug.clone(),
        title: page.title.clone(),
        description: page.description.clone(),
        logo_url: page.logo_url.clone(),
        theme: page.theme,
        footer: page.footer.clone(),
        indexable: page.indexable,
        state: page.state,
        components: page.components.iter().map(component).collect(),
        maintenance: page.maintenance.iter().map(notice).collect(),
        incidents: page.incidents.iter().map(incident).collect(),
        generated: minute(page.generated_at),
    })
}

fn component(c: &PublicComponent) -> ComponentView {
    ComponentView {
        id: c.id.to_string(),
        name: c.name.clone(),
        description: c.description.clone(),
        state: c.state,
        bars: c.uptime_days.iter().map(bar).collect(),
        uptime: overall(&c.uptime_days),
        latency_ms: c.latency_ms.clone(),
        members: c.members.iter().map(component).collect(),
    }
}

fn bar(day: &DayUptime) -> DayBar {
    let figure = match day.uptime {
        Some(u) => format!("{u:.2} %"),
        None => "no data".to_owned(),
    };
    let label = if day.maintenance {
        format!("{}: {figure}, maintenance", day.date)
    } else {
        format!("{}: {figure}", day.date)
    };
    DayBar { level: DayLevel::of(day.uptime, day.maintenance), label }
}

/// The mean of the days with data: each day weighs the same, as the bars
/// show them (a day of one check is a whole bar).
fn overall(days: &[DayUptime]) -> Option<String> {
    let known: Vec<f64> = days.iter().filter_map(|d| d.uptime).collect();
    if known.is_empty() {
        return None;
    }
    let mean = known.iter().sum::<f64>() / known.len() as f64;
    // Rounded down, so that any failure keeps it under 100.
    Some(format!("{:.2} %", (mean * 100.0).floor() / 100.0))
}

fn notice(m: &PublicMaintenance) -> MaintenanceNotice {
    let same_day = m.starts_at.date_naive() == m.ends_at.date_naive();
    let end = if same_day {
        m.ends_at.format("%H:%M UTC")
    } else {
        m.ends_at.format("%Y-%m-%d %H:%M UTC")
    };
    MaintenanceNotice {
        title: m.title.clone(),
        description: m.description.clone(),
        when: format!("{} – {end}", m.starts_at.format("%Y-%m-%d %H:%M")),
        active: m.active,
        components: m.components.clone(),
    }
}

fn incident(i: &PublicIncident) -> IncidentView {
    IncidentView {
        title: i.title.clone(),
        phase: phase(i.phase).to_owned(),
        active: i.resolved_at.is_none(),
        impacts: i
            .impacts
            .iter()
            .map(|m| format!("{}: {}", m.component, m.impact.as_str().replace('_', " ")))
            .collect(),
        updates: i
            .updates
            .iter()
            .map(|u| UpdateView {
                phase: phase(u.phase).to_owned(),
                html: u.html.clone(),
                posted: match u.edited_at {
                    Some(_) => format!("{} (edited)", minute(u.posted_at)),
                    None => minute(u.posted_at),
                },
            })
            .collect(),
        postmortem_html: i.postmortem_html.clone(),
    }
}

fn phase(p: IncidentPhase) -> &'static str {
    match p {
        IncidentPhase::Investigating => "Investigating",
        IncidentPhase::Identified => "Identified",
        IncidentPhase::Monitoring => "Monitoring",
        IncidentPhase::Resolved => "Resolved",
    }
}

fn minute(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}
