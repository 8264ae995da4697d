//! Toasts: short messages about the outcome of an action, announced to
//! screen readers and gone after a few seconds.

use std::time::Duration;

use leptos::prelude::*;

use crate::error::AppError;

const SHOWN_FOR: Duration = Duration::from_secs(6);

/// One message.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Toast {
    id: u64,
    ok: bool,
    text: String,
}

/// The app's toasts; provided once by [`crate::App`].
#[derive(Clone, Copy)]
pub struct Toasts {
    list: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

impl Toasts {
    /// Creates the toast list and puts it in context.
    pub fn provide() {
        provide_context(Self { list: RwSignal::new(Vec::new()), next: StoredValue::new(0) });
    }

    /// The toasts from context.
    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// Shows a success.
    pub fn ok(&self, text: impl Into<String>) {
        self.push(true, text.into());
    }

    /// Shows a failure.
    pub fn error(&self, text: impl Into<String>) {
        self.push(false, text.into());
    }

    fn push(&self, ok: bool, text: String) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.list.update(|list| list.push(Toast { id, ok, text }));
        let list = self.list;
        set_timeout(move || list.update(|l| l.retain(|t| t.id != id)), SHOWN_FOR);
    }

    fn dismiss(&self, id: u64) {
        self.list.update(|l| l.retain(|t| t.id != id));
    }
}

/// Toasts the outcome of each completed call whose result lands in `value`:
/// the text `ok` gives for a success (none: no toast), the error otherwise.
pub fn toast_results<T>(
    value: impl Get<Value = Option<Result<T, AppError>>> + 'static,
    ok: impl Fn(&T) -> Option<String> + 'static,
) where
    T: Clone + Send + Sync + 'static,
{
    let toasts = Toasts::get();
    Effect::new(move |_| match value.get() {
        Some(Ok(result)) => {
            if let Some(text) = ok(&result) {
                toasts.ok(text);
            }
        }
        Some(Err(err)) if !err.belongs_to_form() => toasts.error(err.to_string()),
        _ => {}
    });
}

/// Where toasts appear; a live region, so they are read out too.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = Toasts::get();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.list.get() key=|t| t.id let:toast>
                <div class=if toast.ok { "toast ok" } else { "toast error" } data-testid="toast">
                    <span>{toast.text.clone()}</span>
                    <button
                        type="button"
                        class="toast-close"
                        aria-label="Dismiss"
                        on:click=move |_| toasts.dismiss(toast.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
