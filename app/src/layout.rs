//! The frame of every page: navigation, theme switch, main area.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::components::ToastRegion;
use crate::state::Session;

/// Where public status pages are: their owner's, without our navigation.
const PUBLIC_PAGES: &str = "/status/";

/// Navigation bar and the page's main content (a public status page gets
/// the main area only).
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    mark_hydrated();
    let location = use_location();
    let public = move || location.pathname.read().starts_with(PUBLIC_PAGES);
    view! {
        <Show when=move || !public()>
        <header class="topbar">
            <nav aria-label="Main">
                <A href="/" attr:class="brand">"RunState"</A>
                <ul class="nav-links">
                    <Transition fallback=|| ()>
                        <SessionLinks/>
                    </Transition>
                </ul>
                <ThemeToggle/>
            </nav>
        </header>
        </Show>
        <main id="content" class:public=public>{children()}</main>
        <ToastRegion/>
    }
}

/// "Sign in / Sign up" for visitors; the dashboard, channels, status pages,
/// maintenance, admin pages
/// (admins only), the account and sign-out for users.
#[component]
fn SessionLinks() -> impl IntoView {
    let session = Session::get();
    move || {
        Suspend::new(async move {
            match session.user.await {
                Ok(Some(user)) => view! {
                    <li><A href="/dashboard">"Dashboard"</A></li>
                    <li><A href="/channels">"Channels"</A></li>
                    <li><A href="/status-pages">"Status pages"</A></li>
                    <li><A href="/maintenance">"Maintenance"</A></li>
                    {user.is_admin().then(|| view! { <li><A href="/admin">"Admin"</A></li> })}
                    <li class="nav-account"><A href="/account">{user.email}</A></li>
                    <li>
                        <ActionForm action=session.sign_out>
                            <button type="submit" class="link-button">"Sign out"</button>
                        </ActionForm>
                    </li>
                }
                .into_any(),
                _ => view! {
                    <li><A href="/signin">"Sign in"</A></li>
                    <li><A href="/signup">"Sign up"</A></li>
                }
                .into_any(),
            }
        })
    }
}

/// Switches between light and dark. A click does something only once the
/// page is hydrated, which the end-to-end tests rely on.
#[component]
fn ThemeToggle() -> impl IntoView {
    let dark = RwSignal::new(false);
    Effect::new(move |_| {
        let theme = if dark.get() { "dark" } else { "light" };
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-theme", theme);
        }
    });
    view! {
        <button
            type="button"
            class="theme-toggle"
            data-testid="theme-toggle"
            aria-pressed=move || dark.get().to_string()
            on:click=move |_| dark.update(|d| *d = !*d)
        >
            {move || if dark.get() { "Light theme" } else { "Dark theme" }}
        </button>
    }
}

/// Sets `data-hydrated` on `<body>` once the app runs in the browser.
/// Effects never run during server rendering, so its presence proves hydration.
fn mark_hydrated() {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
