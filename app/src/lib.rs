//! RunState's web UI, shared by server-side rendering (`ssr`) and the
//! hydrated browser bundle (`hydrate`).

// Leptos's view types nest deeply; the monitor page's needs more than 128.
#![recursion_limit = "256"]

#[cfg(feature = "hydrate")]
mod browser;
mod components;
pub mod dto;
pub mod error;
mod layout;
mod pages;
mod platform;
pub mod rpc;
pub mod session;
mod state;

#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

pub use state::Session;

/// Marks a request whose page is served as plain HTML, without the
/// hydration scripts: a status page on its custom domain, whose address
/// (`/`) is not the route the app would hydrate. It refreshes by itself.
#[derive(Debug, Clone, Copy)]
pub struct PlainPage;

/// Whether the request being rendered is a [`PlainPage`].
fn plain_page() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .is_some_and(|parts| parts.extensions.get::<PlainPage>().is_some())
    }
    #[cfg(not(feature = "ssr"))]
    false
}

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let scripts = if plain_page() {
        view! { <meta http-equiv="refresh" content="60"/> }.into_any()
    } else {
        view! { <HydrationScripts options/> }.into_any()
    };
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme="light">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                {scripts}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: session state, toasts, layout and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    Session::provide();
    components::Toasts::provide();
    view! {
        <Stylesheet id="runstate" href="/pkg/runstate.css"/>
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Meta name="description" content="RunState: self-hosted uptime monitoring"/>
        <Title formatter=|page: String| {
            if page.is_empty() { "RunState".to_owned() } else { format!("{page} · RunState") }
        }/>
        <Router>
            <layout::Layout>
                <Routes fallback=pages::NotFound>
                    <Route path=path!("") view=pages::Home/>
                    <Route path=path!("/signin") view=pages::SignIn/>
                    <Route path=path!("/signup") view=pages::SignUp/>
                    <Route path=path!("/account") view=pages::Account/>
                    <Route path=path!("/dashboard") view=pages::Dashboard/>
                    <Route path=path!("/monitors/new") view=pages::MonitorNew/>
                    <Route path=path!("/monitors/:id") view=pages::MonitorPage/>
                    <Route path=path!("/monitors/:id/edit") view=pages::MonitorEdit/>
                    <Route path=path!("/channels") view=pages::Channels/>
                    <Route path=path!("/status-pages") view=pages::StatusPages/>
                    <Route path=path!("/status-pages/:id") view=pages::StatusPageEdit/>
                    <Route path=path!("/maintenance") view=pages::Maintenance/>
                    // Rendered whole before the status is sent, so a non-admin gets a real 403.
                    <Route path=path!("/admin") view=pages::AdminOverview ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view=pages::AdminUsers ssr=SsrMode::Async/>
                    // Whole on the server: it must read without JavaScript.
                    <Route path=path!("/status/:slug") view=pages::StatusPage ssr=SsrMode::Async/>
                </Routes>
            </layout::Layout>
        </Router>
    }
}
