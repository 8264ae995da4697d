//! A `domain` monitor's registration: when it expires, the registrar, the
//! statuses and name servers, and which RDAP server said so.

use leptos::prelude::*;

use crate::dto::RegistrationData;

/// The registration section; it comes with the monitor's data.
#[component]
pub fn Registration(data: RegistrationData) -> impl IntoView {
    let days = match data.days_left {
        None => "no expiration published".to_owned(),
        Some(d) if d < 0 => format!("expired {} day(s) ago", -d),
        Some(0) => "expires within a day".to_owned(),
        Some(1) => "1 day left".to_owned(),
        Some(d) => format!("{d} days left"),
    };
    let optional = |label: &'static str, value: String| {
        (!value.is_empty()).then(|| view! { <div><dt>{label}</dt><dd>{value}</dd></div> })
    };
    view! {
        <section class="card" aria-labelledby="registration-title" data-testid="registration">
            <h2 id="registration-title">{format!("Registration of {}", data.name)}</h2>
            <dl class="figures">
                <div><dt>"Expires"</dt><dd data-testid="registration-days">{days}</dd></div>
                {data.expires_at.map(|at| view! {
                    <div><dt>"On"</dt><dd><time datetime=at.iso>{at.text}</time></dd></div>
                })}
                {optional("Registrar", data.registrar.unwrap_or_default())}
                {optional("Status", data.statuses)}
                {optional("Name servers", data.nameservers)}
                <div><dt>"Asked"</dt><dd title=data.checked.text>{data.checked.ago}</dd></div>
            </dl>
            <p class="muted">"RDAP server " <code>{data.rdap_server}</code></p>
        </section>
    }
}
