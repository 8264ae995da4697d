//! `/monitors/:id`: status and since when, response time, uptime over three
//! windows, the chart, checks, incidents and notifications; live updates.

use std::time::Duration;

use kinds::{StatsWindow, Status};
use leptos::prelude::*;
use leptos_meta::{Script, Title};
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::assertions::AssertionList;
use super::certificate::Certificate;
use super::chart::ResponseChart;
use super::checks::Checks;
use super::dns::DnsAnswers;
use super::heartbeat::HeartbeatPanel;
use super::history::{Incidents, Notifications};
use super::registration::Registration;
use super::runners::Runners;
use crate::components::{
    toast_results, use_tick, ConfirmButton, ErrorBox, Loading, SignedIn, StatusBadge, Toasts,
};
use crate::dto::{kind_name, MonitorDetail};
use crate::pages::dashboard::{latency_text, percent_text, TagChips};
use crate::rpc::monitors::{
    load_checks, load_monitor, load_stats, AcceptDnsAnswer, DeleteMonitor, SetMonitorPaused,
};

/// How often the page asks for fresh data.
const REFRESH: Duration = Duration::from_secs(3);

/// The monitor's page.
#[component]
pub fn MonitorPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Signal::derive(move || params.read().get("id").unwrap_or_default());
    let cursor = Signal::derive(move || query.read().get("before").unwrap_or_default());
    let window = RwSignal::new(StatsWindow::default());
    let tick = use_tick(REFRESH);
    let pause = ServerAction::<SetMonitorPaused>::new();
    let delete = ServerAction::<DeleteMonitor>::new();
    let accept = ServerAction::<AcceptDnsAnswer>::new();
    let monitor = Resource::new(
        move || (id.get(), tick.get(), pause.version().get(), accept.version().get()),
        |(id, ..)| load_monitor(id),
    );
    let stats = Resource::new(
        move || (id.get(), window.get(), tick.get()),
        |(id, window, _)| load_stats(id, window),
    );
    // Only the newest page changes; older pages stay as they are.
    let checks = Resource::new(
        move || {
            let cursor = cursor.get();
            let tick = if cursor.is_empty() { tick.get() } else { 0 };
            (id.get(), cursor, tick)
        },
        |(id, cursor, _)| load_checks(id, cursor),
    );
    toast_results(accept.value(), |_: &()| Some("Answer accepted as the baseline".to_owned()));
    toast_results(pause.value(), |paused: &bool| {
        Some(if *paused { "Monitor paused" } else { "Monitor resumed" }.to_owned())
    });
    let toasts = Toasts::get();
    let navigate = use_navigate();
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => {
            toasts.ok("Monitor deleted");
            navigate("/dashboard", Default::default());
        }
        Some(Err(err)) => toasts.error(err.to_string()),
        None => {}
    });
    let actions = Actions { id, pause, delete };
    view! {
        <Script src="/echarts.min.js"/>
        <SignedIn>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match monitor.await {
                        Ok(detail) => view! { <Summary detail actions/> }.into_any(),
                        Err(error) => view! { <Title text="Monitor"/><ErrorBox error/> }.into_any(),
                    }
                })}
            </Transition>
            <Transition>
                {move || Suspend::new(async move {
                    monitor
                        .await
                        .ok()
                        // The kind's own panel: at most one of these is present.
                        .map(|detail| view! {
                            {detail.runners.map(|data| view! { <Runners data/> })}
                            {detail.dns.map(|data| view! { <DnsAnswers data id accept/> })}
                            {detail.certificate.map(|data| view! { <Certificate data/> })}
                            {detail.registration.map(|data| view! { <Registration data/> })}
                            {detail.heartbeat.map(|data| view! { <HeartbeatPanel data/> })}
                            <AssertionList rows=detail.assertions/>
                        })
                })}
            </Transition>
            <ResponseChart window stats/>
            <Checks id cursor checks/>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    monitor.await.ok().map(|detail| view! {
                        <Incidents incidents=detail.incidents/>
                        <Notifications notifications=detail.notifications/>
                    })
                })}
            </Transition>
        </SignedIn>
    }
}

/// What the page's buttons do.
#[derive(Clone, Copy)]
struct Actions {
    id: Signal<String>,
    pause: ServerAction<SetMonitorPaused>,
    delete: ServerAction<DeleteMonitor>,
}

/// Name, status, actions and the key figures.
#[component]
fn Summary(detail: MonitorDetail, actions: Actions) -> impl IntoView {
    let row = detail.row;
    let paused = detail.paused;
    let Actions { id, pause, delete } = actions;
    let toggle = move |_| {
        pause.dispatch(SetMonitorPaused { id: id.get_untracked(), paused: !paused });
    };
    let on_delete = Callback::new(move |()| {
        delete.dispatch(DeleteMonitor { id: id.get_untracked() });
    });
    view! {
        <Title text=row.name.clone()/>
        <section class="card monitor-summary">
            <div class="page-head">
                <div>
                    <h1 data-testid="monitor-name">{row.name.clone()}</h1>
                    <p class="muted target">{format!("{} · {}", kind_name(row.kind), row.target)}</p>
                    <TagChips tags=row.tags.clone()/>
                </div>
                <div class="actions">
                    <A href=format!("/monitors/{}/edit", row.id) attr:class="button secondary">"Edit"</A>
                    <button type="button" on:click=toggle disabled=move || pause.pending().get()>
                        {if paused { "Resume" } else { "Pause" }}
                    </button>
                    <ConfirmButton label="Delete" question="Delete this monitor and its history?"
                        confirm="Yes, delete" on_confirm=on_delete pending=delete.pending()/>
                </div>
            </div>
            <p class="status-line">
                <StatusBadge status=row.status/>
                " since "
                <time datetime=row.status_since.iso.clone() title=row.status_since.text.clone()>
                    {row.status_since.text.clone()}
                </time>
                {format!(" ({})", row.status_since.ago)}
            </p>
            {detail.last_error.clone().filter(|_| matches!(row.status, Status::Down | Status::Degraded)).map(|e| view! {
                <p class="error-text" data-testid="last-error">{e}</p>
            })}
            {detail.warnings.iter().map(|w| view! {
                <p class="warning" role="note" data-testid="monitor-warning">{w.clone()}</p>
            }).collect_view()}
            <dl class="figures">
                <div><dt>"Latest response"</dt><dd data-testid="latest-ms">{latency_text(row.latest_ms)}</dd></div>
                <div>
                    <dt>"Last check"</dt>
                    <dd>{row.last_checked.map_or_else(|| "Not yet".to_owned(), |w| w.ago)}</dd>
                </div>
                {detail
                    .uptime
                    .into_iter()
                    .map(|u| view! {
                        <div>
                            <dt>{format!("Uptime {}", u.label)}</dt>
                            <dd title=format!("{} checks", u.checks)>{percent_text(u.percent)}</dd>
                        </div>
                    })
                    .collect_view()}
                <div><dt>"Every"</dt><dd>{detail.every}</dd></div>
                <div><dt>"Timeout"</dt><dd>{format!("{} ms", detail.timeout_ms)}</dd></div>
                <div>
                    <dt>"Down after"</dt>
                    <dd>{format!("{} failed check(s)", detail.confirmations)}</dd>
                </div>
            </dl>
        </section>
    }
}
