//! The signed-in user's account page: who they are, their password and
//! their sessions (signed-in browsers and clients), their API tokens.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::components::{toast_results, ErrorBox, FieldError, FormError, Loading};
use crate::dto::SessionItem;
use crate::rpc::account::{load_sessions, ChangePassword, EndSession};
use crate::state::Session;

/// Email, role, password, sessions and sign-out; visitors are sent to sign in.
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
                                <dt>"Role"</dt><dd data-testid="account-role">{user.role.as_str()}</dd>
                            </dl>
                            <ActionForm action=session.sign_out>
                                <button type="submit">"Sign out"</button>
                            </ActionForm>
                        </section>
                        <AccountSecurity/>
                        <super::account_tokens::ApiTokens admin=user.role == kinds::Role::Admin/>
                    }
                    .into_any(),
                    Ok(None) => view! { <Redirect path="/signin"/> }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

const PASSWORD_FIELDS: &[&str] = &["current_password", "new_password"];

/// The password form and the session list; a password change reloads the
/// list, since it ends the other sessions.
#[component]
fn AccountSecurity() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    view! {
        <PasswordForm action=change/>
        <Sessions change/>
    }
}

/// Changes the password; the other sessions end, this one stays.
#[component]
fn PasswordForm(action: ServerAction<ChangePassword>) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    toast_results(action.value(), |()| {
        Some("Password changed; your other sessions have ended".to_owned())
    });
    view! {
        <section class="card narrow" aria-labelledby="password-heading">
            <h2 id="password-heading">"Change your password"</h2>
            <ActionForm action attr:class="stack" attr:data-testid="password-form">
                <label for="current_password">"Current password"</label>
                <input id="current_password" name="current_password" type="password"
                    autocomplete="current-password" required/>
                <FieldError error field="current_password"/>
                <label for="new_password">"New password"</label>
                <input id="new_password" name="new_password" type="password"
                    autocomplete="new-password" required minlength="8" maxlength="128"
                    aria-describedby="new_password-rule"/>
                <p class="hint" id="new_password-rule">
                    "8 to 128 characters. Your other sessions will be signed out."
                </p>
                <FieldError error field="new_password"/>
                <FormError error fields=PASSWORD_FIELDS/>
                <div class="actions">
                    <button type="submit" disabled=move || action.pending().get()>"Change password"</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// The live sessions, this one marked; any other can be ended.
#[component]
fn Sessions(change: ServerAction<ChangePassword>) -> impl IntoView {
    let end = ServerAction::<EndSession>::new();
    let sessions =
        Resource::new(move || (end.version().get(), change.version().get()), |_| load_sessions());
    toast_results(end.value(), |()| Some("Session ended".to_owned()));
    view! {
        <section class="card" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">"Your sessions"</h2>
            <p class="hint">"Every browser or client signed in as you. End any you do not recognise."</p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(list) => view! { <SessionTable list end/> }.into_any(),
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SessionTable(list: Vec<SessionItem>, end: ServerAction<EndSession>) -> impl IntoView {
    view! {
        <table class="sessions responsive">
            <thead>
                <tr>
                    <th scope="col">"Client"</th>
                    <th scope="col">"Address"</th>
                    <th scope="col">"Signed in"</th>
                    <th scope="col">"Last active"</th>
                    <th scope="col">"Ends"</th>
                    <th scope="col">"Actions"</th>
                </tr>
            </thead>
            <tbody>
                {list.into_iter().map(|item| view! { <SessionLine item end/> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn SessionLine(item: SessionItem, end: ServerAction<EndSession>) -> impl IntoView {
    let id = item.id.clone();
    let on_end = move |_| {
        end.dispatch(EndSession { id: id.clone() });
    };
    view! {
        <tr data-testid="session-row" data-current=item.current.to_string()>
            <td data-label="Client">
                {item.client.clone()}
                {item.current.then(|| view! { <span class="pill" data-testid="session-current">"This session"</span> })}
            </td>
            <td data-label="Address">{item.address.clone()}</td>
            <td data-label="Signed in"><time datetime=item.signed_in.iso>{item.signed_in.text}</time></td>
            <td data-label="Last active"><time datetime=item.last_used.iso>{item.last_used.ago}</time></td>
            <td data-label="Ends"><time datetime=item.ends.iso>{item.ends.text}</time></td>
            <td data-label="Actions" class="actions">
                {(!item.current).then(|| view! {
                    <button type="button" class="secondary" on:click=on_end
                        disabled=move || end.pending().get() aria-label="End this session">
                        "End session"
                    </button>
                })}
            </td>
        </tr>
    }
}
