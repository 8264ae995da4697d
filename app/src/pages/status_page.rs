//! `/status/:slug`: a published status page, for anyone. Rendered whole on
//! the server (it works without JavaScript, and unknown pages get a real
//! 404); once hydrated it refreshes itself every minute. The app's own
//! navigation is not shown (see `Layout`): the page is its owner's.

use std::time::Duration;

use kinds::{ComponentState, PageTheme};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::{use_tick, Sparkline};
use crate::dto::{
    banner, state_label, ComponentView, IncidentView, MaintenanceNotice, PublicStatusView,
};
use crate::platform::set_page_status;
use crate::rpc::status::load_public_status;

/// How often a hydrated page reads itself again (the server caches 5 s).
const REFRESH: Duration = Duration::from_secs(60);

/// The public page of the slug in the path.
#[component]
pub fn StatusPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let problem = move || query.read().get("error").unwrap_or_default();
    let subscribed = move || query.read().get("subscribe").unwrap_or_default();
    let tick = use_tick(REFRESH);
    let data = Resource::new(move || (slug(), tick.get()), |(slug, _)| load_public_status(slug));
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <Page page subscribed=subscribed()/> }.into_any(),
                    Err(error) if error.is_not_found() => {
                        set_page_status(404);
                        view! { <Missing/> }.into_any()
                    }
                    Err(error) if error.is_signed_out() => {
                        set_page_status(401);
                        view! { <Locked slug=slug() problem=problem()/> }.into_any()
                    }
                    Err(error) => {
                        set_page_status(error.code.status());
                        view! {
                            <section class="notice" role="alert"><p>{error.to_string()}</p></section>
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn Missing() -> impl IntoView {
    view! {
        <Title text="Status page not found"/>
        <Meta name="robots" content="noindex"/>
        <section class="notice">
            <h1>"Status page not found"</h1>
            <p>"No published status page is at this address."</p>
        </section>
    }
}

/// The password form of a protected page: a plain form post (see the
/// server's `unlock.rs`), so it works without JavaScript.
#[component]
fn Locked(slug: String, problem: String) -> impl IntoView {
    let message = match problem.as_str() {
        "wrong" => Some("That password is not right."),
        "throttled" => Some("Too many attempts. Wait a few minutes and try again."),
        _ => None,
    };
    view! {
        <Title text="Password needed"/>
        <Meta name="robots" content="noindex"/>
        <section class="narrow card" data-testid="status-locked">
            <h1>"This status page is private"</h1>
            <form method="post" action=format!("/status/{slug}/unlock") class="stack">
                <label for="page-password">"Password"</label>
                <input id="page-password" name="password" type="password" required
                    autocomplete="current-password" aria-invalid=message.is_some().to_string()/>
                {message.map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                <button type="submit">"Open the page"</button>
            </form>
        </section>
    }
}

fn theme(theme: PageTheme) -> &'static str {
    match theme {
        PageTheme::Light => "light",
        PageTheme::Dark => "dark",
        PageTheme::Auto => "auto",
    }
}

/// The CSS class of a state (`state-major_outage`).
fn state_class(prefix: &str, state: ComponentState) -> String {
    format!("{prefix} state-{}", state.as_str())
}

#[component]
fn Page(page: PublicStatusView, subscribed: String) -> impl IntoView {
    let robots = (!page.indexable).then(|| view! { <Meta name="robots" content="noindex"/> });
    let (active, upcoming): (Vec<_>, Vec<_>) = page.maintenance.into_iter().partition(|m| m.active);
    let (open, past): (Vec<_>, Vec<_>) = page.incidents.into_iter().partition(|i| i.active);
    let choices: Vec<(String, String)> =
        page.components.iter().map(|c| (c.id.clone(), c.name.clone())).collect();
    view! {
        <Title text=page.title.clone()/>
        {robots}
        <div class="status-page" data-theme=theme(page.theme) data-testid="status-page">
            <header class="status-head">
                {page.logo_url.map(|src| view! { <img class="status-logo" src=src alt=""/> })}
                <h1>{page.title}</h1>
                {(!page.description.is_empty()).then(|| view! { <p class="muted">{page.description}</p> })}
            </header>
            <p class=state_class("status-banner", page.state) role="status" data-testid="status-banner">
                {banner(page.state)}
            </p>
            <Incidents title="Current incidents" incidents=open/>
            <Notices title="Maintenance in progress" notices=active/>
            <section class="status-components" aria-label="Components">
                {page.components.into_iter().map(|c| view! { <Component c/> }).collect_view()}
                <p class="bars-legend muted">
                    "90 days, oldest first. "
                    <span class="day day-good"></span>" ≥ 99.9 % "
                    <span class="day day-minor"></span>" ≥ 99 % "
                    <span class="day day-partial"></span>" ≥ 95 % "
                    <span class="day day-major"></span>" below "
                    <span class="day day-maintenance"></span>" maintenance "
                    <span class="day day-none"></span>" no data"
                </p>
            </section>
            <Notices title="Scheduled maintenance" notices=upcoming/>
            <Incidents title="Recent incidents" incidents=past/>
            <Subscribe slug=page.slug.clone() outcome=subscribed components=choices/>
            <footer class="status-foot muted">
                {(!page.footer.is_empty()).then(|| view! { <p>{page.footer}</p> })}
                <p>"Updated " {page.generated} " · Powered by RunState"</p>
            </footer>
        </div>
    }
}

/// The subscribe form: a plain form post (the server's `subscribe.rs`)
/// answered by a redirect back here with `?subscribe=sent|invalid|throttled`.
#[component]
fn Subscribe(slug: String, outcome: String, components: Vec<(String, String)>) -> impl IntoView {
    let (message, problem) = match outcome.as_str() {
        "sent" => (
            Some("Check your mailbox: the subscription starts when you follow the link we sent."),
            false,
        ),
        "invalid" => (Some("That email address does not look right."), true),
        "throttled" => (Some("Too many subscription requests. Try again in an hour."), true),
        "unavailable" => {
            (Some("This server does not send email: follow the Atom or RSS feed instead."), true)
        }
        _ => (None, false),
    };
    let class = if problem { "form-error" } else { "muted" };
    view! {
        <section class="status-subscribe card" id="subscribe" aria-labelledby="subscribe-title">
            <h2 id="subscribe-title">"Get notified"</h2>
            <p class="muted">
                "Incidents, their updates and maintenance, by email. Or follow the "
                <a href=format!("/status/{slug}/feed.atom")>"Atom"</a>" or "
                <a href=format!("/status/{slug}/feed.rss")>"RSS"</a>" feed."
            </p>
            <form method="post" action=format!("/status/{slug}/subscribe") class="row">
                <label for="subscribe-email" class="visually-hidden">"Email"</label>
                <input id="subscribe-email" name="email" type="email" required
                    autocomplete="email" placeholder="you@example.org"/>
                <button type="submit">"Subscribe"</button>
                // None ticked: the whole page. A group brings its members.
                {(components.len() > 1).then(|| view! {
                    <details class="subscribe-components">
                        <summary>"Only some components"</summary>
                        {components
                            .into_iter()
                            .map(|(id, name)| view! {
                                <label class="check">
                                    <input type="checkbox" name="component" value=id/>" "{name}
                                </label>
                            })
                            .collect_view()}
                    </details>
                })}
            </form>
            {message.map(|m| view! { <p class=class role="status" data-testid="subscribe-outcome">{m}</p> })}
        </section>
    }
}

#[component]
fn Component(c: ComponentView) -> impl IntoView {
    let members = c.members;
    let has_members = !members.is_empty();
    view! {
        <article class="status-component" data-testid="status-component">
            <div class="component-head">
                <h2>{c.name}</h2>
                <span class=state_class("pill", c.state)>{state_label(c.state)}</span>
            </div>
            {c.description.map(|d| view! { <p class="muted">{d}</p> })}
            {(!c.bars.is_empty()).then(|| view! { <Bars bars=c.bars uptime=c.uptime/> })}
            {c.latency_ms.map(|values| view! { <Sparkline values/> })}
            {has_members.then(|| view! {
                <details class="members">
                    <summary>{format!("{} components", members.len())}</summary>
                    {members.into_iter().map(|m| view! { <Member c=m/> }).collect_view()}
                </details>
            })}
        </article>
    }
}

/// A group's member: like a component, one level down.
#[component]
fn Member(c: ComponentView) -> impl IntoView {
    view! {
        <div class="status-member">
            <div class="component-head">
                <h3>{c.name}</h3>
                <span class=state_class("pill", c.state)>{state_label(c.state)}</span>
            </div>
            {(!c.bars.is_empty()).then(|| view! { <Bars bars=c.bars uptime=c.uptime/> })}
            {c.latency_ms.map(|values| view! { <Sparkline values/> })}
        </div>
    }
}

/// 90 daily bars, each with its day and figure as a tooltip and for screen
/// readers (the colour never says it alone).
#[component]
fn Bars(bars: Vec<crate::dto::DayBar>, uptime: Option<String>) -> impl IntoView {
    let summary = match &uptime {
        Some(u) => format!("{u} uptime over 90 days"),
        None => "No data in 90 days".to_owned(),
    };
    view! {
        <div class="bars" role="img" aria-label=summary.clone()>
            {bars
                .into_iter()
                .map(|b| view! { <span class=b.level.class() title=b.label></span> })
                .collect_view()}
        </div>
        <p class="bars-caption muted"><span>"90 days ago"</span><span>{summary}</span><span>"Today"</span></p>
    }
}

/// Incidents with their update timelines, newest update first. Their
/// texts are HTML the server rendered from markdown without raw HTML.
#[component]
fn Incidents(title: &'static str, incidents: Vec<IncidentView>) -> impl IntoView {
    (!incidents.is_empty()).then(|| {
        view! {
            <section class="status-maintenance status-incidents" data-testid="status-incidents">
                <h2>{title}</h2>
                <ul>
                    {incidents
                        .into_iter()
                        .map(|i| view! {
                            <li class="status-incident">
                                <strong>{i.title}</strong>" "<span class="pill">{i.phase}</span>
                                {(!i.impacts.is_empty()).then(|| view! {
                                    <p class="muted">{format!("Affects {}", i.impacts.join(", "))}</p>
                                })}
                                <ol class="timeline">
                                    {i.updates
                                        .into_iter()
                                        .map(|u| view! {
                                            <li>
                                                <strong>{u.phase}</strong>" "
                                                <span class="muted">{u.posted}</span>
                                                <div class="update-body" inner_html=u.html></div>
                                            </li>
                                        })
                                        .collect_view()}
                                </ol>
                                {i.postmortem_html.map(|html| view! {
                                    <details class="postmortem">
                                        <summary>"Postmortem"</summary>
                                        <div inner_html=html></div>
                                    </details>
                                })}
                            </li>
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
fn Notices(title: &'static str, notices: Vec<MaintenanceNotice>) -> impl IntoView {
    (!notices.is_empty()).then(|| {
        view! {
            <section class="status-maintenance" data-testid="status-maintenance">
                <h2>{title}</h2>
                <ul>
                    {notices
                        .into_iter()
                        .map(|m| view! {
                            <li>
                                <strong>{m.title}</strong>
                                " "<span class="muted">{m.when}</span>
                                {(!m.description.is_empty()).then(|| view! { <p>{m.description}</p> })}
                                <p class="muted">{format!("Affects: {}", m.components.join(", "))}</p>
                            </li>
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}
