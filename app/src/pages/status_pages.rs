//! `/status-pages`: the user's status pages (title, address, published, a
//! link to the public page) and a form to create one.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::components::{
    toast_results, EmptyState, ErrorBox, FieldError, FormError, Loading, SignedIn,
};
use crate::dto::StatusPageItem;
use crate::rpc::status_pages::{list_status_pages, SaveStatusPage};

const FIELDS: &[&str] = &["slug", "title"];

/// The status pages page.
#[component]
pub fn StatusPages() -> impl IntoView {
    let create = ServerAction::<SaveStatusPage>::new();
    let pages = Resource::new(move || create.version().get(), |_| list_status_pages());
    toast_results(create.value(), |p: &StatusPageItem| Some(format!("Page “{}” created", p.title)));
    view! {
        <Title text="Status pages"/>
        <SignedIn>
            <div class="page-head"><h1>"Status pages"</h1></div>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match pages.await {
                        Ok(list) if list.is_empty() => view! {
                            <EmptyState><p>"No status pages yet. Create one below to tell the public how your services are doing."</p></EmptyState>
                        }
                        .into_any(),
                        Ok(list) => view! {
                            <ul class="channel-list">
                                {list.into_iter().map(|page| view! { <PageCard page/> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                    }
                })}
            </Transition>
            <NewPage action=create/>
        </SignedIn>
    }
}

/// One page in the list.
#[component]
fn PageCard(page: StatusPageItem) -> impl IntoView {
    let public = format!("/status/{}", page.slug);
    view! {
        <li class="card channel" data-testid="status-page">
            <div class="page-head">
                <div>
                    <h2><A href=format!("/status-pages/{}", page.id)>{page.title.clone()}</A></h2>
                    <p class="muted">
                        <span class="pill">{if page.published { "published" } else { "draft" }}</span>
                        " "<a href=public.clone()>{public.clone()}</a>
                    </p>
                </div>
                <div class="actions">
                    <A href=format!("/status-pages/{}", page.id) attr:class="button secondary">"Edit"</A>
                </div>
            </div>
        </li>
    }
}

/// The form for a new page.
#[component]
fn NewPage(action: ServerAction<SaveStatusPage>) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <section class="card form-card" aria-labelledby="new-page-title">
            <h2 id="new-page-title">"Create a status page"</h2>
            <ActionForm action attr:class="stack" attr:novalidate=true>
                <label for="page-title">"Title"</label>
                <input id="page-title" name="form[title]" required/>
                <FieldError error field="title" id="page-title"/>
                <label for="page-slug">"Address"</label>
                <input id="page-slug" name="form[slug]" required aria-describedby="page-slug-hint"/>
                <p class="hint" id="page-slug-hint">"The page will be at /status/address: 3 to 60 of a-z, 0-9 and -."</p>
                <FieldError error field="slug" id="page-slug"/>
                <FormError error fields=FIELDS/>
                <div class="actions">
                    <button type="submit" disabled=move || action.pending().get()>"Create page"</button>
                </div>
            </ActionForm>
            {move || action.value().get().and_then(Result::ok).map(|page| view! {
                <p role="status">
                    "Created. "<A href=format!("/status-pages/{}", page.id)>"Add components and publish it"</A>
                </p>
            })}
        </section>
    }
}
