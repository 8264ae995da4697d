//! The page for a signed-in user who may not see what they asked for.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::platform::set_page_status;

/// Tells the user the page is for admins and offers a way back (status 403).
#[component]
pub fn Forbidden() -> impl IntoView {
    set_page_status(403);
    view! {
        <Title text="Not allowed"/>
        <section class="notice" data-testid="forbidden">
            <h1>"Not allowed"</h1>
            <p>"This page is for administrators. Ask an admin if you need access."</p>
            <p><A href="/dashboard">"Back to your dashboard"</A></p>
        </section>
    }
}
