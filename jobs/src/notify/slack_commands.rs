//! Slack's answers to slash commands (`domain::integrations::commands`
//! finds the data): Slack's response JSON, shown only to the person who
//! asked (`response_type: ephemeral`), with Block Kit sections in mrkdwn and
//! a plain `text` fallback. Next to [`super::slack`], which shares its
//! escaping and its way of writing times.

use chrono::{DateTime, Utc};
use domain::integrations::commands::{CommandAnswer, RunnerHistory, RunnerList, HISTORY_LEN};
use domain::runners::{OutageView, RunnerStatus, RunnerView};
use domain::text::{duration, truncate};
use serde_json::{json, Value};

use super::slack::escape;

/// Slack's limits: blocks per message, characters per section.
const MAX_BLOCKS: usize = 50;
const SECTION_MAX: usize = 2900;

/// The Slack message for `answer`; links point into RunState at `public_url`.
pub fn render(answer: &CommandAnswer, public_url: &str) -> Value {
    match answer {
        CommandAnswer::Help => help(),
        CommandAnswer::History { runner, found } => history(runner, found, public_url),
        CommandAnswer::StatusAll { monitors } => status_all(monitors, public_url),
    }
}

fn help() -> Value {
    let text = "RunState answers these commands:\n\
        • `/runner-history <runner>`: the last 5 outages of a runner\n\
        • `/runner-status-all`: every runner's status, last seen and first seen";
    ephemeral(text.to_owned(), vec![section(&escape(text))])
}

fn history(runner: &str, found: &[RunnerHistory], public_url: &str) -> Value {
    if found.is_empty() {
        let text =
            format!("No runner named `{runner}` on the monitors this Slack workspace may query.");
        return ephemeral(text.clone(), vec![section(&escape(&text))]);
    }
    let mut blocks = Vec::new();
    let mut text = Vec::new();
    for RunnerHistory { monitor, runner, outages } in found {
        let link = format!("{public_url}/monitors/{}", monitor.id);
        blocks.push(json!({"type": "header", "text": {"type": "plain_text", "text": truncate(&format!("Runner {}", runner.name), 150)}}));
        blocks.push(section(&format!(
            "*Repository* {} · *Status* {} · <{link}|Open in RunState>",
            escape(&monitor.repository),
            runner.status
        )));
        text.push(format!(
            "Runner {} on {} is {}. Last {} outages:",
            runner.name, monitor.repository, runner.status, HISTORY_LEN
        ));
        if outages.is_empty() {
            blocks.push(section("No outages recorded."));
            text.push("No outages recorded.".to_owned());
        }
        let lines: Vec<(String, String)> = outages.iter().map(outage_line).collect();
        text.extend(lines.iter().map(|(_, plain)| plain.clone()));
        if !lines.is_empty() {
            let joined = lines.iter().map(|(m, _)| m.as_str()).collect::<Vec<_>>().join("\n");
            blocks.push(section(&joined));
        }
    }
    blocks.truncate(MAX_BLOCKS);
    ephemeral(text.join("\n"), blocks)
}

/// `#3 · started … · Ongoing`, in mrkdwn and in plain text.
fn outage_line(outage: &OutageView) -> (String, String) {
    let lasted =
        if outage.is_ongoing() { "Ongoing".to_owned() } else { duration(outage.duration_seconds) };
    (
        format!("*#{}* · started {} · {lasted}", outage.number, slack_date(outage.started_at)),
        format!("#{} started {}: {lasted}", outage.number, plain_date(outage.started_at)),
    )
}

fn status_all(monitors: &[RunnerList], public_url: &str) -> Value {
    let mut blocks =
        vec![json!({"type": "header", "text": {"type": "plain_text", "text": "Runners"}})];
    let mut text = Vec::new();
    let mut left_out = 0usize;
    for RunnerList { monitor, runners } in monitors {
        let online = runners.iter().filter(|r| r.status.is_healthy()).count();
        let link = format!("{public_url}/monitors/{}", monitor.id);
        text.push(format!("{}: {online} of {} online", monitor.repository, runners.len()));
        let heading = format!(
            "*<{link}|{}>* · {online} of {} online",
            escape(&monitor.repository),
            runners.len()
        );
        let mut chunk = heading;
        let mut chunks = Vec::new();
        for runner in runners {
            let (mrkdwn, plain) = runner_line(runner);
            text.push(plain);
            if chunk.len() + mrkdwn.len() + 1 > SECTION_MAX {
                chunks.push(std::mem::take(&mut chunk));
            }
            if !chunk.is_empty() {
                chunk.push('\n');
            }
            chunk.push_str(&mrkdwn);
        }
        chunks.push(chunk);
        for chunk in chunks {
            if blocks.len() >= MAX_BLOCKS - 1 {
                left_out += 1;
                continue;
            }
            blocks.push(section(&chunk));
        }
    }
    if monitors.is_empty() {
        let none = "This Slack workspace may not query any runner monitor yet: add monitors to its integration in RunState.";
        text.push(none.to_owned());
        blocks.push(section(none));
    }
    if left_out > 0 {
        blocks.push(section(&format!("…and {left_out} more sections: see RunState.")));
    }
    ephemeral(text.join("\n"), blocks)
}

fn runner_line(runner: &RunnerView) -> (String, String) {
    let dot = match runner.status {
        RunnerStatus::Online => "🟢",
        RunnerStatus::Offline => "🔴",
        RunnerStatus::Unknown => "⚪",
    };
    let busy = if runner.busy { " (busy)" } else { "" };
    (
        format!(
            "{dot} *{}* {}{busy} · last seen {} · first seen {}",
            escape(&runner.name),
            runner.status,
            slack_date(runner.last_seen_at),
            slack_date(runner.first_seen_at)
        ),
        format!(
            "{}: {}{busy}, last seen {}, first seen {}",
            runner.name,
            runner.status,
            plain_date(runner.last_seen_at),
            plain_date(runner.first_seen_at)
        ),
    )
}

/// The answer: `text` is the plain fallback (escaped here, since Slack reads
/// it as mrkdwn too); `blocks` carry their own escaped mrkdwn.
fn ephemeral(text: String, blocks: Vec<Value>) -> Value {
    json!({"response_type": "ephemeral", "text": truncate(&escape(&text), 3000), "blocks": blocks})
}

fn section(text: &str) -> Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SECTION_MAX)}})
}

/// A time every reader sees in their own time zone, with a UTC fallback.
fn slack_date(at: DateTime<Utc>) -> String {
    format!("<!date^{}^{{date_short_pretty}} {{time}}|{}>", at.timestamp(), plain_date(at))
}

fn plain_date(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

#[cfg(test)]
#[path = "slack_commands_tests.rs"]
mod tests;
