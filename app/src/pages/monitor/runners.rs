//! A runner monitor's runners (status, busy, labels, last seen) and each
//! runner's outage history.

use kinds::RunnerStatus;
use leptos::prelude::*;

use crate::components::EmptyState;
use crate::dto::{OutageItem, RunnerItem, RunnersData};

/// The runners section; it comes with the monitor's data, refreshed with it.
#[component]
pub fn Runners(data: RunnersData) -> impl IntoView {
    let heading = match (data.runners.len(), data.unhealthy()) {
        (0, _) => "Runners".to_owned(),
        (total, 0) => format!("Runners · all {total} online"),
        (total, bad) => format!("Runners · {bad} of {total} not online"),
    };
    let per_runner = data.outages_per_runner;
    view! {
        <section class="card" aria-labelledby="runners-title" data-testid="runners">
            <h2 id="runners-title">{heading}</h2>
            {if data.runners.is_empty() {
                view! {
                    <EmptyState>
                        <p>"No runners yet. They appear after the first complete listing from GitHub."</p>
                    </EmptyState>
                }
                .into_any()
            } else {
                view! {
                    <table class="responsive runners">
                        <thead>
                            <tr>
                                <th scope="col">"Runner"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Busy"</th>
                                <th scope="col">"Labels"</th>
                                <th scope="col">"Last seen"</th>
                                <th scope="col">"Outages"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {data.runners.into_iter().map(|runner| view! { <RunnerRow runner per_runner/> }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn RunnerRow(runner: RunnerItem, per_runner: usize) -> impl IntoView {
    let (class, word) = match runner.status {
        RunnerStatus::Online => ("status status-up", "Online"),
        RunnerStatus::Offline => ("status status-down", "Offline"),
        RunnerStatus::Unknown => ("status status-down", "Missing"),
    };
    let missing = runner.status == RunnerStatus::Unknown;
    view! {
        <tr data-testid="runner-row" data-runner=runner.name.clone()>
            <td data-label="Runner">
                <strong>{runner.name.clone()}</strong>
                {(!runner.os.is_empty()).then(|| view! { <span class="muted runner-os">{format!(" · {}", runner.os)}</span> })}
            </td>
            <td data-label="Status">
                <span class=class data-status=runner.status.as_str() data-testid="runner-status"
                    title=missing.then_some("Missing from GitHub's last runner list")>
                    <span class="dot" aria-hidden="true"></span>
                    {word}
                </span>
            </td>
            <td data-label="Busy">{if runner.busy { "Busy" } else { "Idle" }}</td>
            <td data-label="Labels">
                <span class="labels">
                    {runner.labels.into_iter().map(|l| view! { <span class="pill">{l}</span> }).collect_view()}
                </span>
            </td>
            <td data-label="Last seen">
                <time datetime=runner.last_seen.iso.clone() title=format!(
                    "{} (first seen {})", runner.last_seen.text, runner.first_seen.text
                )>{runner.last_seen.ago.clone()}</time>
            </td>
            <td data-label="Outages"><OutageHistory outages=runner.outages per_runner/></td>
        </tr>
    }
}

/// A runner's newest outages, folded away unless one is ongoing.
#[component]
fn OutageHistory(outages: Vec<OutageItem>, per_runner: usize) -> impl IntoView {
    if outages.is_empty() {
        return view! { <span class="muted">"None"</span> }.into_any();
    }
    let ongoing = outages.first().is_some_and(|o| o.ongoing);
    let summary = match (outages.len(), ongoing) {
        (n, true) => format!("Outage #{} ongoing · {} shown", outages[0].number, n),
        (n, false) if n >= per_runner => format!("Last {n} outages"),
        (1, false) => "1 outage".to_owned(),
        (n, false) => format!("{n} outages"),
    };
    view! {
        <details class="outages" open=ongoing data-testid="runner-outages">
            <summary>{summary}</summary>
            <ol class="outage-list">
                {outages.into_iter().map(|o| view! { <Outage outage=o/> }).collect_view()}
            </ol>
        </details>
    }
    .into_any()
}

#[component]
fn Outage(outage: OutageItem) -> impl IntoView {
    let state = if outage.ongoing { "open" } else { "resolved" };
    view! {
        <li data-testid="outage" data-number=outage.number data-state=state title=outage.description.clone()>
            <strong>{format!("#{}", outage.number)}</strong>
            " "
            <time datetime=outage.started.iso.clone() title=outage.started.text.clone()>{outage.started.text.clone()}</time>
            " · "
            {if outage.ongoing {
                view! { <span class="pill pill-open">"Ongoing"</span> " for " {outage.duration.clone()} }.into_any()
            } else {
                view! { <span class="pill pill-resolved">"Resolved"</span> " after " {outage.duration.clone()} }.into_any()
            }}
        </li>
    }
}
