//! The account page's API tokens: make one (its secret shown once), see
//! the live ones with when they were last used, revoke any.

use leptos::prelude::*;

use crate::components::{toast_results, ErrorBox, FieldError, FormError, Loading};
use crate::dto::{NewToken, TokenItem};
use crate::rpc::account::{load_tokens, CreateToken, RevokeToken};

const TOKEN_FIELDS: &[&str] = &["name", "scope", "expires_in_days"];

/// Tokens for scripts and config-as-code; `admin` offers the admin scope.
#[component]
pub fn ApiTokens(admin: bool) -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let tokens =
        Resource::new(move || (create.version().get(), revoke.version().get()), |_| load_tokens());
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let made = move || create.value().get().and_then(Result::ok);
    toast_results(revoke.value(), |()| Some("Token revoked".to_owned()));
    view! {
        <section class="card" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">"API tokens"</h2>
            <p class="hint">
                "For scripts and config-as-code: send "<code>"Authorization: Bearer rs_…"</code>
                " to the API. A read token may only read. Tokens cannot change passwords, sessions or tokens."
            </p>
            {move || made().map(|new| view! { <NewTokenBox new/> })}
            <ActionForm action=create attr:class="stack" attr:data-testid="token-form">
                <div class="row">
                    <div class="field">
                        <label for="token-name">"Name"</label>
                        <input id="token-name" name="name" required maxlength="100" placeholder="deploy pipeline"/>
                        <FieldError error field="name"/>
                    </div>
                    <div class="field">
                        <label for="token-scope">"Scope"</label>
                        <select id="token-scope" name="scope">
                            <option value="read">"Read"</option>
                            <option value="write">"Read and write"</option>
                            {admin.then(|| view! { <option value="admin">"Admin"</option> })}
                        </select>
                        <FieldError error field="scope"/>
                    </div>
                    <div class="field">
                        <label for="token-expiry">"Expires in (days)"</label>
                        <input id="token-expiry" name="expires_in_days" type="number" min="1" max="3650"
                            placeholder="never"/>
                        <FieldError error field="expires_in_days"/>
                    </div>
                </div>
                <FormError error fields=TOKEN_FIELDS/>
                <div class="actions">
                    <button type="submit" disabled=move || create.pending().get()>"Make token"</button>
                </div>
            </ActionForm>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Ok(list) if list.is_empty() => view! { <p class="hint" data-testid="no-tokens">"No tokens yet."</p> }.into_any(),
                        Ok(list) => view! { <TokenTable list revoke/> }.into_any(),
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The secret of the token just made: shown this once.
#[component]
fn NewTokenBox(new: NewToken) -> impl IntoView {
    view! {
        <div class="new-token" role="status" data-testid="new-token">
            <p>"Token "<strong>{new.name}</strong>" made. Copy it now: it is not shown again."</p>
            <code class="secret" data-testid="new-token-secret">{new.secret}</code>
        </div>
    }
}

#[component]
fn TokenTable(list: Vec<TokenItem>, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    view! {
        <table class="tokens responsive">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Token"</th>
                    <th scope="col">"Scope"</th>
                    <th scope="col">"Made"</th>
                    <th scope="col">"Last used"</th>
                    <th scope="col">"Expires"</th>
                    <th scope="col">"Actions"</th>
                </tr>
            </thead>
            <tbody>
                {list.into_iter().map(|item| view! { <TokenLine item revoke/> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn TokenLine(item: TokenItem, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    let id = item.id.clone();
    let on_revoke = move |_| {
        revoke.dispatch(RevokeToken { id: id.clone() });
    };
    let label = format!("Revoke {}", item.name);
    view! {
        <tr data-testid="token-row">
            <td data-label="Name">
                {item.name.clone()}
                {item.by_admin.then(|| view! { <span class="pill">"Made by an admin"</span> })}
            </td>
            <td data-label="Token"><code>{item.prefix.clone()}"…"</code></td>
            <td data-label="Scope" data-testid="token-scope">{item.scope.clone()}</td>
            <td data-label="Made"><time datetime=item.created.iso>{item.created.text}</time></td>
            <td data-label="Last used">
                {match item.last_used {
                    Some(at) => view! { <time datetime=at.iso>{at.ago}</time> }.into_any(),
                    None => view! { <span>"Never"</span> }.into_any(),
                }}
            </td>
            <td data-label="Expires">
                {match item.expires {
                    Some(at) => view! { <time datetime=at.iso>{at.text}</time> }.into_any(),
                    None => view! { <span>"Never"</span> }.into_any(),
                }}
            </td>
            <td data-label="Actions" class="actions">
                <button type="button" class="secondary" on:click=on_revoke
                    disabled=move || revoke.pending().get() aria-label=label>
                    "Revoke"
                </button>
            </td>
        </tr>
    }
}
