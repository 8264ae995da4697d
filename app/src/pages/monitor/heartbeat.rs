//! A heartbeat monitor's block on its page: the ping URL with snippets to
//! paste (a crontab line, a systemd unit's lines), when the next ping is
//! due, and the recent runs with their durations charted.

use leptos::prelude::*;

use crate::components::EmptyState;
use crate::dto::{HeartbeatData, RunItem};

/// The curl options Healthchecks recommends: fail on errors, quiet, a
/// 10-second bound and retries.
const CURL: &str = "curl -fsS -m 10 --retry 5 -o /dev/null";

/// The crontab line: the job, then its exit status (`$?`) as the ping.
pub fn crontab_line(url: &str, schedule: &str) -> String {
    let when =
        if schedule.starts_with("every ") { "*/5 * * * *" } else { schedule_pattern(schedule) };
    format!("{when} /usr/local/bin/job.sh; {CURL} {url}/$?")
}

/// A cron schedule's pattern without its zone (`0 3 * * * Europe/Berlin`).
fn schedule_pattern(schedule: &str) -> &str {
    match schedule.rsplit_once(' ') {
        Some((pattern, zone)) if zone.contains('/') || zone == "UTC" => pattern,
        _ => schedule,
    }
}

/// A oneshot unit's lines: success after the job, failure when it fails.
pub fn systemd_lines(url: &str) -> String {
    format!(
        "ExecStartPost=/usr/bin/{CURL} {url}\n\
         ExecStopPost=/bin/sh -c '[ \"$SERVICE_RESULT\" = success ] || {CURL} {url}/fail'"
    )
}

#[component]
pub fn HeartbeatPanel(data: HeartbeatData) -> impl IntoView {
    let crontab = crontab_line(&data.ping_url, &data.schedule);
    let systemd = systemd_lines(&data.ping_url);
    let next = data.next_expected.clone();
    let last = data.last_ping.clone();
    view! {
        <section class="card heartbeat" aria-labelledby="heartbeat-title">
            <h2 id="heartbeat-title">"Pings"</h2>
            <p>"The job pings this URL when it finishes; add "<code>"/start"</code>" when it starts, "
                <code>"/fail"</code>" or its exit status ("<code>"/$?"</code>") when it ends. Keep it secret."</p>
            <pre class="snippet"><code data-testid="ping-url">{data.ping_url.clone()}</code></pre>
            <dl class="figures">
                <div><dt>"Schedule"</dt><dd>{data.schedule.clone()}</dd></div>
                <div><dt>"Grace"</dt><dd>{data.grace.clone()}</dd></div>
                <div>
                    <dt>"Next ping due"</dt>
                    <dd data-testid="next-expected">{next.map_or_else(|| "—".to_owned(), |w| w.text)}</dd>
                </div>
                <div>
                    <dt>"Last ping"</dt>
                    <dd>{last.map_or_else(|| "Not yet".to_owned(), |w| w.ago)}</dd>
                </div>
            </dl>
            <h3>"Crontab"</h3>
            <pre class="snippet"><code>{crontab}</code></pre>
            <h3>"systemd (a oneshot service)"</h3>
            <pre class="snippet"><code>{systemd}</code></pre>
            <h3>"Recent runs"</h3>
            <Runs runs=data.runs/>
        </section>
    }
}

#[component]
fn Runs(runs: Vec<RunItem>) -> impl IntoView {
    if runs.is_empty() {
        return view! { <EmptyState><p>"No runs yet: ping the URL above."</p></EmptyState> }
            .into_any();
    }
    let durations: Vec<(Option<i64>, bool)> =
        runs.iter().rev().map(|r| (r.duration_secs, r.ok)).collect();
    view! {
        <Durations durations/>
        <table class="runs" data-testid="runs">
            <thead><tr><th>"Started"</th><th>"Finished"</th><th>"Took"</th><th>"Outcome"</th><th>"Output"</th></tr></thead>
            <tbody>
                {runs
                    .into_iter()
                    .map(|run| view! {
                        <tr class:failed=!run.ok>
                            <td>{run.started.map_or_else(|| "—".to_owned(), |w| w.text)}</td>
                            <td>{run.finished.map_or_else(|| "—".to_owned(), |w| w.text)}</td>
                            <td>{run.duration.unwrap_or_else(|| "—".to_owned())}</td>
                            <td>{run.outcome}</td>
                            <td><code class="body-preview">{run.body}</code></td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

const WIDTH: f64 = 240.0;
const HEIGHT: f64 = 40.0;

/// The runs' durations as bars, oldest first; failed runs are marked.
#[component]
fn Durations(durations: Vec<(Option<i64>, bool)>) -> impl IntoView {
    let longest = durations.iter().filter_map(|(d, _)| *d).max().unwrap_or(0).max(1);
    let width = WIDTH / durations.len().max(1) as f64;
    let label = format!(
        "Durations of the last {} runs, the longest {}",
        durations.len(),
        domain_free_duration(longest)
    );
    view! {
        <svg class="sparkline durations" viewBox=format!("0 0 {WIDTH} {HEIGHT}") width=WIDTH height=HEIGHT
            role="img" aria-label=label>
            {durations
                .into_iter()
                .enumerate()
                .map(|(i, (secs, ok))| {
                    let height = secs.map_or(2.0, |s| (s as f64 / longest as f64 * (HEIGHT - 2.0)).max(2.0));
                    view! {
                        <rect x=i as f64 * width + 1.0 y=HEIGHT - height width=(width - 2.0).max(1.0)
                            height=height class:spark-fail=!ok fill="currentColor"/>
                    }
                })
                .collect_view()}
        </svg>
    }
}

/// Seconds as `1h 2m` (the wasm build has no `domain`).
fn domain_free_duration(secs: i64) -> String {
    match secs {
        ..60 => format!("{secs}s"),
        60..3600 => format!("{}m {}s", secs / 60, secs % 60),
        _ => format!("{}h {}m", secs / 3600, secs % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippets_ping_the_url_with_the_exit_status() {
        let url = "https://status.example.org/ping/abc";
        assert_eq!(
            crontab_line(url, "0 3 * * * Europe/Berlin"),
            "0 3 * * * /usr/local/bin/job.sh; curl -fsS -m 10 --retry 5 -o /dev/null https://status.example.org/ping/abc/$?"
        );
        assert!(crontab_line(url, "every 1h").starts_with("*/5 * * * * "));
        assert!(systemd_lines(url).contains("ExecStartPost=/usr/bin/curl -fsS -m 10 --retry 5 -o /dev/null https://status.example.org/ping/abc\n"));
        assert!(systemd_lines(url).ends_with("https://status.example.org/ping/abc/fail'"));
    }
}
