//! The monitor's checks, newest first, a page at a time (cursor in the URL).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::{EmptyState, ErrorBox, Loading, StatusBadge};
use crate::dto::{CheckItem, CheckPage};
use crate::error::AppError;
use crate::pages::dashboard::latency_text;

/// The checks table with links to older and newest checks.
#[component]
pub fn Checks(
    id: Signal<String>,
    cursor: Signal<String>,
    checks: Resource<Result<CheckPage, AppError>>,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="checks-title">
            <h2 id="checks-title">"Recent checks"</h2>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match checks.await {
                        Ok(page) => view! { <CheckTable page id=id.get() newest=cursor.get().is_empty()/> }.into_any(),
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn CheckTable(page: CheckPage, id: String, newest: bool) -> impl IntoView {
    if page.checks.is_empty() {
        return view! { <EmptyState><p>"No checks yet: the first one runs within a minute."</p></EmptyState> }
            .into_any();
    }
    let older = page.next_cursor.map(|c| format!("/monitors/{id}?before={c}"));
    view! {
        <table class="checks responsive" data-testid="checks">
            <thead>
                <tr>
                    <th scope="col">"Time"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Response"</th>
                    <th scope="col">"HTTP"</th>
                    <th scope="col">"Region"</th>
                    <th scope="col">"Error"</th>
                </tr>
            </thead>
            <tbody>
                {page.checks.into_iter().map(|check| view! { <CheckLine check/> }).collect_view()}
            </tbody>
        </table>
        <nav class="pager" aria-label="Pages of checks">
            {(!newest).then(|| view! { <A href=format!("/monitors/{id}")>"← Newest checks"</A> })}
            {older.map(|href| view! { <A href=href attr:rel="next">"Older checks →"</A> })}
        </nav>
    }
    .into_any()
}

#[component]
fn CheckLine(check: CheckItem) -> impl IntoView {
    view! {
        <tr data-testid="check-row" data-check-id=check.id.clone()>
            <td data-label="Time"><time datetime=check.at.iso.clone()>{check.at.text.clone()}</time></td>
            <td data-label="Status"><StatusBadge status=check.status/></td>
            <td data-label="Response">
                {latency_text(check.latency_ms)}
                {check.phases.clone().map(|p| view! { <small class="phases" data-testid="check-phases">{p}</small> })}
            </td>
            <td data-label="HTTP">
                {check.http_status.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}
                {check.via.clone().map(|v| view! { <small class="via">{v}</small> })}
            </td>
            <td data-label="Region">{check.region.clone()}</td>
            <td data-label="Error" class="error-text">
                {check.error.clone().unwrap_or_default()}
                {check.excerpt.clone().map(|body| view! {
                    <details class="excerpt" data-testid="check-excerpt">
                        <summary>"Response body"</summary>
                        <pre>{body}</pre>
                    </details>
                })}
            </td>
        </tr>
    }
}
