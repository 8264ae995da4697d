//! Live updates by polling: a counter that resources take as a source.

use std::time::Duration;

use leptos::prelude::*;

/// A counter that goes up every `period` in the browser (never during the
/// server render); resources keyed on it refetch, and `Transition` keeps the
/// current view until the new data is there. Stops with its component.
pub fn use_tick(period: Duration) -> ReadSignal<u32> {
    let (tick, set_tick) = signal(0u32);
    Effect::new(move |_| {
        if let Ok(handle) =
            set_interval_with_handle(move || set_tick.update(|t| *t = t.wrapping_add(1)), period)
        {
            on_cleanup(move || handle.clear());
        }
    });
    tick
}
