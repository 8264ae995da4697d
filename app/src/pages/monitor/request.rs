//! An HTTP monitor's request options in its form: HTTP version, accepting
//! invalid certificates (with a warning), a resolver and a proxy of its own;
//! and what its HTTPS certificate's expiry and replacement notify.

use kinds::HttpVersionPref;
use leptos::prelude::*;

use super::form::Input;
use crate::components::FieldError;
use crate::dto::MonitorForm;
use crate::error::AppError;

/// The options, folded away unless one is set.
#[component]
pub fn RequestOptions(form: MonitorForm, error: Signal<Option<AppError>>) -> impl IntoView {
    let set = form.http_version != HttpVersionPref::Auto.as_str()
        || form.accept_invalid_certs == "true"
        || !form.resolver.is_empty()
        || !form.proxy.is_empty();
    let version = form.http_version.clone();
    view! {
        <details class="request-options" open=set data-testid="request-options">
            <summary>"Request options"</summary>
            <div class="field">
                <label for="monitor-http-version">"HTTP version"</label>
                <select id="monitor-http-version" name="form[http_version]">
                    {HttpVersionPref::ALL
                        .iter()
                        .map(|v| {
                            let selected = version == v.as_str();
                            view! { <option value=v.as_str() selected=selected>{label(*v)}</option> }
                        })
                        .collect_view()}
                </select>
                <FieldError error field="http_version" id="monitor-http-version"/>
            </div>
            <label for="monitor-accept-invalid" class="check">
                <input type="checkbox" id="monitor-accept-invalid" name="form[accept_invalid_certs]"
                    value="true" checked=form.accept_invalid_certs == "true"/>
                "Accept invalid certificates"
            </label>
            <p class="hint warning">"Only for servers you trust on a network you trust: anyone in between could answer instead. The page says why the certificate would be refused."</p>
            <Input id="monitor-resolver" field="resolver" label="DNS server" value=form.resolver.clone()
                error placeholder="9.9.9.9 or 10.0.0.2:53"
                hint="Optional: resolve the host with this server instead of the system's."/>
            <Input id="monitor-proxy" field="proxy" label="Proxy" value=form.proxy.clone() error
                placeholder="http://proxy.internal:3128"
                hint="Optional: an http:// proxy, with user:password@ if it asks; HTTPS goes through it with CONNECT. The password is sealed and not shown again: leave it out to keep it."/>
        </details>
    }
}

/// Expiry thresholds and change notices for an HTTPS site's certificate,
/// folded away while they are the defaults.
#[component]
pub fn CertificateOptions(form: MonitorForm, error: Signal<Option<AppError>>) -> impl IntoView {
    let notify = form.notify_on_change == "true";
    view! {
        <details class="request-options" open=form.certificate_custom data-testid="certificate-options">
            <summary>"Certificate (HTTPS)"</summary>
            <Input id="monitor-cert-expiry" field="expiry_days" label="Warn at days left"
                value=form.expiry_days.clone() error
                hint="Each warns once as the certificate's days left fall past it, e.g. 14, 7, 1. Empty: no warnings. The site's status stays its own."/>
            <label for="monitor-cert-changed" class="check">
                <input type="checkbox" id="monitor-cert-changed" name="form[notify_on_change]"
                    value="true" checked=notify/>
                "Notify when the site presents another certificate"
            </label>
        </details>
    }
}

fn label(version: HttpVersionPref) -> &'static str {
    match version {
        HttpVersionPref::Auto => "Automatic (HTTP/2 where offered)",
        HttpVersionPref::Http1 => "HTTP/1.1 only",
        HttpVersionPref::Http2 => "HTTP/2 only",
    }
}
