//! Creating and editing monitors of every kind. The server validates; its
//! messages show beside the field they are about. A new monitor's values and the interval's
//! hint are the domain's defaults, sent by the server.

use kinds::{DnsAssertionOp, DnsRecordType, DnsResolverMode, HttpMethod, MonitorKind};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::assertions::AssertionsEditor;
use super::request::{CertificateOptions, RequestOptions};
use crate::components::{EmptyState, ErrorBox, FieldError, FormError, Loading, SignedIn, Toasts};
use crate::dto::{ChannelOption, MonitorForm};
use crate::error::AppError;
use crate::rpc::monitors::{load_monitor_form, SaveMonitor};

/// The fields the form shows beside their inputs.
const FIELDS: &[&str] = &[
    "kind",
    "name",
    "url",
    "method",
    "expected_status",
    "keyword",
    "host",
    "port",
    "expiry_days",
    "icmp_count",
    "domain_name",
    "domain_expiry_days",
    "rdap_url",
    "github_owner",
    "github_repo",
    "github_token",
    "github_api_url",
    "heartbeat_every",
    "heartbeat_schedule",
    "heartbeat_tz",
    "heartbeat_grace",
    "heartbeat_max_runtime",
    "heartbeat_min_runtime",
    "dns_name",
    "dns_record_type",
    "dns_resolver",
    "dns_resolvers",
    "dns_op",
    "dns_expected",
    "assertions",
    "http_version",
    "resolver",
    "proxy",
    "interval_seconds",
    "timeout_ms",
    "confirmations",
    "recoveries",
    "channel_ids",
    "tags",
];

/// `/monitors/new`.
#[component]
pub fn MonitorNew() -> impl IntoView {
    view! {
        <Title text="Add monitor"/>
        <SignedIn>
            <Editor id=String::new()/>
        </SignedIn>
    }
}

/// `/monitors/:id/edit`.
#[component]
pub fn MonitorEdit() -> impl IntoView {
    let params = use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    view! {
        <Title text="Edit monitor"/>
        <SignedIn>
            <Editor id=id.clone()/>
        </SignedIn>
    }
}

#[component]
fn Editor(id: String) -> impl IntoView {
    let editing = !id.is_empty();
    let data = Resource::new(move || id.clone(), load_monitor_form);
    let action = ServerAction::<SaveMonitor>::new();
    let toasts = Toasts::get();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = action.value().get() {
            toasts.ok(if editing { "Monitor saved" } else { "Monitor created" });
            navigate(&format!("/monitors/{id}"), Default::default());
        }
    });
    view! {
        <section class="card form-card">
            <h1>{if editing { "Edit monitor" } else { "Add a monitor" }}</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(data) => view! { <Fields form=data.form channels=data.channels interval_hint=data.interval_hint action/> }.into_any(),
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Fields(
    form: MonitorForm,
    channels: Vec<ChannelOption>,
    interval_hint: String,
    action: ServerAction<SaveMonitor>,
) -> impl IntoView {
    let editing = !form.id.is_empty();
    let kind = RwSignal::new(form.kind.parse().unwrap_or(MonitorKind::Http));
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let cancel = if editing { format!("/monitors/{}", form.id) } else { "/dashboard".to_owned() };
    let f = StoredValue::new(form);
    let value = move |get: fn(&MonitorForm) -> &String| f.with_value(|form| get(form).clone());
    view! {
        <ActionForm action attr:class="stack monitor-form" attr:novalidate=true>
            <input type="hidden" name="form[id]" value=value(|f| &f.id)/>
            <label for="monitor-kind">"Kind"</label>
            {if editing {
                view! {
                    <input type="hidden" name="form[kind]" value=move || kind.get().as_str()/>
                    <select id="monitor-kind" disabled=true aria-describedby="kind-fixed">
                        <option>{move || kind_label(kind.get())}</option>
                    </select>
                    <p class="hint" id="kind-fixed">"The kind of a monitor cannot change."</p>
                }
                .into_any()
            } else {
                view! {
                    <select id="monitor-kind" name="form[kind]" on:change=move |ev| {
                        if let Ok(chosen) = event_target_value(&ev).parse() {
                            kind.set(chosen);
                        }
                    }>
                        {MonitorKind::ALL
                            .iter()
                            .map(|&k| view! {
                                <option value=k.as_str() selected=move || kind.get() == k>{kind_label(k)}</option>
                            })
                            .collect_view()}
                    </select>
                }
                .into_any()
            }}
            <FieldError error field="kind" id="monitor-kind"/>
            <Input id="monitor-name" field="name" label="Name" value=value(|f| &f.name) error
                hint="Optional: the host name when empty."/>
            <Show when=move || kind.get() == MonitorKind::Http>
                <Input id="monitor-url" field="url" label="URL" value=value(|f| &f.url) error
                    kind="url" placeholder="https://example.com/health"/>
                <label for="monitor-method">"Method"</label>
                <select id="monitor-method" name="form[method]">
                    {HttpMethod::ALL
                        .iter()
                        .map(|m| m.as_str())
                        .map(|m| view! { <option value=m selected=value(|f| &f.method) == m>{m}</option> })
                        .collect_view()}
                </select>
                <FieldError error field="method" id="monitor-method"/>
                <Input id="monitor-expected" field="expected_status" label="Expected status"
                    value=value(|f| &f.expected_status) error hint="Codes or ranges, e.g. 200-299, 301."/>
                <Input id="monitor-keyword" field="keyword" label="Keyword" value=value(|f| &f.keyword)
                    error hint="Optional: text the response body must contain."/>
                {f.with_value(|f| secrets_hint(&f.headers, &f.body_hint))
                    .map(|text| view! { <p class="hint" id="monitor-secrets">{text}</p> })}
                <AssertionsEditor rows=f.with_value(|f| f.assertions.clone()) error/>
                <RequestOptions form=f.with_value(Clone::clone) error/>
                <CertificateOptions form=f.with_value(Clone::clone) error/>
            </Show>
            <Show when=move || kind.get() == MonitorKind::Tcp>
                <Input id="monitor-host" field="host" label="Host" value=value(|f| &f.host) error
                    placeholder="db.example.com"/>
                <Input id="monitor-port" field="port" label="Port" value=value(|f| &f.port) error kind="number"/>
            </Show>
            <Show when=move || kind.get() == MonitorKind::GithubRunners>
                <GithubFields value error/>
            </Show>
            <Show when=move || kind.get() == MonitorKind::Dns>
                <DnsFields value error alert=f.with_value(|f| f.dns_alert_on_change == "true")/>
            </Show>
            <Show when=move || kind.get() == MonitorKind::Icmp>
                <Input id="monitor-icmp-host" field="host" label="Host" value=value(|f| &f.host) error
                    placeholder="gateway.example.com"/>
                <Input id="monitor-icmp-count" field="icmp_count" label="Echo requests per check"
                    value=value(|f| &f.icmp_count) error kind="number"
                    hint="1 to 10. None back: down; some lost: degraded."/>
            </Show>
            <Show when=move || kind.get() == MonitorKind::Tls>
                <Input id="monitor-tls-host" field="host" label="Host" value=value(|f| &f.host) error
                    placeholder="mail.example.com"/>
                <Input id="monitor-tls-port" field="port" label="Port" value=value(|f| &f.port) error
                    kind="number" hint="Empty: 443."/>
                <Input id="monitor-expiry" field="expiry_days" label="Warn at days left"
                    value=value(|f| &f.expiry_days) error
                    hint="Each warns once as the certificate's days left fall past it, e.g. 14, 7, 1. Within the first, the monitor is degraded."/>
                <label for="monitor-tls-changed" class="check">
                    <input type="checkbox" id="monitor-tls-changed" name="form[notify_on_change]"
                        value="true" checked=f.with_value(|f| f.notify_on_change != "false")/>
                    "Notify when the server presents another certificate"
                </label>
            </Show>
            <Show when=move || kind.get() == MonitorKind::Domain>
                <Input id="monitor-domain" field="domain_name" label="Domain" value=value(|f| &f.domain_name)
                    error placeholder="example.com"/>
                <Input id="monitor-domain-expiry" field="domain_expiry_days" label="Warn at days left"
                    value=value(|f| &f.domain_expiry_days) error
                    hint="Each warns once as the registration's days left fall past it. Within the first, the monitor is degraded."/>
                <Input id="monitor-rdap" field="rdap_url" label="RDAP server" value=value(|f| &f.rdap_url)
                    error kind="url" hint="Optional: the registry's RDAP base URL. Empty: found in IANA's list."/>
            </Show>
            <Show when=move || kind.get() == MonitorKind::Heartbeat>
                <HeartbeatFields value error/>
            </Show>
            <div class="row">
                <Input id="monitor-interval" field="interval_seconds" label="Interval (seconds)"
                    value=value(|f| &f.interval_seconds) error kind="number" hint_text=interval_hint/>
                <Input id="monitor-timeout" field="timeout_ms" label="Timeout (ms)"
                    value=value(|f| &f.timeout_ms) error kind="number"/>
            </div>
            <div class="row">
                // A new heartbeat confirms once: its grace already waited (decision 77).
                {move || {
                    let confirmations = if !editing && kind.get() == MonitorKind::Heartbeat {
                        "1".to_owned()
                    } else {
                        value(|f| &f.confirmations)
                    };
                    view! {
                        <Input id="monitor-confirmations" field="confirmations" label="Failures before down"
                            value=confirmations error kind="number"/>
                    }
                }}
                <Input id="monitor-recoveries" field="recoveries" label="Successes before up"
                    value=value(|f| &f.recoveries) error kind="number"/>
            </div>
            <Input id="monitor-tags" field="tags" label="Tags" value=value(|f| &f.tags) error
                placeholder="prod, eu, database"
                hint="Optional, comma-separated. A maintenance window can cover every monitor with a tag."/>
            <ChannelChoice channels selected=f.with_value(|f| f.channel_ids.clone())/>
            <FieldError error field="channel_ids"/>
            <FormError error fields=FIELDS/>
            <div class="actions">
                <button type="submit" disabled=move || action.pending().get()>
                    {if editing { "Save changes" } else { "Create monitor" }}
                </button>
                <A href=cancel>"Cancel"</A>
            </div>
        </ActionForm>
    }
}

/// The stored headers and body, masked: they are kept when the form is saved.
fn secrets_hint(headers: &[String], body: &str) -> Option<String> {
    let mut parts: Vec<String> = headers.to_vec();
    if !body.is_empty() {
        parts.push(format!("body {body}"));
    }
    (!parts.is_empty()).then(|| {
        format!("Stored encrypted and kept: {}. Change them through the API.", parts.join("; "))
    })
}

fn kind_label(kind: MonitorKind) -> &'static str {
    match kind {
        MonitorKind::Http => "HTTP(S) request",
        MonitorKind::Tcp => "TCP port",
        MonitorKind::GithubRunners => "GitHub Actions runners",
        MonitorKind::Tls => "TLS certificate",
        MonitorKind::Domain => "Domain registration",
        MonitorKind::Icmp => "Ping (ICMP)",
        MonitorKind::Heartbeat => "Heartbeat (a cron job pings us)",
        MonitorKind::Dns => "DNS record",
    }
}

/// A DNS monitor's question, servers, expected answer and change alert.
#[component]
fn DnsFields(
    value: impl Fn(fn(&MonitorForm) -> &String) -> String + Copy + 'static,
    error: Signal<Option<AppError>>,
    alert: bool,
) -> impl IntoView {
    let record_type = value(|f| &f.dns_record_type);
    let resolver = RwSignal::new(value(|f| &f.dns_resolver));
    let op = value(|f| &f.dns_op);
    let servers = StoredValue::new(value(|f| &f.dns_resolvers));
    view! {
        <Input id="monitor-dns-name" field="dns_name" label="Name to look up"
            value=value(|f| &f.dns_name) error placeholder="example.com"
            hint="A domain name; for PTR, an IP address works too."/>
        <div class="row">
            <div class="field">
                <label for="monitor-dns-type">"Record type"</label>
                <select id="monitor-dns-type" name="form[dns_record_type]">
                    {DnsRecordType::ALL
                        .iter()
                        .map(|t| t.as_str())
                        .map(|t| view! { <option value=t selected=record_type == t>{t}</option> })
                        .collect_view()}
                </select>
                <FieldError error field="dns_record_type" id="monitor-dns-type"/>
            </div>
            <div class="field">
                <label for="monitor-dns-resolver">"Resolver"</label>
                <select id="monitor-dns-resolver" name="form[dns_resolver]" on:change=move |ev| resolver.set(event_target_value(&ev))>
                    {DnsResolverMode::ALL
                        .iter()
                        .map(|&m| view! {
                            <option value=m.as_str() selected=move || resolver.get() == m.as_str()>{resolver_label(m)}</option>
                        })
                        .collect_view()}
                </select>
                <FieldError error field="dns_resolver" id="monitor-dns-resolver"/>
            </div>
        </div>
        <Show when=move || resolver.get() == DnsResolverMode::Custom.as_str()>
            <Input id="monitor-dns-resolvers" field="dns_resolvers" label="Servers"
                value=servers.get_value() error placeholder="9.9.9.9, 1.1.1.1:53"
                hint="Up to 5, comma-separated: ip or ip:port (port 53 by default)."/>
        </Show>
        <div class="row">
            <div class="field">
                <label for="monitor-dns-op">"Check the answer"</label>
                <select id="monitor-dns-op" name="form[dns_op]">
                    <option value="" selected=op.is_empty()>"Only the response code"</option>
                    {DnsAssertionOp::ALL
                        .iter()
                        .map(|&o| view! { <option value=o.as_str() selected=op == o.as_str()>{op_label(o)}</option> })
                        .collect_view()}
                </select>
                <FieldError error field="dns_op" id="monitor-dns-op"/>
            </div>
            <Input id="monitor-dns-expected" field="dns_expected" label="Expected"
                value=value(|f| &f.dns_expected) error placeholder="192.0.2.1, 192.0.2.2"
                hint="Comma-separated records (MX: 10 mail.example.com), or a regular expression."/>
        </div>
        <label for="monitor-dns-alert" class="check">
            <input type="checkbox" id="monitor-dns-alert" name="form[dns_alert_on_change]" value="true" checked=alert/>
            "Alert when the answer changes (the first answer becomes the baseline)"
        </label>
    }
}

fn resolver_label(mode: DnsResolverMode) -> &'static str {
    match mode {
        DnsResolverMode::System => "The server's resolver",
        DnsResolverMode::Custom => "These servers",
        DnsResolverMode::Authoritative => "The zone's nameservers",
    }
}

fn op_label(op: DnsAssertionOp) -> &'static str {
    match op {
        DnsAssertionOp::Equals => "Equals exactly",
        DnsAssertionOp::Contains => "Contains",
        DnsAssertionOp::Matches => "A record matches",
    }
}

/// A runner monitor's repository or organisation, token and API.
#[component]
fn GithubFields(
    value: impl Fn(fn(&MonitorForm) -> &String) -> String + Copy + 'static,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let stored = value(|f| &f.github_token_hint);
    let token_hint = if stored.is_empty() {
        "A fine-grained token with read access to Administration (repository) or Self-hosted runners (organisation). Stored encrypted, never shown again.".to_owned()
    } else {
        format!("Stored: {stored}. Leave empty to keep it.")
    };
    view! {
        <div class="row">
            <Input id="monitor-github-owner" field="github_owner" label="Owner"
                value=value(|f| &f.github_owner) error placeholder="acme"/>
            <Input id="monitor-github-repo" field="github_repo" label="Repository"
                value=value(|f| &f.github_repo) error placeholder="api"
                hint="Empty: the organisation's runners."/>
        </div>
        <Input id="monitor-github-token" field="github_token" label="Token" value=String::new()
            error kind="password" hint_text=token_hint/>
        <Input id="monitor-github-api" field="github_api_url" label="API URL"
            value=value(|f| &f.github_api_url) error kind="url"
            hint="Empty: https://api.github.com. GitHub Enterprise Server: https://HOST/api/v3."/>
    }
}

/// A heartbeat's schedule (a period or a cron pattern in a zone), grace and
/// run bounds, all in seconds.
#[component]
fn HeartbeatFields(
    value: impl Fn(fn(&MonitorForm) -> &String) -> String + Copy + 'static,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <p class="hint">"Give a period or a cron schedule. The job pings its URL (shown on the monitor's page) each time it runs."</p>
        <div class="row">
            <Input id="monitor-hb-every" field="heartbeat_every" label="Every (seconds)"
                value=value(|f| &f.heartbeat_every) error kind="number" placeholder="3600"
                hint="A ping is due this long after the last one."/>
            <Input id="monitor-hb-schedule" field="heartbeat_schedule" label="Or a cron schedule"
                value=value(|f| &f.heartbeat_schedule) error placeholder="0 3 * * *"
                hint="5 fields (minute first) or 6 (seconds first); L, W and # work."/>
        </div>
        <div class="row">
            <Input id="monitor-hb-tz" field="heartbeat_tz" label="Time zone"
                value=value(|f| &f.heartbeat_tz) error placeholder="Europe/Berlin"
                hint="For the cron schedule; empty is UTC."/>
            <Input id="monitor-hb-grace" field="heartbeat_grace" label="Grace (seconds)"
                value=value(|f| &f.heartbeat_grace) error kind="number" placeholder="300"
                hint="How late a ping may be; empty is 5 minutes."/>
        </div>
        <div class="row">
            <Input id="monitor-hb-max" field="heartbeat_max_runtime" label="Max run time (seconds)"
                value=value(|f| &f.heartbeat_max_runtime) error kind="number"
                hint="Optional: a run started (/start) and not finished by then is down."/>
            <Input id="monitor-hb-min" field="heartbeat_min_runtime" label="Min run time (seconds)"
                value=value(|f| &f.heartbeat_min_runtime) error kind="number"
                hint="Optional: a faster run is degraded."/>
        </div>
    }
}

/// A labelled text input named `form[<field>]`, with its error and hint.
#[component]
pub(super) fn Input(
    id: &'static str,
    field: &'static str,
    label: &'static str,
    value: String,
    error: Signal<Option<AppError>>,
    #[prop(optional)] hint: Option<&'static str>,
    /// A hint built at run time (wins over `hint`).
    #[prop(optional)]
    hint_text: Option<String>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(default = "text")] kind: &'static str,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let hint = hint_text.or_else(|| hint.map(str::to_owned));
    let has_hint = hint.is_some();
    let described = move || {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(format!("{id}-hint"));
        }
        if error.get().is_some_and(|e| e.for_field(field).is_some()) {
            ids.push(format!("{id}-error"));
        }
        ids.join(" ")
    };
    let invalid = move || error.get().is_some_and(|e| e.for_field(field).is_some()).to_string();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id name=format!("form[{field}]") type=kind value=value placeholder=placeholder
                aria-describedby=described aria-invalid=invalid/>
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
            <FieldError error field id/>
        </div>
    }
}

/// Which channels the monitor notifies.
#[component]
fn ChannelChoice(channels: Vec<ChannelOption>, selected: Vec<String>) -> impl IntoView {
    if channels.is_empty() {
        return view! {
            <EmptyState>
                <p>"No notification channels yet. " <A href="/channels">"Add one"</A>" to be alerted."</p>
            </EmptyState>
        }
        .into_any();
    }
    view! {
        <fieldset class="channels-choice">
            <legend>"Notify these channels"</legend>
            {channels
                .into_iter()
                .map(|c| {
                    let checked = selected.contains(&c.id);
                    let id = format!("channel-{}", c.id);
                    view! {
                        <label for=id class="check">
                            <input type="checkbox" id=id.clone() name="form[channel_ids][]" value=c.id checked=checked/>
                            {format!("{} ({})", c.name, c.kind)}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
    .into_any()
}
