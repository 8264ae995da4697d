//! The signed-in user's account page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::state::Session;

/// Email, role and sign-out; visitors are sent to sign in.
#[component]
pub fn Account() -> impl IntoView {
    let session = Session::get();
    view! {
        <Title text="Your account"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match session.user.await {
                    Ok(Some(user)) => view! {
                        <section class="card narrow">
                            <h1>"Your account"</h1>
                            <dl class="facts">
                                <dt>"Email"</dt><dd data-testid="account-email">{user.email.clone()}</dd>
                                <dt>"Role"</dt><dd data-testid="account-role">{user.role.clone()}</dd>
                            </dl>
                            <ActionForm action=session.sign_out>
                                <button type="submit">"Sign out"</button>
                            </ActionForm>
                        </section>
                    }
                    .into_any(),
                    Ok(None) => view! { <Redirect path="/signin"/> }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
