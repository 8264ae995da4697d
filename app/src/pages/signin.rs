//! Sign-in page. The form is laid out here; accounts wire it up.

use leptos::prelude::*;
use leptos_meta::Title;

/// The sign-in form.
#[component]
pub fn SignIn() -> impl IntoView {
    view! {
        <Title text="Sign in"/>
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <form method="post" action="/signin" class="stack">
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="email" required/>
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                <button type="submit">"Sign in"</button>
            </form>
        </section>
    }
}
