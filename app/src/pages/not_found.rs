//! The page for any unknown path (served with status 404).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Tells the user the page does not exist and offers a way back.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <Title text="Page not found"/>
        <section class="notice">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <p><A href="/">"Back to the start page"</A></p>
        </section>
    }
}
