//! Maintenance windows for the owner's page: list (with the next
//! occurrences the service computes), create or change from the form's
//! text (times in UTC), delete.

use chrono::{DateTime, NaiveDateTime, Utc};
use domain::maintenance::{MaintenanceInput, MaintenanceService, MaintenanceView};
use domain::monitors::MonitorFilter;
use kinds::MaintenanceKind;
use leptos::prelude::*;

use super::{monitor_service, parse_id, signed_in};
use crate::dto::{MaintenanceData, MaintenanceForm, MaintenanceItem, MonitorChoice};
use crate::error::AppError;

/// What a `datetime-local` input sends and shows.
const LOCAL: &str = "%Y-%m-%dT%H:%M";

fn service() -> Result<MaintenanceService, AppError> {
    use_context::<MaintenanceService>().ok_or_else(AppError::internal)
}

/// The caller's windows and the monitors they may cover.
pub async fn list() -> Result<MaintenanceData, AppError> {
    let caller = signed_in()?;
    let filter = MonitorFilter { limit: 1_000, ..Default::default() };
    let monitors: Vec<MonitorChoice> = monitor_service()?
        .list(&caller, &filter)
        .await?
        .monitors
        .into_iter()
        .map(|m| MonitorChoice { id: m.id.to_string(), name: m.name })
        .collect();
    let pages: Vec<MonitorChoice> = use_context::<super::status_pages::StatusPages>()
        .ok_or_else(AppError::internal)?
        .service
        .list(&caller)
        .await?
        .into_iter()
        .map(|p| MonitorChoice { id: p.id.to_string(), name: p.title })
        .collect();
    let windows = service()?.list(&caller).await?;
    Ok(MaintenanceData {
        windows: windows.into_iter().map(|w| item(w, &monitors, &pages)).collect(),
        monitors,
        pages,
    })
}

fn item(
    w: MaintenanceView,
    monitors: &[MonitorChoice],
    pages: &[MonitorChoice],
) -> MaintenanceItem {
    let ids: Vec<String> = w.monitor_ids.iter().map(ToString::to_string).collect();
    let page_ids: Vec<String> = w.status_page_ids.iter().map(ToString::to_string).collect();
    let utc = |at: DateTime<Utc>| at.format("%Y-%m-%d %H:%M UTC").to_string();
    MaintenanceItem {
        id: w.id.to_string(),
        title: w.title,
        description: w.description,
        time_zone: w.time_zone,
        kind: w.kind,
        starts_at: w.starts_at.format(LOCAL).to_string(),
        ends_at: w.ends_at.map(|at| at.format(LOCAL).to_string()).unwrap_or_default(),
        rule: w.rule.unwrap_or_default(),
        duration_secs: w.duration_secs.map(|s| s.to_string()).unwrap_or_default(),
        monitors: monitors.iter().filter(|m| ids.contains(&m.id)).map(|m| m.name.clone()).collect(),
        monitor_ids: ids,
        pages: pages.iter().filter(|p| page_ids.contains(&p.id)).map(|p| p.name.clone()).collect(),
        status_page_ids: page_ids,
        tags: w.tags,
        announce: w.announce,
        active: w.active,
        occurrences: w
            .occurrences
            .iter()
            .map(|o| format!("{} – {}", utc(o.start), utc(o.end)))
            .collect(),
    }
}

/// Creates a window from the form, or changes one.
pub async fn save(form: MaintenanceForm) -> Result<(), AppError> {
    let caller = signed_in()?;
    let service = service()?;
    let input = input(&form)?;
    if form.id.trim().is_empty() {
        service.create(&caller, input).await?;
    } else {
        let window = service.authorize(&caller, parse_id(&form.id, "maintenance window")?).await?;
        service.update(window, input).await?;
    }
    Ok(())
}

fn input(form: &MaintenanceForm) -> Result<MaintenanceInput, AppError> {
    let kind = form.kind.trim().parse::<MaintenanceKind>().map_err(|_| {
        AppError::invalid("kind", "Kind must be one-off, a repeating rule or a cron pattern")
    })?;
    let time = |field: &str, raw: &str| -> Result<Option<DateTime<Utc>>, AppError> {
        match raw.trim() {
            "" => Ok(None),
            raw => NaiveDateTime::parse_from_str(raw, LOCAL)
                .map(|t| Some(t.and_utc()))
                .map_err(|_| AppError::invalid(field, "Give a date and time")),
        }
    };
    let text = |raw: &str| Some(raw.trim().to_owned()).filter(|t| !t.is_empty());
    let duration_secs = match form.duration_secs.trim() {
        "" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| {
            AppError::invalid("duration_secs", "Give the duration in whole seconds")
        })?),
    };
    let monitor_ids = form
        .monitor_ids
        .iter()
        .map(|id| id.parse().map_err(|_| AppError::invalid("monitor_ids", "Unknown monitor")))
        .collect::<Result<Vec<_>, _>>()?;
    let status_page_ids = form
        .status_page_ids
        .iter()
        .map(|id| id.parse().map_err(|_| AppError::invalid("status_page_ids", "Unknown page")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(MaintenanceInput {
        title: Some(form.title.clone()),
        description: Some(form.description.clone()),
        time_zone: text(&form.time_zone),
        kind: Some(kind),
        starts_at: time("starts_at", &form.starts_at)?,
        ends_at: time("ends_at", &form.ends_at)?,
        rule: text(&form.rule),
        duration_secs,
        monitor_ids: Some(monitor_ids),
        status_page_ids: Some(status_page_ids),
        tags: Some(domain::monitors::tags::split(&form.tags)),
        announce: Some(form.announce == "on"),
        ..Default::default()
    })
}

/// Deletes one of the caller's windows.
pub async fn delete(id: String) -> Result<(), AppError> {
    let caller = signed_in()?;
    let service = service()?;
    let window = service.authorize(&caller, parse_id(&id, "maintenance window")?).await?;
    service.delete(window).await?;
    Ok(())
}
