//! The loading, empty and error states every data view has.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::error::AppError;

/// Shown while data loads.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">"Loading…"</p> }
}

/// Shown when there is nothing to list; children say what to do next.
#[component]
pub fn EmptyState(children: Children) -> impl IntoView {
    view! { <div class="empty" data-testid="empty">{children()}</div> }
}

/// Shown when loading failed.
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    let signed_out = error.is_signed_out();
    view! {
        <div class="error-box" role="alert">
            <p>{error.to_string()}</p>
            {signed_out.then(|| view! { <p><A href="/signin">"Sign in again"</A></p> })}
        </div>
    }
}
