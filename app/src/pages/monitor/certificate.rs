//! A `tls` monitor's certificate: days left, the chain as sent (which one
//! expires first), version and fingerprint.

use leptos::prelude::*;

use crate::dto::CertificateData;

/// The certificate section; it comes with the monitor's data.
#[component]
pub fn Certificate(data: CertificateData) -> impl IntoView {
    let days = match data.days_left {
        d if d < 0 => format!("expired {} day(s) ago", -d),
        0 => "expires within a day".to_owned(),
        1 => "1 day left".to_owned(),
        d => format!("{d} days left"),
    };
    let version = Some(data.tls_version.clone()).filter(|v| !v.is_empty());
    view! {
        <section class="card" aria-labelledby="certificate-title" data-testid="certificate">
            <h2 id="certificate-title">"Certificate"</h2>
            <dl class="figures">
                <div><dt>"Expires"</dt><dd data-testid="certificate-days">{days}</dd></div>
                <div>
                    <dt>"On"</dt>
                    <dd><time datetime=data.expires_at.iso.clone()>{data.expires_at.text.clone()}</time></dd>
                </div>
                {version.map(|v| view! { <div><dt>"Protocol"</dt><dd>{v}</dd></div> })}
                <div><dt>"Seen since"</dt><dd title=data.first_seen.text.clone()>{data.first_seen.ago.clone()}</dd></div>
            </dl>
            <p class="muted fingerprint">
                "SHA-256 " <code data-testid="certificate-fingerprint">{data.fingerprint.clone()}</code>
            </p>
            <table class="responsive chain">
                <thead>
                    <tr>
                        <th scope="col">"Subject"</th>
                        <th scope="col">"Issuer"</th>
                        <th scope="col">"Names"</th>
                        <th scope="col">"Valid until"</th>
                    </tr>
                </thead>
                <tbody>
                    {data
                        .chain
                        .into_iter()
                        .map(|c| view! {
                            <tr>
                                <td data-label="Subject">{c.subject}</td>
                                <td data-label="Issuer">{c.issuer}</td>
                                <td data-label="Names">{c.names}</td>
                                <td data-label="Valid until">
                                    {c.not_after.text}
                                    {c.expires_first.then_some(view! { <strong>" · expires first"</strong> })}
                                </td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}
