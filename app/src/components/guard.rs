//! Pages for signed-in users only, and pages for admins only.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use super::{ErrorBox, Loading};
use crate::pages::Forbidden;
use crate::state::Session;

/// Renders `children` for a signed-in user; visitors go to the sign-in page.
#[component]
pub fn SignedIn(children: ChildrenFn) -> impl IntoView {
    let session = Session::get();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match session.user.await {
                    Ok(Some(_)) => children.with_value(|c| c()).into_any(),
                    Ok(None) => view! { <Redirect path="/signin"/> }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Renders `children` for an admin; other users get the 403 page.
#[component]
pub fn AdminOnly(children: ChildrenFn) -> impl IntoView {
    let session = Session::get();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match session.user.await {
                    Ok(Some(user)) if user.is_admin() => children.with_value(|c| c()).into_any(),
                    Ok(Some(_)) => view! { <Forbidden/> }.into_any(),
                    Ok(None) => view! { <Redirect path="/signin"/> }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
