//! `/maintenance`: the user's maintenance windows with whether each is on
//! and its next occurrences, a form to create one (one-off, RRULE, or cron
//! with a duration; an IANA zone; the monitors it covers), and edit and
//! delete for each. Times in the forms are UTC.

use kinds::MaintenanceKind;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{
    toast_results, ConfirmButton, EmptyState, ErrorBox, FieldError, FormError, Loading, SignedIn,
};
use crate::dto::{MaintenanceItem, MonitorChoice};
use crate::error::AppError;
use crate::rpc::status_pages::{list_maintenance, DeleteMaintenance, SaveMaintenance};

const FIELDS: &[&str] = &[
    "title",
    "description",
    "time_zone",
    "kind",
    "starts_at",
    "ends_at",
    "rule",
    "duration_secs",
    "monitor_ids",
    "status_page_ids",
    "tags",
];

/// The maintenance page.
#[component]
pub fn Maintenance() -> impl IntoView {
    let create = ServerAction::<SaveMaintenance>::new();
    let update = ServerAction::<SaveMaintenance>::new();
    let delete = ServerAction::<DeleteMaintenance>::new();
    let data = Resource::new(
        move || (create.version().get(), update.version().get(), delete.version().get()),
        |_| list_maintenance(),
    );
    toast_results(create.value(), |()| Some("Maintenance window created".to_owned()));
    toast_results(update.value(), |()| Some("Maintenance window saved".to_owned()));
    toast_results(delete.value(), |()| Some("Maintenance window deleted".to_owned()));
    view! {
        <Title text="Maintenance"/>
        <SignedIn>
            <div class="page-head"><h1>"Maintenance windows"</h1></div>
            <p class="hint">"During a window checks go on; alerts for its monitors are held and only the net change is sent when it ends."</p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(data) => {
                            let monitors = data.monitors.clone();
                            let pages = data.pages.clone();
                            let list = if data.windows.is_empty() {
                                view! { <EmptyState><p>"No maintenance windows yet."</p></EmptyState> }.into_any()
                            } else {
                                let windows = data.windows.clone();
                                let choices = data.monitors.clone();
                                let page_choices = data.pages.clone();
                                view! {
                                    <ul class="channel-list">
                                        {windows.into_iter().map(|window| view! {
                                            <WindowCard window monitors=choices.clone() pages=page_choices.clone() update delete/>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            };
                            view! {
                                {list}
                                <section class="card form-card" aria-labelledby="new-window-title">
                                    <h2 id="new-window-title">"Add a maintenance window"</h2>
                                    <WindowForm window=None monitors pages action=create/>
                                </section>
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                    }
                })}
            </Transition>
        </SignedIn>
    }
}

/// One window: what it covers, when it is next, edit and delete.
#[component]
fn WindowCard(
    window: MaintenanceItem,
    monitors: Vec<MonitorChoice>,
    pages: Vec<MonitorChoice>,
    update: ServerAction<SaveMaintenance>,
    delete: ServerAction<DeleteMaintenance>,
) -> impl IntoView {
    let editing = RwSignal::new(false);
    let on_delete = {
        let id = window.id.clone();
        Callback::new(move |()| {
            delete.dispatch(DeleteMaintenance { id: id.clone() });
        })
    };
    let schedule = match window.kind {
        MaintenanceKind::OneOff => format!("once, {} to {} UTC", window.starts_at, window.ends_at),
        MaintenanceKind::Rrule | MaintenanceKind::Cron => format!(
            "{} for {} s from {} UTC, in {}",
            window.rule, window.duration_secs, window.starts_at, window.time_zone
        ),
    };
    let item = StoredValue::new(window.clone());
    let monitors = StoredValue::new(monitors);
    let pages = StoredValue::new(pages);
    view! {
        <li class="card channel" data-testid="maintenance-window">
            <div class="page-head">
                <div>
                    <h2>{window.title.clone()}</h2>
                    <p class="muted">
                        {window.active.then(|| view! { <span class="pill">"on now"</span>" " })}
                        {schedule}
                    </p>
                    <p class="muted">"Monitors: "{if window.monitors.is_empty() { "none".to_owned() } else { window.monitors.join(", ") }}</p>
                    {(!window.tags.is_empty()).then(|| view! {
                        <p class="muted">"Monitors tagged: "{window.tags.join(", ")}</p>
                    })}
                    {(!window.pages.is_empty()).then(|| view! {
                        <p class="muted">"Status pages: "{window.pages.join(", ")}</p>
                    })}
                    {(!window.occurrences.is_empty()).then(|| view! {
                        <ul class="occurrences">
                            {window.occurrences.iter().map(|o| view! { <li>{o.clone()}</li> }).collect_view()}
                        </ul>
                    })}
                </div>
                <div class="actions">
                    <button type="button" class="secondary" aria-expanded=move || editing.get().to_string()
                        on:click=move |_| editing.update(|e| *e = !*e)>"Edit"</button>
                    <ConfirmButton label="Delete" question="Delete this window?" confirm="Yes, delete"
                        on_confirm=on_delete pending=delete.pending()/>
                </div>
            </div>
            <Show when=move || editing.get()>
                <WindowForm window=Some(item.get_value()) monitors=monitors.get_value() pages=pages.get_value() action=update/>
            </Show>
        </li>
    }
}

/// A window's form: empty for a new one.
#[component]
fn WindowForm(
    window: Option<MaintenanceItem>,
    monitors: Vec<MonitorChoice>,
    pages: Vec<MonitorChoice>,
    action: ServerAction<SaveMaintenance>,
) -> impl IntoView {
    let error: Signal<Option<AppError>> =
        Signal::derive(move || action.value().get().and_then(Result::err));
    let w = window.clone();
    let prefix = w.as_ref().map_or_else(|| "new".to_owned(), |w| format!("edit-{}", w.id));
    let at = move |name: &str| format!("{prefix}-{name}");
    let value = move |f: fn(&MaintenanceItem) -> String| w.as_ref().map(f).unwrap_or_default();
    let kind = window.as_ref().map_or(MaintenanceKind::OneOff, |w| w.kind);
    let chosen = window.as_ref().map(|w| w.monitor_ids.clone()).unwrap_or_default();
    let chosen_pages = window.as_ref().map(|w| w.status_page_ids.clone()).unwrap_or_default();
    let announce = window.as_ref().is_none_or(|w| w.announce);
    let zone = value(|w| w.time_zone.clone());
    view! {
        <ActionForm action attr:class="stack" attr:novalidate=true>
            <input type="hidden" name="form[id]" value=value(|w| w.id.clone())/>
            <label for=at("title")>"Title"</label>
            <input id=at("title") name="form[title]" value=value(|w| w.title.clone())/>
            <FieldError error field="title"/>
            <label for=at("description")>"Description"</label>
            <input id=at("description") name="form[description]" value=value(|w| w.description.clone())/>
            <label for=at("kind")>"Kind"</label>
            <select id=at("kind") name="form[kind]">
                {[(MaintenanceKind::OneOff, "One-off"), (MaintenanceKind::Rrule, "Repeating (RRULE)"), (MaintenanceKind::Cron, "Cron pattern")]
                    .into_iter().map(|(k, label)| view! { <option value=k.to_string() selected=k == kind>{label}</option> }).collect_view()}
            </select>
            <FieldError error field="kind"/>
            <label for=at("zone")>"Time zone (IANA)"</label>
            <input id=at("zone") name="form[time_zone]" placeholder="UTC" value=zone/>
            <FieldError error field="time_zone"/>
            <label for=at("starts")>"Starts (UTC)"</label>
            <input id=at("starts") name="form[starts_at]" type="datetime-local" value=value(|w| w.starts_at.clone())/>
            <FieldError error field="starts_at"/>
            <label for=at("ends")>"Ends (UTC; one-off: the end, repeating: no start after it)"</label>
            <input id=at("ends") name="form[ends_at]" type="datetime-local" value=value(|w| w.ends_at.clone())/>
            <FieldError error field="ends_at"/>
            <label for=at("rule")>"Rule (repeating: an RRULE such as FREQ=WEEKLY;BYDAY=SU, or a cron pattern)"</label>
            <input id=at("rule") name="form[rule]" value=value(|w| w.rule.clone())/>
            <FieldError error field="rule"/>
            <label for=at("duration")>"Duration in seconds (repeating)"</label>
            <input id=at("duration") name="form[duration_secs]" inputmode="numeric" value=value(|w| w.duration_secs.clone())/>
            <FieldError error field="duration_secs"/>
            <Checklist legend="Monitors" name="form[monitor_ids][]" choices=monitors chosen/>
            <FieldError error field="monitor_ids"/>
            {(!pages.is_empty()).then(|| view! {
                <Checklist legend="Status pages (every monitor they show)" name="form[status_page_ids][]"
                    choices=pages chosen=chosen_pages/>
            })}
            <FieldError error field="status_page_ids"/>
            <label for=at("tags")>"Monitors with a tag (comma-separated)"</label>
            <input id=at("tags") name="form[tags]" placeholder="prod, database" value=value(|w| w.tags.join(", "))/>
            <FieldError error field="tags"/>
            <label class="check">
                <input type="checkbox" name="form[announce]" checked=announce/>
                " Tell the subscribers of the status pages it concerns when it is planned, starts and ends"
            </label>
            <FormError error fields=FIELDS/>
            <div class="actions">
                <button type="submit" disabled=move || action.pending().get()>
                    {if window.is_some() { "Save window" } else { "Add window" }}
                </button>
            </div>
        </ActionForm>
    }
}

/// A fieldset of checkboxes, one per choice, the chosen ones checked.
#[component]
fn Checklist(
    legend: &'static str,
    name: &'static str,
    choices: Vec<MonitorChoice>,
    chosen: Vec<String>,
) -> impl IntoView {
    view! {
        <fieldset>
            <legend>{legend}</legend>
            {choices.into_iter().map(|c| {
                let checked = chosen.contains(&c.id);
                view! {
                    <label class="check">
                        <input type="checkbox" name=name value=c.id checked=checked/>" "{c.name}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}
