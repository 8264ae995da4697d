//! A DNS monitor's answers on its page: the last answer, the accepted
//! baseline, and the button that makes the one the other when they differ.

use leptos::prelude::*;

use crate::components::EmptyState;
use crate::dto::{DnsAnswersData, When};
use crate::rpc::monitors::AcceptDnsAnswer;

/// The answers section; it comes with the monitor's data, refreshed with it.
#[component]
pub fn DnsAnswers(
    data: DnsAnswersData,
    id: Signal<String>,
    accept: ServerAction<AcceptDnsAnswer>,
) -> impl IntoView {
    let note = if data.alert_on_change {
        "A change from the baseline counts against the check."
    } else {
        "Alert on change is off: the baseline is kept for reference."
    };
    let differs = data.differs;
    let on_accept = move |_| {
        accept.dispatch(AcceptDnsAnswer { id: id.get_untracked() });
    };
    view! {
        <section class="card" aria-labelledby="dns-title" data-testid="dns-answers">
            <h2 id="dns-title">{format!("Answers · {}", data.question)}</h2>
            <p class="hint">{note}</p>
            <div class="dns-answers">
                <Answer title="Last answer" records=data.last_answer at=data.last_answer_at
                    empty="No answer yet: it appears after the first check." testid="dns-last"/>
                <Answer title="Baseline" records=data.baseline at=data.baseline_at
                    empty="No baseline yet: the first answer that passes becomes it." testid="dns-baseline"/>
            </div>
            <Show when=move || differs>
                <div class="actions">
                    <button type="button" on:click=on_accept disabled=move || accept.pending().get()>
                        "Accept current answer"
                    </button>
                </div>
            </Show>
        </section>
    }
}

#[component]
fn Answer(
    title: &'static str,
    records: Option<Vec<String>>,
    at: Option<When>,
    empty: &'static str,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div data-testid=testid>
            <h3>{title}</h3>
            {match records {
                None => view! { <EmptyState><p>{empty}</p></EmptyState> }.into_any(),
                Some(records) if records.is_empty() => view! { <p>"No records"</p> }.into_any(),
                Some(records) => view! {
                    <ul class="records">
                        {records.into_iter().map(|r| view! { <li><code>{r}</code></li> }).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
            {at.map(|at| view! { <p class="hint"><time datetime=at.iso title=at.text>{at.ago}</time></p> })}
        </div>
    }
}
