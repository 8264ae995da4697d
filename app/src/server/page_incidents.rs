//! A status page's public incidents and subscribers in its editor: the
//! lists it shows, and one change at a time from its forms (an incident
//! written, published, discarded or deleted; an update posted, edited or
//! deleted; a postmortem; a subscriber removed).

use chrono::Utc;
use domain::monitors::{Access, Write};
use domain::status_pages::incidents::{
    ComponentImpact, ImpactInput, IncidentInput, IncidentPatch, IncidentPhase, IncidentView,
    PublicIncidentState, UpdateInput, UpdatePatch,
};
use domain::status_pages::subscribers::{SubscriberState, SubscriberView};
use domain::status_pages::{PageRef, SubscriberService};
use leptos::prelude::*;

use super::status_pages::pages;
use super::{parse_id, signed_in};
use crate::dto::{
    IncidentChange, IncidentForm, PageFollowers, PageIncidentItem, PageUpdateItem, SubscriberItem,
};
use crate::error::AppError;

/// Subscribers shown in the editor (the CSV has them all).
const SHOWN: usize = 100;

fn subscribers() -> Result<SubscriberService, AppError> {
    use_context::<SubscriberService>().ok_or_else(AppError::internal)
}

fn utc(at: chrono::DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn incident(v: IncidentView) -> PageIncidentItem {
    PageIncidentItem {
        id: v.id.to_string(),
        title: v.title,
        state: v.state,
        phase: v.phase,
        impacts: v
            .impacts
            .iter()
            .map(|i| format!("{}: {}", i.component_name, i.impact.as_str().replace('_', " ")))
            .collect(),
        publish_at: v.publish_at.map(utc),
        published_at: v.published_at.map(utc),
        resolved: v.resolved_at.is_some(),
        postmortem: v.postmortem.unwrap_or_default(),
        updates: v
            .updates
            .into_iter()
            .map(|u| PageUpdateItem {
                id: u.id.to_string(),
                phase: u.phase,
                body: u.body,
                posted: utc(u.posted_at),
                edited: u.edited_at.is_some(),
            })
            .collect(),
    }
}

/// The page's incidents, newest first.
pub(super) async fn incidents_of(
    page: &PageRef<impl Access>,
) -> Result<Vec<PageIncidentItem>, AppError> {
    let list = pages()?.service.incidents().list(page).await?;
    Ok(list.into_iter().map(incident).collect())
}

/// The page's subscribers: counts and the newest [`SHOWN`]; `names` gives
/// a component's public name by id.
pub(super) async fn followers_of(
    page: &PageRef<impl Access>,
    names: &impl Fn(&uuid::Uuid) -> Option<String>,
) -> Result<PageFollowers, AppError> {
    let all = subscribers()?.list(page).await?;
    let count = |state| all.iter().filter(|s| s.state == state).count();
    let (active, pending) = (count(SubscriberState::Active), count(SubscriberState::Pending));
    let item = |s: SubscriberView| SubscriberItem {
        id: s.id.to_string(),
        kind: s.kind,
        address: s.address,
        state: s.state,
        since: utc(s.created_at),
        components: match s.component_ids {
            None => "whole page".to_owned(),
            Some(ids) => ids.iter().filter_map(names).collect::<Vec<_>>().join(", "),
        },
    };
    Ok(PageFollowers {
        active,
        pending,
        items: all.into_iter().take(SHOWN).map(item).collect(),
        export_url: format!("/api/v1/status-pages/{}/subscribers/export", page.view().id),
    })
}

async fn writable(page_id: &str) -> Result<PageRef<Write>, AppError> {
    let caller = signed_in()?;
    let id = parse_id(page_id, "status page")?;
    Ok(pages()?.service.authorize(&caller, id, Write).await?)
}

fn phase(raw: &str) -> Result<Option<IncidentPhase>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        raw => raw.parse().map(Some).map_err(|_| {
            AppError::invalid(
                "phase",
                "Phase must be investigating, identified, monitoring or resolved",
            )
        }),
    }
}

/// Writes a public incident from the editor's form.
pub async fn create(form: IncidentForm) -> Result<(), AppError> {
    let page = writable(&form.page_id).await?;
    let impact = match form.impact.trim() {
        "" => ComponentImpact::PartialOutage,
        raw => raw
            .parse()
            .map_err(|_| AppError::invalid("impact", "Choose how badly they are affected"))?,
    };
    let impacts = form
        .component_ids
        .iter()
        .map(|id| Ok(ImpactInput { component_id: parse_id(id, "component")?, impact }))
        .collect::<Result<Vec<_>, AppError>>()?;
    let input = IncidentInput {
        title: form.title,
        state: (form.draft == "on").then_some(PublicIncidentState::Draft),
        impacts,
        phase: phase(&form.phase)?,
        body: form.body,
    };
    pages()?.service.incidents().create(&page, input).await?;
    Ok(())
}

/// Applies one change to a public incident.
pub async fn change(change: IncidentChange) -> Result<(), AppError> {
    let page = writable(&change.page_id).await?;
    let incidents = pages()?.service.incidents();
    let id = parse_id(&change.incident_id, "incident")?;
    let state = |state| IncidentPatch { state: Some(state), ..Default::default() };
    match change.op.as_str() {
        "publish" => {
            drop(incidents.update(&page, id, state(PublicIncidentState::Published)).await?)
        }
        "discard" => {
            drop(incidents.update(&page, id, state(PublicIncidentState::Discarded)).await?)
        }
        "delete" => incidents.delete(&page, id).await?,
        "postmortem" => {
            let patch = IncidentPatch { postmortem: Some(change.body), ..Default::default() };
            incidents.update(&page, id, patch).await?;
        }
        "post" => {
            let phase = phase(&change.phase)?.unwrap_or(IncidentPhase::Investigating);
            incidents.post_update(&page, id, UpdateInput { phase, body: change.body }).await?;
        }
        "edit_update" => {
            let update = parse_id(&change.update_id, "update")?;
            let patch = UpdatePatch { phase: phase(&change.phase)?, body: Some(change.body) };
            incidents.edit_update(&page, id, update, patch).await?;
        }
        "delete_update" => {
            let update = parse_id(&change.update_id, "update")?;
            incidents.delete_update(&page, id, update).await?;
        }
        _ => return Err(AppError::invalid("op", "Unknown change")),
    }
    Ok(())
}

/// Removes a subscriber of one of the caller's pages.
pub async fn remove_subscriber(page_id: String, subscriber_id: String) -> Result<(), AppError> {
    let page = writable(&page_id).await?;
    subscribers()?.remove(&page, parse_id(&subscriber_id, "subscriber")?).await?;
    Ok(())
}
