//! Admin pages (ADMIN only; other users get the 403 page): the dashboard of
//! the whole installation and the user console.

mod overview;
mod users;

pub use overview::AdminOverview;
pub use users::AdminUsers;

use leptos::prelude::*;
use leptos_router::components::A;

/// Links between the admin pages.
#[component]
fn AdminNav() -> impl IntoView {
    view! {
        <nav class="subnav" aria-label="Admin">
            <A href="/admin">"Overview"</A>
            <A href="/admin/users">"Users"</A>
        </nav>
    }
}
