//! `/channels`: notification channels. Add (Slack, webhook, email), edit,
//! delete, and send a test message that reports what happened.

use kinds::ChannelKind;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{
    toast_results, ConfirmButton, EmptyState, ErrorBox, FieldError, FormError, Loading, SignedIn,
    Toasts,
};
use crate::dto::{ChannelCreated, ChannelItem};
use crate::error::AppError;
use crate::rpc::channels::{list_channels, DeleteChannel, SaveChannel, TestChannel};

const FIELDS: &[&str] = &["name", "kind", "url", "secret", "to"];

/// The channels page.
#[component]
pub fn Channels() -> impl IntoView {
    let create = ServerAction::<SaveChannel>::new();
    let update = ServerAction::<SaveChannel>::new();
    let delete = ServerAction::<DeleteChannel>::new();
    let channels = Resource::new(
        move || (create.version().get(), update.version().get(), delete.version().get()),
        |_| list_channels(),
    );
    toast_results(create.value(), |c: &ChannelCreated| {
        Some(format!("Channel “{}” added", c.channel.name))
    });
    toast_results(update.value(), |c: &ChannelCreated| {
        Some(format!("Channel “{}” saved", c.channel.name))
    });
    toast_results(delete.value(), |()| Some("Channel deleted".to_owned()));
    view! {
        <Title text="Channels"/>
        <SignedIn>
            <div class="page-head"><h1>"Notification channels"</h1></div>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match channels.await {
                        Ok(list) if list.is_empty() => view! {
                            <EmptyState><p>"No channels yet. Add one below to be told when a monitor goes down."</p></EmptyState>
                        }
                        .into_any(),
                        Ok(list) => view! {
                            <ul class="channel-list">
                                {list.into_iter().map(|channel| view! { <ChannelCard channel update delete/> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                    }
                })}
            </Transition>
            <NewChannel action=create/>
        </SignedIn>
    }
}

/// The form for a new channel; a generated webhook secret is shown once.
#[component]
fn NewChannel(action: ServerAction<SaveChannel>) -> impl IntoView {
    let kind = RwSignal::new("webhook".to_owned());
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let secret = move || action.value().get().and_then(Result::ok).and_then(|c| c.secret);
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(form)) = (action.value().get(), form.get_untracked()) {
            form.reset();
            kind.set("webhook".to_owned());
        }
    });
    view! {
        <section class="card form-card" aria-labelledby="new-channel-title">
            <h2 id="new-channel-title">"Add a channel"</h2>
            {move || secret().map(|secret| view! {
                <div class="callout" role="alert" data-testid="new-secret">
                    <p><strong>"Signing secret, shown only this once: "</strong><code>{secret}</code></p>
                    <p class="hint">"Store it with your receiver to verify our signatures (Standard Webhooks)."</p>
                </div>
            })}
            <ActionForm action node_ref=form attr:class="stack" attr:novalidate=true>
                <label for="channel-kind">"Kind"</label>
                <select id="channel-kind" name="form[kind]" on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="webhook">"Webhook"</option>
                    <option value="slack">"Slack"</option>
                    <option value="email">"Email"</option>
                </select>
                <FieldError error field="kind" id="channel-kind"/>
                <label for="channel-name">"Name"</label>
                <input id="channel-name" name="form[name]" required/>
                <FieldError error field="name" id="channel-name"/>
                <Show when=move || kind.get() != "email">
                    <label for="channel-url">
                        {move || if kind.get() == "slack" { "Slack webhook URL" } else { "Webhook URL" }}
                    </label>
                    <input id="channel-url" name="form[url]" type="url" required/>
                    <FieldError error field="url" id="channel-url"/>
                </Show>
                <Show when=move || kind.get() == "webhook">
                    <label for="channel-secret">"Signing secret"</label>
                    <input id="channel-secret" name="form[secret]" aria-describedby="channel-secret-hint"/>
                    <p class="hint" id="channel-secret-hint">"Optional: whsec_… — generated when empty."</p>
                    <FieldError error field="secret" id="channel-secret"/>
                </Show>
                <Show when=move || kind.get() == "email">
                    <label for="channel-to">"Recipients"</label>
                    <input id="channel-to" name="form[to]" aria-describedby="channel-to-hint"/>
                    <p class="hint" id="channel-to-hint">"Email addresses, separated by commas."</p>
                    <FieldError error field="to" id="channel-to"/>
                </Show>
                <FormError error fields=FIELDS/>
                <div class="actions">
                    <button type="submit" disabled=move || action.pending().get()>"Add channel"</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// One channel: what it is, test, edit, delete.
#[component]
fn ChannelCard(
    channel: ChannelItem,
    update: ServerAction<SaveChannel>,
    delete: ServerAction<DeleteChannel>,
) -> impl IntoView {
    let test = ServerAction::<TestChannel>::new();
    let toasts = Toasts::get();
    Effect::new(move |_| match test.value().get() {
        Some(Ok(outcome)) if outcome.delivered => toasts.ok(outcome.summary()),
        Some(Ok(outcome)) => toasts.error(outcome.summary()),
        Some(Err(err)) => toasts.error(err.to_string()),
        None => {}
    });
    let editing = RwSignal::new(false);
    let id = channel.id.clone();
    let on_test = {
        let id = id.clone();
        move |_| {
            test.dispatch(TestChannel { id: id.clone() });
        }
    };
    let on_delete = {
        let id = id.clone();
        Callback::new(move |()| {
            delete.dispatch(DeleteChannel { id: id.clone() });
        })
    };
    let item = StoredValue::new(channel.clone());
    view! {
        <li class="card channel" data-testid="channel" data-channel-id=id.clone()>
            <div class="page-head">
                <div>
                    <h2>{channel.name.clone()}</h2>
                    <p class="muted">
                        <span class="pill">{channel.kind.as_str()}</span>" "{channel.target.clone()}
                        {channel.secret.clone().map(|s| format!(" · secret {s}"))}
                    </p>
                </div>
                <div class="actions">
                    <button type="button" on:click=on_test disabled=move || test.pending().get()>
                        {move || if test.pending().get() { "Sending…" } else { "Send test" }}
                    </button>
                    <button type="button" class="secondary" aria-expanded=move || editing.get().to_string()
                        on:click=move |_| editing.update(|e| *e = !*e)>"Edit"</button>
                    <ConfirmButton label="Delete" question="Delete this channel?" confirm="Yes, delete"
                        on_confirm=on_delete pending=delete.pending()/>
                </div>
            </div>
            {move || test.value().get().map(|result| match result {
                Ok(outcome) => view! {
                    <p class=if outcome.delivered { "outcome ok" } else { "outcome error" }
                        data-testid="test-outcome" role="status">{outcome.summary()}</p>
                }
                .into_any(),
                Err(err) => view! { <p class="outcome error" data-testid="test-outcome">{err.to_string()}</p> }.into_any(),
            })}
            <Show when=move || editing.get()>
                <EditChannel channel=item.get_value() action=update/>
            </Show>
        </li>
    }
}

/// Changes to a channel; blank fields keep their current value.
#[component]
fn EditChannel(channel: ChannelItem, action: ServerAction<SaveChannel>) -> impl IntoView {
    let error: Signal<Option<AppError>> =
        Signal::derive(move || action.value().get().and_then(Result::err));
    let prefix = format!("edit-{}", channel.id);
    let field_id = move |name: &str| format!("{prefix}-{name}");
    let (name_id, url_id, secret_id, to_id) =
        (field_id("name"), field_id("url"), field_id("secret"), field_id("to"));
    let kind = channel.kind;
    view! {
        <ActionForm action attr:class="stack edit-channel" attr:novalidate=true>
            <input type="hidden" name="form[id]" value=channel.id.clone()/>
            <label for=name_id.clone()>"Name"</label>
            <input id=name_id.clone() name="form[name]" value=channel.name.clone()/>
            {(kind != ChannelKind::Email).then(|| view! {
                <label for=url_id.clone()>"New URL"</label>
                <input id=url_id.clone() name="form[url]" type="url" placeholder="Leave empty to keep the current one"/>
                <FieldError error field="url"/>
            })}
            {(kind == ChannelKind::Webhook).then(|| view! {
                <label for=secret_id.clone()>"New signing secret"</label>
                <input id=secret_id.clone() name="form[secret]" placeholder="Leave empty to keep the current one"/>
                <FieldError error field="secret"/>
            })}
            {(kind == ChannelKind::Email).then(|| view! {
                <label for=to_id.clone()>"Recipients"</label>
                <input id=to_id.clone() name="form[to]" value=channel.target.clone()/>
                <FieldError error field="to"/>
            })}
            <FormError error fields=FIELDS/>
            <div class="actions">
                <button type="submit" disabled=move || action.pending().get()>"Save channel"</button>
            </div>
        </ActionForm>
    }
}
