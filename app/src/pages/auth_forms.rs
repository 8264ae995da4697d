//! Sign-in and sign-up forms. They post to server functions, so they work
//! before hydration too; errors from the server show beside their field.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::components::{FieldError, FormError};
use crate::state::Session;

/// The sign-in page.
#[component]
pub fn SignIn() -> impl IntoView {
    let action = Session::get().sign_in;
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Title text="Sign in"/>
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <ActionForm action=action attr:class="stack">
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="email" required/>
                <FieldError error field="email"/>
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                <FieldError error field="password"/>
                <FormError error/>
                <button type="submit" disabled=move || action.pending().get()>"Sign in"</button>
            </ActionForm>
            <p>"No account yet? " <A href="/signup">"Sign up"</A></p>
        </section>
    }
}

/// The sign-up page.
#[component]
pub fn SignUp() -> impl IntoView {
    let action = Session::get().sign_up;
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Title text="Sign up"/>
        <section class="card narrow">
            <h1>"Create your account"</h1>
            <ActionForm action=action attr:class="stack">
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="email" required/>
                <FieldError error field="email"/>
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="new-password"
                    required minlength="8" maxlength="128" aria-describedby="password-rule"/>
                <p class="hint" id="password-rule">"8 to 128 characters."</p>
                <FieldError error field="password"/>
                <FormError error/>
                <button type="submit" disabled=move || action.pending().get()>"Sign up"</button>
            </ActionForm>
            <p>"Already have an account? " <A href="/signin">"Sign in"</A></p>
        </section>
    }
}
