//! Server validation messages beside the field they are about.

use leptos::prelude::*;

use crate::error::AppError;

/// An error message for one field, announced to screen readers. Its id is
/// `<id>-error` so the input can point at it with `aria-describedby`.
#[component]
pub fn FieldError(
    error: Signal<Option<AppError>>,
    /// The field name the server uses (e.g. `interval_seconds`).
    field: &'static str,
    /// The input's id; defaults to the field name.
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let id = id.unwrap_or(field);
    move || {
        error.get().and_then(|e| e.for_field(field)).map(|message| {
            view! { <p class="field-error" role="alert" id=format!("{id}-error")>{message}</p> }
        })
    }
}

/// An error that belongs to no field the form shows.
#[component]
pub fn FormError(
    error: Signal<Option<AppError>>,
    /// The fields the form shows beside their inputs.
    #[prop(optional)]
    fields: &'static [&'static str],
) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| match &e.field {
                Some(field) => !fields.is_empty() && !fields.contains(&field.as_str()),
                None => true,
            })
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    }
}
