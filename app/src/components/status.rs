//! A monitor's status: a coloured dot and the word, never colour alone.

use kinds::Status;
use leptos::prelude::*;

use crate::dto::status_label;

/// The status as a badge; `data-status` carries the machine value.
#[component]
pub fn StatusBadge(#[prop(into)] status: Signal<Status>) -> impl IntoView {
    view! {
        <span
            class=move || format!("status status-{}", status.get())
            data-status=move || status.get().as_str()
            data-testid="status"
        >
            <span class="dot" aria-hidden="true"></span>
            {move || status_label(status.get())}
        </span>
    }
}
