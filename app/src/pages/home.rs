//! The landing page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// What RunState is, and where to begin.
#[component]
pub fn Home() -> impl IntoView {
    view! {
        <Title text=""/>
        <section class="hero">
            <h1>"Know when your sites go down — before your users do."</h1>
            <p>
                "RunState checks your websites, ports and GitHub Actions runners on a schedule, "
                "opens incidents when they fail and tells your team on Slack, webhooks or email."
            </p>
            <p><A href="/signin" attr:class="button">"Sign in"</A></p>
        </section>
    }
}
