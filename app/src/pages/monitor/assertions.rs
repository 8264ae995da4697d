//! An HTTP monitor's assertions: the form's list editor (rows added and
//! removed in the browser, each posted as `form[assertions][N][…]`) and the
//! monitor page's list. The server validates; its message shows under the
//! list, naming the row.

use kinds::{AssertionOp, AssertionSource, Severity};
use leptos::prelude::*;

use crate::components::FieldError;
use crate::dto::AssertionRow;
use crate::error::AppError;

/// The form's list of assertions.
#[component]
pub fn AssertionsEditor(rows: Vec<AssertionRow>, error: Signal<Option<AppError>>) -> impl IntoView {
    // Each row keeps the number it was added with: its inputs' names and
    // its key stay the same while rows before it are removed.
    let next = StoredValue::new(rows.len());
    let rows = RwSignal::new(rows.into_iter().enumerate().collect::<Vec<_>>());
    let add = move |_| {
        let n = next.get_value();
        next.set_value(n + 1);
        let row = AssertionRow {
            source: AssertionSource::JsonPath.as_str().to_owned(),
            op: AssertionOp::Equals.as_str().to_owned(),
            ..AssertionRow::default()
        };
        rows.update(|rows| rows.push((n, row)));
    };
    view! {
        <fieldset class="assertions" data-testid="assertion-editor">
            <legend>"Assertions"</legend>
            <p class="hint">"Judged after the status and keyword. A failing one makes the check down (fail) or degraded (degrade)."</p>
            <For each=move || rows.get() key=|(n, _)| *n let((n, row))>
                <Row n row remove=move || rows.update(|rows| rows.retain(|(m, _)| *m != n))/>
            </For>
            <button type="button" class="secondary" data-testid="add-assertion" on:click=add>"Add assertion"</button>
            <FieldError error field="assertions" id="monitor-assertions"/>
        </fieldset>
    }
}

/// One row: source, path (where the source takes one), op (those the
/// source accepts), target, severity, and a remove button.
#[component]
fn Row(n: usize, row: AssertionRow, remove: impl Fn() + 'static) -> impl IntoView {
    let source = RwSignal::new(row.source.parse().unwrap_or(AssertionSource::JsonPath));
    let name = move |part: &str| format!("form[assertions][{n}][{part}]");
    let id = move |part: &str| format!("assertion-{n}-{part}");
    let no_path = move || source.get().path_label().is_none();
    let op = row.op;
    let severity = row.severity;
    view! {
        <div class="assertion-row row" data-testid="assertion-row">
            <div class="field">
                <label for=id("source")>"Source"</label>
                <select id=id("source") name=name("source") on:change=move |ev| {
                    if let Ok(chosen) = event_target_value(&ev).parse() {
                        source.set(chosen);
                    }
                }>
                    {AssertionSource::ALL
                        .iter()
                        .map(|&s| view! { <option value=s.as_str() selected=move || source.get() == s>{source_label(s)}</option> })
                        .collect_view()}
                </select>
            </div>
            // Disabled, not removed: a disabled input is not posted.
            <div class="field" hidden=no_path>
                <label for=id("path")>{move || source.get().path_label().unwrap_or("Path")}</label>
                <input id=id("path") name=name("path") value=row.path disabled=no_path
                    placeholder=move || path_placeholder(source.get())/>
            </div>
            <div class="field">
                <label for=id("op")>"Check"</label>
                <select id=id("op") name=name("op")>
                    {move || {
                        let op = op.clone();
                        source
                            .get()
                            .ops()
                            .iter()
                            .map(|&o| view! { <option value=o.as_str() selected=op == o.as_str()>{o.phrase()}</option> })
                            .collect_view()
                    }}
                </select>
            </div>
            <div class="field">
                <label for=id("target")>"Target"</label>
                <input id=id("target") name=name("target") value=row.target
                    placeholder=move || target_placeholder(source.get())/>
            </div>
            <div class="field">
                <label for=id("severity")>"On failure"</label>
                <select id=id("severity") name=name("severity")>
                    {Severity::ALL
                        .iter()
                        .map(|&s| view! { <option value=s.as_str() selected=severity == s.as_str()>{severity_label(s)}</option> })
                        .collect_view()}
                </select>
            </div>
            <button type="button" class="secondary" aria-label=format!("Remove assertion {}", n + 1)
                on:click=move |_| remove()>"Remove"</button>
        </div>
    }
}

/// The monitor page's list; nothing when there are none.
#[component]
pub fn AssertionList(rows: Vec<AssertionRow>) -> impl IntoView {
    (!rows.is_empty()).then(|| {
        view! {
            <section class="card" aria-labelledby="assertions-title" data-testid="assertions">
                <h2 id="assertions-title">"Assertions"</h2>
                <ul class="assertion-list">
                    {rows.into_iter().map(|row| view! { <li>{describe(&row)}</li> }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// `json_path $.status equals "ok" (degrade)`.
fn describe(row: &AssertionRow) -> String {
    let op =
        row.op.parse::<AssertionOp>().map_or_else(|_| row.op.clone(), |op| op.phrase().to_owned());
    let mut text = row.source.clone();
    if !row.path.is_empty() {
        text = format!("{text} {}", row.path);
    }
    text = format!("{text} {op}");
    if !row.target.is_empty() {
        text = format!("{text} \"{}\"", row.target);
    }
    format!("{text} ({})", row.severity)
}

fn source_label(source: AssertionSource) -> &'static str {
    match source {
        AssertionSource::Status => "Status code",
        AssertionSource::Header => "Header",
        AssertionSource::Body => "Body text",
        AssertionSource::BodyRegex => "Body (regex)",
        AssertionSource::JsonPath => "JSON path",
        AssertionSource::Time => "Time (ms)",
        AssertionSource::CertDays => "Certificate days left",
        AssertionSource::ResolvedIp => "Resolved IP",
    }
}

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Fail => "Down (fail)",
        Severity::Degrade => "Degraded",
    }
}

fn path_placeholder(source: AssertionSource) -> &'static str {
    match source {
        AssertionSource::Header => "content-type",
        AssertionSource::JsonPath => "$.status",
        AssertionSource::Time => "total, dns, connect, tls, ttfb or transfer",
        _ => "",
    }
}

fn target_placeholder(source: AssertionSource) -> &'static str {
    match source {
        AssertionSource::Status => "200",
        AssertionSource::Header => "application/json",
        AssertionSource::Body => "ok",
        AssertionSource::BodyRegex => "\"status\":\\s*\"ok\"",
        AssertionSource::JsonPath => "ok",
        AssertionSource::Time => "500",
        AssertionSource::CertDays => "14",
        AssertionSource::ResolvedIp => "192.0.2.1 or 10.0.0.0/8",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_reads_as_a_sentence() {
        let row = AssertionRow {
            source: "json_path".into(),
            path: "$.status".into(),
            op: "not_equals".into(),
            target: "down".into(),
            severity: "degrade".into(),
        };
        assert_eq!(describe(&row), "json_path $.status does not equal \"down\" (degrade)");
        let exists = AssertionRow {
            source: "header".into(),
            path: "x-id".into(),
            op: "exists".into(),
            target: String::new(),
            severity: "fail".into(),
        };
        assert_eq!(describe(&exists), "header x-id exists (fail)");
    }
}
