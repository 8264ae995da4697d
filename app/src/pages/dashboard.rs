//! The dashboard: the user's monitors with their status, latest response
//! time, last check, 24-hour uptime and a sparkline; filters; live updates.

use std::time::Duration;

use kinds::Status;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

use crate::components::{
    use_tick, EmptyState, ErrorBox, Loading, SignedIn, Sparkline, StatusBadge,
};
use crate::dto::{status_label, MonitorRow, StatusCounts, TagChip};
use crate::rpc::monitors::load_dashboard;

/// How often the dashboard asks for fresh statuses.
const REFRESH: Duration = Duration::from_secs(3);

/// `/dashboard`: the landing page after sign-in.
#[component]
pub fn Dashboard() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.read().get("status").unwrap_or_default();
    let search = move || query.read().get("q").unwrap_or_default();
    let tag = move || query.read().get("tag").unwrap_or_default();
    let tick = use_tick(REFRESH);
    let data = Resource::new(
        move || (status(), search(), tag(), tick.get()),
        |(status, search, tag, _)| load_dashboard(status, search, tag),
    );
    view! {
        <Title text="Dashboard"/>
        <SignedIn>
            <div class="page-head">
                <h1>"Your monitors"</h1>
                <A href="/monitors/new" attr:class="button">"Add monitor"</A>
            </div>
            <Filters status=Signal::derive(status) search=Signal::derive(search)
                tag=Signal::derive(tag)/>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(data) => {
                            let filtered =
                                !status().is_empty() || !search().is_empty() || !tag().is_empty();
                            view! {
                                <Counts counts=data.counts/>
                                <MonitorTable rows=data.monitors filtered total=data.counts.total/>
                            }
                            .into_any()
                        }
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                    }
                })}
            </Transition>
        </SignedIn>
    }
}

/// Status and search filters: a GET form, so the URL can be shared.
#[component]
fn Filters(status: Signal<String>, search: Signal<String>, tag: Signal<String>) -> impl IntoView {
    let words = [Status::Up, Status::Down, Status::Degraded, Status::Paused, Status::Unknown];
    let options = std::iter::once(("", "All"))
        .chain(words.into_iter().map(|status| (status.as_str(), status_label(status))));
    view! {
        <Form method="GET" action="/dashboard" attr:class="filters" attr:role="search">
            <label for="filter-status">"Status"</label>
            <select id="filter-status" name="status">
                {options
                    .map(|(value, label)| {
                        view! {
                            <option value=value selected=move || status.get() == value>{label}</option>
                        }
                    })
                    .collect_view()}
            </select>
            <label for="filter-search">"Search"</label>
            <input id="filter-search" name="q" type="search" placeholder="Name or URL"
                value=move || search.get()/>
            <label for="filter-tag">"Tag"</label>
            <input id="filter-tag" name="tag" type="search" placeholder="Any"
                value=move || tag.get()/>
            <button type="submit">"Filter"</button>
        </Form>
    }
}

/// Up, down and paused at a glance; each links to the filtered list.
#[component]
fn Counts(counts: StatusCounts) -> impl IntoView {
    let chips = [
        (Status::Up, counts.up),
        (Status::Down, counts.down),
        (Status::Degraded, counts.degraded),
        (Status::Paused, counts.paused),
    ];
    view! {
        <ul class="counts" aria-label="Monitors by status">
            <li><a href="/dashboard">{format!("All {}", counts.total)}</a></li>
            {chips
                .into_iter()
                .map(|(status, n)| {
                    let label = status_label(status);
                    view! {
                        <li class=format!("count status-{status}") data-testid=format!("count-{status}")>
                            <a href=format!("/dashboard?status={status}")>
                                <span class="dot" aria-hidden="true"></span>
                                {format!("{label} {n}")}
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// The monitors as a table (cards on narrow screens).
#[component]
fn MonitorTable(rows: Vec<MonitorRow>, filtered: bool, total: u64) -> impl IntoView {
    if rows.is_empty() {
        return if filtered && total > 0 {
            view! {
                <EmptyState>
                    <p>"No monitor matches these filters."</p>
                    <p><A href="/dashboard">"Show all monitors"</A></p>
                </EmptyState>
            }
            .into_any()
        } else {
            view! {
                <EmptyState>
                    <p>"You have no monitors yet."</p>
                    <p><A href="/monitors/new" attr:class="button">"Add your first monitor"</A></p>
                </EmptyState>
            }
            .into_any()
        };
    }
    view! {
        <table class="monitors responsive">
            <thead>
                <tr>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Monitor"</th>
                    <th scope="col">"Response"</th>
                    <th scope="col">"Last check"</th>
                    <th scope="col">"Uptime 24 h"</th>
                    <th scope="col">"Recent"</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|row| view! { <MonitorLine row/> }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// One monitor's row.
#[component]
pub fn MonitorLine(row: MonitorRow) -> impl IntoView {
    let href = format!("/monitors/{}", row.id);
    view! {
        <tr data-testid="monitor-row" data-monitor-id=row.id.clone()>
            <td data-label="Status"><StatusBadge status=row.status/></td>
            <td data-label="Monitor">
                <div class="monitor-cell">
                    <A href=href attr:class="monitor-name">{row.name.clone()}</A>
                    <span class="muted target">{row.target.clone()}</span>
                    {row.owner.clone().map(|owner| view! { <span class="muted owner">{owner}</span> })}
                    <TagChips tags=row.tags.clone()/>
                </div>
            </td>
            <td data-label="Response">{latency_text(row.latest_ms)}</td>
            <td data-label="Last check">
                {match row.last_checked.clone() {
                    Some(at) => view! { <time datetime=at.iso title=at.text>{at.ago}</time> }.into_any(),
                    None => view! { <span class="muted">"Not yet"</span> }.into_any(),
                }}
            </td>
            <td data-label="Uptime 24 h">{percent_text(row.uptime_24h)}</td>
            <td data-label="Recent"><Sparkline values=row.sparkline.clone()/></td>
        </tr>
    }
}

/// A monitor's tags; each links to the dashboard filtered by it.
#[component]
pub fn TagChips(tags: Vec<TagChip>) -> impl IntoView {
    (!tags.is_empty()).then(|| {
        view! {
            <ul class="tags" aria-label="Tags">
                {tags
                    .into_iter()
                    .map(|t| {
                        // A tag's characters are query-safe but the space (domain::monitors::tags).
                        let href = format!("/dashboard?tag={}", t.name.replace(' ', "%20"));
                        view! {
                            <li><a class="tag" href=href style=format!("--tag-hue: {}", t.hue)>{t.name}</a></li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

/// `123 ms`, or a dash before the first answer.
pub fn latency_text(ms: Option<i32>) -> String {
    ms.map_or_else(|| "—".to_owned(), |ms| format!("{ms} ms"))
}

/// `99.95 %`, or a dash without checks.
pub fn percent_text(percent: Option<f64>) -> String {
    percent.map_or_else(|| "—".to_owned(), |p| format!("{p:.2} %"))
}
