//! A destructive action that asks once more before it happens.

use leptos::prelude::*;

/// A button that, when pressed, shows the question with "yes" and "cancel"
/// buttons; only "yes" runs `on_confirm`. Focus moves to "cancel".
#[component]
pub fn ConfirmButton(
    /// The first button's text, e.g. "Delete".
    label: &'static str,
    /// The question, e.g. "Delete this monitor and its history?".
    #[prop(into)]
    question: String,
    /// The confirming button's text, e.g. "Yes, delete".
    confirm: &'static str,
    on_confirm: Callback<()>,
    #[prop(into, optional)] pending: Signal<bool>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let cancel_ref = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if asking.get() {
            if let Some(button) = cancel_ref.get() {
                let _ = button.focus();
            }
        }
    });
    view! {
        <span class="confirm">
            <Show
                when=move || asking.get()
                fallback=move || {
                    view! {
                        <button type="button" class="danger" on:click=move |_| asking.set(true)>
                            {label}
                        </button>
                    }
                }
            >
                <span class="confirm-question" role="group" aria-label="Confirm">
                    <span>{question.clone()}</span>
                    <button
                        type="button"
                        class="danger solid"
                        disabled=move || pending.get()
                        on:click=move |_| {
                            asking.set(false);
                            on_confirm.run(());
                        }
                    >
                        {confirm}
                    </button>
                    <button type="button" node_ref=cancel_ref on:click=move |_| asking.set(false)>
                        "Cancel"
                    </button>
                </span>
            </Show>
        </span>
    }
}
