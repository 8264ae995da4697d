//! `/admin`: every monitor across users, open incidents, checks per minute,
//! queue depths, the regions that ran checks lately and recent failures.

use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::AdminNav;
use crate::components::{use_tick, AdminOnly, EmptyState, ErrorBox, Loading};
use crate::dto::AdminOverview as Overview;
use crate::pages::dashboard::MonitorLine;
use crate::rpc::admin::load_admin_overview;

const REFRESH: Duration = Duration::from_secs(5);

/// The admin dashboard.
#[component]
pub fn AdminOverview() -> impl IntoView {
    let tick = use_tick(REFRESH);
    let overview = Resource::new(move || tick.get(), |_| load_admin_overview());
    view! {
        <Title text="Admin"/>
        <AdminOnly>
            <AdminNav/>
            <h1>"Admin overview"</h1>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(data) => view! { <Body data/> }.into_any(),
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                    }
                })}
            </Transition>
        </AdminOnly>
    }
}

#[component]
fn Body(data: Overview) -> impl IntoView {
    let Overview { summary, monitors } = data;
    let c = summary.monitors;
    view! {
        <dl class="figures tiles" data-testid="admin-figures">
            <div><dt>"Monitors"</dt><dd>{c.total}</dd></div>
            <div class="status-up"><dt>"Up"</dt><dd>{c.up}</dd></div>
            <div class="status-down"><dt>"Down"</dt><dd>{c.down}</dd></div>
            <div class="status-paused"><dt>"Paused"</dt><dd>{c.paused}</dd></div>
            <div><dt>"Open incidents"</dt><dd data-testid="open-incidents">{summary.open_incidents}</dd></div>
            <div><dt>"Checks in the last minute"</dt><dd data-testid="checks-per-minute">{summary.checks_per_minute}</dd></div>
        </dl>
        <div class="grid-2">
            <section class="card" aria-labelledby="queues-title">
                <h2 id="queues-title">"Queues"</h2>
                <table>
                    <thead><tr><th scope="col">"Queue"</th><th scope="col">"Waiting jobs"</th></tr></thead>
                    <tbody>
                        {summary.queues.into_iter().map(|q| view! {
                            <tr data-testid="queue-row">
                                <td>{q.queue}</td>
                                <td>{q.depth.map_or_else(|| "unreachable".to_owned(), |d| d.to_string())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <section class="card" aria-labelledby="regions-title">
                <h2 id="regions-title">"Workers seen (last 10 min)"</h2>
                {if summary.workers.is_empty() {
                    view! { <EmptyState><p>"No checks ran in the last ten minutes."</p></EmptyState> }.into_any()
                } else {
                    view! {
                        <table>
                            <thead><tr><th scope="col">"Region"</th><th scope="col">"Checks"</th><th scope="col">"Last seen"</th></tr></thead>
                            <tbody>
                                {summary.workers.into_iter().map(|r| view! {
                                    <tr data-testid="region-row">
                                        <td>{r.region}</td>
                                        <td>{r.checks}</td>
                                        <td><time datetime=r.last_seen.iso title=r.last_seen.text>{r.last_seen.ago}</time></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any()
                }}
            </section>
        </div>
        <section class="card" aria-labelledby="failures-title">
            <h2 id="failures-title">"Recent failures"</h2>
            {if summary.recent_failures.is_empty() {
                view! { <EmptyState><p>"No failed checks in the last day."</p></EmptyState> }.into_any()
            } else {
                view! {
                    <table class="responsive">
                        <thead><tr><th scope="col">"Time"</th><th scope="col">"Monitor"</th><th scope="col">"Error"</th><th scope="col">"Region"</th></tr></thead>
                        <tbody>
                            {summary.recent_failures.into_iter().map(|f| view! {
                                <tr data-testid="failure-row">
                                    <td data-label="Time"><time datetime=f.checked_at.iso title=f.checked_at.text>{f.checked_at.ago}</time></td>
                                    <td data-label="Monitor"><A href=format!("/monitors/{}", f.monitor_id)>{f.monitor_name}</A></td>
                                    <td data-label="Error" class="error-text">
                                        {f.error.or_else(|| f.http_status.map(|s| format!("HTTP {s}"))).unwrap_or_default()}
                                    </td>
                                    <td data-label="Region">{f.region}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
        <section class="card" aria-labelledby="all-monitors-title">
            <h2 id="all-monitors-title">"Every monitor"</h2>
            {if monitors.is_empty() {
                view! { <EmptyState><p>"No one monitors anything yet."</p></EmptyState> }.into_any()
            } else {
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
                            {monitors.into_iter().map(|row| view! { <MonitorLine row/> }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
}
