//! `/status-pages/:id`: one status page's editor: its settings, its
//! components (add a monitor under a public name, a static component with
//! its state, a group with members; move up or down; remove; each change
//! saves the whole list), its public incidents and subscribers
//! (`page_incidents.rs`), the badge snippets to copy, and deleting it.
//! Every change is a form, so the page works before hydration too.

use kinds::{ComponentKind, ComponentState, PageTheme};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::components::{
    toast_results, ConfirmButton, ErrorBox, FieldError, FormError, Loading, SignedIn,
};
use crate::dto::{BadgeSnippets, ComponentItem, MonitorChoice, StatusPageDetail, StatusPageItem};
use crate::rpc::page_incidents::{
    ChangePublicIncident, CreatePublicIncident, RemovePageSubscriber,
};
use crate::rpc::status_pages::{
    load_status_page, ChangeComponents, DeleteStatusPage, SaveStatusPage,
};

use super::page_incidents::{IncidentsPanel, SubscribersPanel};

const PAGE_FIELDS: &[&str] =
    &["slug", "title", "description", "logo_url", "theme", "footer", "auto_publish_delay_secs"];
const COMPONENT_FIELDS: &[&str] =
    &["kind", "public_name", "monitor_id", "static_state", "parent_id"];
const STATES: &[ComponentState] = &[
    ComponentState::Operational,
    ComponentState::Degraded,
    ComponentState::PartialOutage,
    ComponentState::MajorOutage,
    ComponentState::Maintenance,
];

/// The page editor.
#[component]
pub fn StatusPageEdit() -> impl IntoView {
    let params = use_params_map();
    let id = Signal::derive(move || params.read().get("id").unwrap_or_default());
    let save = ServerAction::<SaveStatusPage>::new();
    let change = ServerAction::<ChangeComponents>::new();
    let delete = ServerAction::<DeleteStatusPage>::new();
    let actions = Actions {
        create_incident: ServerAction::<CreatePublicIncident>::new(),
        change_incident: ServerAction::<ChangePublicIncident>::new(),
        remove_subscriber: ServerAction::<RemovePageSubscriber>::new(),
    };
    let detail = Resource::new(
        move || {
            (
                id.get(),
                save.version().get(),
                change.version().get(),
                actions.create_incident.version().get(),
                actions.change_incident.version().get(),
                actions.remove_subscriber.version().get(),
            )
        },
        |(id, ..)| load_status_page(id),
    );
    toast_results(actions.create_incident.value(), |()| Some("Incident written".to_owned()));
    toast_results(actions.change_incident.value(), |()| Some("Incident saved".to_owned()));
    toast_results(actions.remove_subscriber.value(), |()| Some("Subscriber removed".to_owned()));
    toast_results(save.value(), |p: &StatusPageItem| Some(format!("Page “{}” saved", p.title)));
    toast_results(change.value(), |()| Some("Components saved".to_owned()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/status-pages", Default::default());
        }
    });
    view! {
        <Title text="Status page"/>
        <SignedIn>
            <p><A href="/status-pages">"← Status pages"</A></p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(detail) => view! { <Editor detail save change delete actions/> }.into_any(),
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                    }
                })}
            </Transition>
        </SignedIn>
    }
}

/// The editor's incident and subscriber actions.
#[derive(Clone, Copy)]
struct Actions {
    create_incident: ServerAction<CreatePublicIncident>,
    change_incident: ServerAction<ChangePublicIncident>,
    remove_subscriber: ServerAction<RemovePageSubscriber>,
}

#[component]
fn Editor(
    detail: StatusPageDetail,
    save: ServerAction<SaveStatusPage>,
    change: ServerAction<ChangeComponents>,
    delete: ServerAction<DeleteStatusPage>,
    actions: Actions,
) -> impl IntoView {
    let StatusPageDetail { page, public_url, badge, components, monitors, incidents, subscribers } =
        detail;
    let named: Vec<(String, String)> = components
        .iter()
        .flat_map(|c| std::iter::once(c).chain(&c.members))
        .map(|c| (c.id.clone(), c.public_name.clone()))
        .collect();
    let page_id = page.id.clone();
    let groups: Vec<(String, String)> = components
        .iter()
        .filter(|c| c.kind == ComponentKind::Group)
        .map(|c| (c.id.clone(), c.public_name.clone()))
        .collect();
    let on_delete = {
        let id = page.id.clone();
        Callback::new(move |()| {
            delete.dispatch(DeleteStatusPage { id: id.clone() });
        })
    };
    let snippets: Vec<(String, BadgeSnippets)> = components
        .iter()
        .flat_map(|c| std::iter::once(c).chain(&c.members))
        .map(|c| (c.public_name.clone(), c.badge.clone()))
        .collect();
    view! {
        <div class="page-head">
            <div>
                <h1>{page.title.clone()}</h1>
                <p class="muted">
                    <span class="pill" data-testid="page-published">{if page.published { "published" } else { "draft" }}</span>
                    " "<a href=public_url.clone()>{public_url.clone()}</a>
                </p>
            </div>
            <div class="actions">
                <ConfirmButton label="Delete page" question="Delete this page and its components?"
                    confirm="Yes, delete" on_confirm=on_delete pending=delete.pending()/>
            </div>
        </div>
        <Settings page=page.clone() action=save/>
        <section class="card" aria-labelledby="components-title">
            <h2 id="components-title">"Components"</h2>
            {if components.is_empty() {
                view! { <p class="muted">"No components yet: add the first below."</p> }.into_any()
            } else {
                view! {
                    <ol class="component-list">
                        {components.into_iter().map(|c| view! {
                            <ComponentRow component=c page_id=page_id.clone() action=change/>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            <AddComponent page_id=page_id.clone() monitors groups action=change/>
        </section>
        <IncidentsPanel page_id=page_id.clone() incidents components=named
            create=actions.create_incident change=actions.change_incident/>
        <SubscribersPanel page_id=page_id.clone() followers=subscribers remove=actions.remove_subscriber/>
        <section class="card" aria-labelledby="badges-title">
            <h2 id="badges-title">"Badges"</h2>
            <p class="hint">
                "Status badges to paste into a README or a web page; for other figures, replace "
                <code>"status.svg"</code>" by "<code>"uptime.svg?window=30d"</code>", "<code>"p95.svg"</code>
                ", "<code>"certificate.svg"</code>" or use "<code>".json"</code>" with Shields."
            </p>
            <Snippet name=page.title.clone() badge/>
            {snippets.into_iter().map(|(name, badge)| view! { <Snippet name badge/> }).collect_view()}
        </section>
    }
}

/// The page's settings.
#[component]
fn Settings(page: StatusPageItem, action: ServerAction<SaveStatusPage>) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let theme = page.theme;
    view! {
        <section class="card form-card" aria-labelledby="settings-title">
            <h2 id="settings-title">"Settings"</h2>
            <ActionForm action attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="form[id]" value=page.id.clone()/>
                <label for="page-title">"Title"</label>
                <input id="page-title" name="form[title]" value=page.title.clone()/>
                <FieldError error field="title" id="page-title"/>
                <label for="page-slug">"Address"</label>
                <input id="page-slug" name="form[slug]" value=page.slug.clone()/>
                <FieldError error field="slug" id="page-slug"/>
                <label for="page-description">"Description"</label>
                <textarea id="page-description" name="form[description]">{page.description.clone()}</textarea>
                <FieldError error field="description" id="page-description"/>
                <label for="page-logo">"Logo URL"</label>
                <input id="page-logo" name="form[logo_url]" type="url" value=page.logo_url.clone()/>
                <FieldError error field="logo_url" id="page-logo"/>
                <label for="page-theme">"Theme"</label>
                <select id="page-theme" name="form[theme]">
                    {[PageTheme::Auto, PageTheme::Light, PageTheme::Dark].into_iter().map(|t| view! {
                        <option value=t.to_string() selected=t == theme>{t.to_string()}</option>
                    }).collect_view()}
                </select>
                <label for="page-footer">"Footer"</label>
                <textarea id="page-footer" name="form[footer]">{page.footer.clone()}</textarea>
                <FieldError error field="footer" id="page-footer"/>
                <label for="page-delay">"Draft delay (seconds)"</label>
                <input id="page-delay" name="form[auto_publish_delay_secs]" type="number" min="0" max="86400"
                    value=page.auto_publish_delay_secs.to_string() aria-describedby="page-delay-hint"/>
                <p class="hint" id="page-delay-hint">
                    "When a monitor on this page goes down, its draft incident is published after this long unless someone edits or discards it (0: at once)."
                </p>
                <FieldError error field="auto_publish_delay_secs" id="page-delay"/>
                <label class="check">
                    <input type="checkbox" id="page-published" name="form[published]" checked=page.published/>
                    " Published (readable by anyone)"
                </label>
                <label class="check">
                    <input type="checkbox" name="form[indexable]" checked=page.indexable/>
                    " Search engines may index it"
                </label>
                <FormError error fields=PAGE_FIELDS/>
                <div class="actions">
                    <button type="submit" disabled=move || action.pending().get()>"Save settings"</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// A component with its move and remove buttons; a group with its members.
#[component]
fn ComponentRow(
    component: ComponentItem,
    page_id: String,
    action: ServerAction<ChangeComponents>,
) -> impl IntoView {
    let what = match (component.kind, &component.monitor_name, component.static_state) {
        (ComponentKind::Monitor, Some(name), _) => format!("monitor {name}"),
        (ComponentKind::Static, _, Some(state)) => format!("static, {state}"),
        (ComponentKind::Group, ..) => "group".to_owned(),
        (kind, ..) => kind.to_string(),
    };
    let latency = component.show_latency.then_some(" · shows response times");
    let buttons: Vec<_> = [("up", "Move up"), ("down", "Move down"), ("remove", "Remove")]
        .into_iter()
        .map(|(op, label)| {
            let (page_id, id) = (page_id.clone(), component.id.clone());
            let aria = format!("{label}: {}", component.public_name);
            view! {
                <ActionForm action attr:class="inline">
                    <input type="hidden" name="change[page_id]" value=page_id/>
                    <input type="hidden" name="change[component_id]" value=id/>
                    <input type="hidden" name="change[op]" value=op/>
                    <button type="submit" class="secondary" aria-label=aria>{label}</button>
                </ActionForm>
            }
        })
        .collect();
    let members: Vec<_> = component
        .members
        .into_iter()
        // Type-erased: a row holds rows.
        .map(|m| view! { <ComponentRow component=m page_id=page_id.clone() action/> }.into_any())
        .collect();
    view! {
        <li data-testid="component">
            <div class="component-row">
                <span><strong>{component.public_name.clone()}</strong>" "<span class="muted">{what}{latency}</span></span>
                <span class="actions">{buttons}</span>
            </div>
            {(!members.is_empty()).then(|| view! { <ol class="component-list">{members}</ol> })}
        </li>
    }
}

/// The form that adds one component, at the top level or into a group.
#[component]
fn AddComponent(
    page_id: String,
    monitors: Vec<MonitorChoice>,
    groups: Vec<(String, String)>,
    action: ServerAction<ChangeComponents>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <h3>"Add a component"</h3>
        <ActionForm action attr:class="stack" attr:novalidate=true>
            <input type="hidden" name="change[page_id]" value=page_id/>
            <input type="hidden" name="change[op]" value="add"/>
            <label for="component-kind">"Kind"</label>
            <select id="component-kind" name="change[kind]">
                <option value="monitor">"Monitor"</option>
                <option value="static">"Static (state set by hand)"</option>
                <option value="group">"Group"</option>
            </select>
            <FieldError error field="kind" id="component-kind"/>
            <label for="component-name">"Public name"</label>
            <input id="component-name" name="change[public_name]" aria-describedby="component-name-hint"/>
            <p class="hint" id="component-name-hint">"What the public page calls it; the monitor's own name is never shown."</p>
            <FieldError error field="public_name" id="component-name"/>
            <label for="component-monitor">"Monitor (monitor components)"</label>
            <select id="component-monitor" name="change[monitor_id]">
                <option value="">"—"</option>
                {monitors.into_iter().map(|m| view! { <option value=m.id>{m.name}</option> }).collect_view()}
            </select>
            <FieldError error field="monitor_id" id="component-monitor"/>
            <label class="check">
                <input type="checkbox" name="change[show_latency]"/>" Show its response times (monitor components)"
            </label>
            <label for="component-state">"State (static components)"</label>
            <select id="component-state" name="change[static_state]">
                {STATES.iter().map(|s| view! { <option value=s.to_string()>{s.to_string()}</option> }).collect_view()}
            </select>
            <FieldError error field="static_state" id="component-state"/>
            <label for="component-parent">"In group"</label>
            <select id="component-parent" name="change[parent_id]">
                <option value="">"— top level —"</option>
                {groups.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
            </select>
            <FieldError error field="parent_id" id="component-parent"/>
            <FormError error fields=COMPONENT_FIELDS/>
            <div class="actions">
                <button type="submit" disabled=move || action.pending().get()>"Add component"</button>
            </div>
        </ActionForm>
    }
}

/// A badge to copy, as Markdown and as HTML.
#[component]
fn Snippet(name: String, badge: BadgeSnippets) -> impl IntoView {
    view! {
        <div class="snippet" data-testid="badge-snippet">
            <p><strong>{name}</strong>" "<img src=badge.preview.clone() alt="" loading="lazy"/></p>
            <label>"Markdown"<textarea readonly rows="2">{badge.markdown}</textarea></label>
            <label>"HTML"<textarea readonly rows="2">{badge.html}</textarea></label>
        </div>
    }
}
