//! The status page editor's incidents and subscribers: write a public
//! incident (or a draft), publish, discard or delete one, post, edit and
//! delete its updates, add a postmortem once it is resolved; see who
//! follows the page, export them as CSV, remove one. Every change is a
//! form posting a server function, so it works before hydration too.

use kinds::{ComponentImpact, IncidentPhase, PublicIncidentState, SubscriberState};
use leptos::prelude::*;

use crate::components::{FieldError, FormError};
use crate::dto::{PageFollowers, PageIncidentItem, PageUpdateItem, SubscriberItem};
use crate::rpc::page_incidents::{
    ChangePublicIncident, CreatePublicIncident, RemovePageSubscriber,
};

const INCIDENT_FIELDS: &[&str] = &["title", "body", "phase", "impact", "impacts"];

fn phase_label(phase: IncidentPhase) -> &'static str {
    match phase {
        IncidentPhase::Investigating => "Investigating",
        IncidentPhase::Identified => "Identified",
        IncidentPhase::Monitoring => "Monitoring",
        IncidentPhase::Resolved => "Resolved",
    }
}

#[component]
fn PhaseSelect(id: String, name: &'static str, selected: IncidentPhase) -> impl IntoView {
    view! {
        <select id=id name=name>
            {IncidentPhase::ALL.iter().map(|p| view! {
                <option value=p.as_str() selected=*p == selected>{phase_label(*p)}</option>
            }).collect_view()}
        </select>
    }
}

/// The page's public incidents and the form that writes one.
#[component]
pub fn IncidentsPanel(
    page_id: String,
    incidents: Vec<PageIncidentItem>,
    /// Every component's id and public name.
    components: Vec<(String, String)>,
    create: ServerAction<CreatePublicIncident>,
    change: ServerAction<ChangePublicIncident>,
) -> impl IntoView {
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    view! {
        <section class="card" aria-labelledby="incidents-title">
            <h2 id="incidents-title">"Incidents"</h2>
            <p class="hint">
                "What the public page tells visitors. When a monitor shown here goes down, a draft is "
                "written and published after the page's draft delay unless you edit or discard it."
            </p>
            {if incidents.is_empty() {
                view! { <p class="muted">"No incidents yet."</p> }.into_any()
            } else {
                incidents.into_iter().map(|i| view! {
                    <Incident incident=i page_id=page_id.clone() action=change/>
                }).collect_view().into_any()
            }}
            <h3>"Write an incident"</h3>
            <ActionForm action=create attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="form[page_id]" value=page_id.clone()/>
                <label for="incident-title">"Title"</label>
                <input id="incident-title" name="form[title]"/>
                <FieldError error field="title" id="incident-title"/>
                <label for="incident-body">"First update (markdown)"</label>
                <textarea id="incident-body" name="form[body]" rows="3"></textarea>
                <FieldError error field="body" id="incident-body"/>
                <label for="incident-phase">"Phase"</label>
                <PhaseSelect id="incident-phase".into() name="form[phase]" selected=IncidentPhase::Investigating/>
                <fieldset>
                    <legend>"Affected components"</legend>
                    {components.into_iter().map(|(id, name)| view! {
                        <label class="check">
                            <input type="checkbox" name="form[component_ids][]" value=id/>" "{name}
                        </label>
                    }).collect_view()}
                </fieldset>
                <label for="incident-impact">"Impact"</label>
                <select id="incident-impact" name="form[impact]">
                    {ComponentImpact::ALL.iter().map(|i| view! {
                        <option value=i.as_str() selected=*i == ComponentImpact::PartialOutage>
                            {i.as_str().replace('_', " ")}
                        </option>
                    }).collect_view()}
                </select>
                <label class="check">
                    <input type="checkbox" name="form[draft]"/>" Save as a draft (not shown yet)"
                </label>
                <FormError error fields=INCIDENT_FIELDS/>
                <div class="actions">
                    <button type="submit" disabled=move || create.pending().get()>"Write incident"</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// A hidden-field form with one button: an operation on an incident.
#[component]
fn OpButton(
    action: ServerAction<ChangePublicIncident>,
    page_id: String,
    incident_id: String,
    op: &'static str,
    label: &'static str,
    #[prop(optional)] update_id: String,
) -> impl IntoView {
    view! {
        <ActionForm action attr:class="inline">
            <input type="hidden" name="change[page_id]" value=page_id/>
            <input type="hidden" name="change[incident_id]" value=incident_id/>
            <input type="hidden" name="change[update_id]" value=update_id/>
            <input type="hidden" name="change[op]" value=op/>
            <button type="submit" class="secondary">{label}</button>
        </ActionForm>
    }
}

#[component]
fn Incident(
    incident: PageIncidentItem,
    page_id: String,
    action: ServerAction<ChangePublicIncident>,
) -> impl IntoView {
    let PageIncidentItem {
        id,
        title,
        state,
        phase,
        impacts,
        publish_at,
        published_at,
        resolved,
        postmortem,
        updates,
    } = incident;
    let status = match (state, &publish_at) {
        (PublicIncidentState::Draft, Some(at)) => format!("draft, publishes itself at {at}"),
        (PublicIncidentState::Draft, None) => "draft".to_owned(),
        (PublicIncidentState::Published, _) => {
            format!("published {}", published_at.unwrap_or_default())
        }
        (PublicIncidentState::Discarded, _) => "discarded".to_owned(),
    };
    let op = |op, label| {
        view! { <OpButton action page_id=page_id.clone() incident_id=id.clone() op label/> }
    };
    let buttons = (
        (state == PublicIncidentState::Draft).then(|| op("publish", "Publish")),
        (state != PublicIncidentState::Discarded).then(|| op("discard", "Discard")),
        op("delete", "Delete"),
    );
    let post_id = format!("update-{id}");
    let postmortem_form = resolved.then(|| {
        let (page_id, id) = (page_id.clone(), id.clone());
        let field = format!("postmortem-{id}");
        view! {
            <ActionForm action attr:class="stack">
                <input type="hidden" name="change[page_id]" value=page_id/>
                <input type="hidden" name="change[incident_id]" value=id/>
                <input type="hidden" name="change[op]" value="postmortem"/>
                <label for=field.clone()>"Postmortem (markdown; empty removes it)"</label>
                <textarea id=field name="change[body]" rows="3">{postmortem}</textarea>
                <div class="actions"><button type="submit" class="secondary">"Save postmortem"</button></div>
            </ActionForm>
        }
    });
    let updates: Vec<_> = updates
        .into_iter()
        .map(|u| view! { <Update update=u page_id=page_id.clone() incident_id=id.clone() action/> })
        .collect();
    let post_form = {
        let (page_id, id) = (page_id.clone(), id.clone());
        view! {
            <ActionForm action attr:class="stack">
                <input type="hidden" name="change[page_id]" value=page_id/>
                <input type="hidden" name="change[incident_id]" value=id/>
                <input type="hidden" name="change[op]" value="post"/>
                <label for=format!("{post_id}-phase")>"Post an update"</label>
                <PhaseSelect id=format!("{post_id}-phase") name="change[phase]" selected=phase/>
                <textarea id=post_id.clone() name="change[body]" rows="2" aria-label="New update (markdown)"></textarea>
                <div class="actions"><button type="submit">"Post update"</button></div>
            </ActionForm>
        }
    };
    view! {
        <article class="page-incident" data-testid="page-incident">
            <div class="component-row">
                <span>
                    <strong>{title}</strong>" "
                    <span class="pill">{phase_label(phase)}</span>" "
                    <span class="muted">{status}</span>
                </span>
                <span class="actions">{buttons}</span>
            </div>
            {(!impacts.is_empty()).then(|| view! { <p class="muted">{impacts.join(" · ")}</p> })}
            <ol class="update-list">{updates}</ol>
            {post_form}
            {postmortem_form}
        </article>
    }
}

#[component]
fn Update(
    update: PageUpdateItem,
    page_id: String,
    incident_id: String,
    action: ServerAction<ChangePublicIncident>,
) -> impl IntoView {
    let field = format!("edit-{}", update.id);
    let edit_form = {
        let (page_id, incident_id, update_id) =
            (page_id.clone(), incident_id.clone(), update.id.clone());
        let body = update.body.clone();
        view! {
            <ActionForm action attr:class="stack">
                <input type="hidden" name="change[page_id]" value=page_id/>
                <input type="hidden" name="change[incident_id]" value=incident_id/>
                <input type="hidden" name="change[update_id]" value=update_id/>
                <input type="hidden" name="change[op]" value="edit_update"/>
                <PhaseSelect id=format!("{field}-phase") name="change[phase]" selected=update.phase/>
                <textarea id=field name="change[body]" rows="2" aria-label="Update text (markdown)">{body}</textarea>
                <div class="actions"><button type="submit">"Save update"</button></div>
            </ActionForm>
        }
    };
    view! {
        <li data-testid="page-incident-update">
            <p>
                <strong>{phase_label(update.phase)}</strong>" "
                <span class="muted">{update.posted}{update.edited.then_some(" (edited)")}</span>
            </p>
            <p class="pre-wrap">{update.body}</p>
            <details>
                <summary>"Edit"</summary>
                {edit_form}
            </details>
            <OpButton action page_id incident_id op="delete_update" label="Delete update" update_id=update.id/>
        </li>
    }
}

/// Who follows the page.
#[component]
pub fn SubscribersPanel(
    page_id: String,
    followers: PageFollowers,
    remove: ServerAction<RemovePageSubscriber>,
) -> impl IntoView {
    let PageFollowers { active, pending, items, export_url } = followers;
    view! {
        <section class="card" aria-labelledby="subscribers-title">
            <h2 id="subscribers-title">"Subscribers"</h2>
            <p class="muted" data-testid="subscriber-counts">
                {format!("{active} active, {pending} waiting for confirmation. ")}
                <a href=export_url download="">"Export as CSV"</a>
            </p>
            {(!items.is_empty()).then(|| view! {
                <table class="table">
                    <thead><tr>
                        <th>"Address"</th><th>"Kind"</th><th>"State"</th><th>"Components"</th><th>"Since"</th><th></th>
                    </tr></thead>
                    <tbody>
                        {items.into_iter().map(|s| view! { <Subscriber s page_id=page_id.clone() remove/> }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}

#[component]
fn Subscriber(
    s: SubscriberItem,
    page_id: String,
    remove: ServerAction<RemovePageSubscriber>,
) -> impl IntoView {
    let state = match s.state {
        SubscriberState::Active => "active",
        SubscriberState::Pending => "pending",
        SubscriberState::Unsubscribed => "unsubscribed",
    };
    let aria = format!("Remove {}", s.address);
    view! {
        <tr data-testid="subscriber">
            <td>{s.address}</td><td>{s.kind.as_str()}</td><td>{state}</td>
            <td>{s.components}</td><td>{s.since}</td>
            <td>
                <ActionForm action=remove attr:class="inline">
                    <input type="hidden" name="page_id" value=page_id/>
                    <input type="hidden" name="subscriber_id" value=s.id/>
                    <button type="submit" class="secondary" aria-label=aria>"Remove"</button>
                </ActionForm>
            </td>
        </tr>
    }
}
