//! Slack slash commands, answered in Slack's JSON response format and only
//! to the person who asked (`response_type: ephemeral`):
//! - `/runner-history <runner>`: the runner's last five outages,
//! - `/runner-status-all`: every runner's status, last and first seen,
//! - anything else: what the commands are.
//!
//! Only the runner monitors linked to the verifying integration are
//! consulted, through the read grant `monitors::access` gives it.

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};
use serde_json::{json, Value};

use super::VerifiedIntegration;
use crate::monitors::access::linked_to_integration;
use crate::monitors::{MonitorRef, Read};
use crate::runners::{self, OutageView, RunnerStatus, RunnerView};
use crate::text::truncate;

/// How many outages `/runner-history` shows.
pub const HISTORY_LEN: u64 = 5;
/// Slack's limits: blocks per message, characters per section.
const MAX_BLOCKS: usize = 50;
const SECTION_MAX: usize = 2900;

/// The fields of a slash command RunState uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlashCommand {
    /// `/runner-history`, `/runner-status-all`, …
    pub command: String,
    /// What follows the command.
    pub text: String,
    /// The Slack app the command was sent to (`api_app_id`).
    pub app_id: String,
}

impl SlashCommand {
    /// Reads Slack's form-encoded body.
    pub fn parse(body: &[u8]) -> Self {
        let mut out = Self::default();
        for (key, value) in url::form_urlencoded::parse(body) {
            match key.as_ref() {
                "command" => out.command = value.trim().to_owned(),
                "text" => out.text = value.trim().to_owned(),
                "api_app_id" => out.app_id = value.trim().to_owned(),
                _ => {}
            }
        }
        out
    }
}

/// A runner monitor the integration may query.
struct Watched {
    monitor: MonitorRef<Read>,
    repository: String,
}

/// The answer to `command` for `integration` (about the runner monitors
/// linked to it), as Slack's response JSON.
pub async fn answer(
    db: &DatabaseConnection,
    integration: &VerifiedIntegration,
    command: &SlashCommand,
    public_url: &str,
) -> Result<Value, DbErr> {
    let name = command.command.trim_start_matches('/');
    match name {
        "runner-history" if !command.text.is_empty() && command.text != "help" => {
            history(&watched(db, integration).await?, &command.text, public_url).await
        }
        "runner-status-all" if command.text.is_empty() => {
            status_all(&watched(db, integration).await?, public_url).await
        }
        _ => Ok(help()),
    }
}

async fn watched(
    db: &DatabaseConnection,
    integration: &VerifiedIntegration,
) -> Result<Vec<Watched>, DbErr> {
    let granted = linked_to_integration(db, integration.id, integration.owner_id).await?;
    Ok(granted
        .into_iter()
        .map(|monitor| {
            let view = monitor.view();
            let repository = view
                .github_spec
                .as_ref()
                .map_or_else(|| view.name.clone(), |spec| spec.repository());
            Watched { monitor, repository }
        })
        .collect())
}

fn help() -> Value {
    let text = "RunState answers these commands:\n\
        • `/runner-history <runner>`: the last 5 outages of a runner\n\
        • `/runner-status-all`: every runner's status, last seen and first seen";
    ephemeral(text.to_owned(), vec![section(&escape(text))])
}

async fn history(watched: &[Watched], runner: &str, public_url: &str) -> Result<Value, DbErr> {
    let mut blocks = Vec::new();
    let mut text = Vec::new();
    for monitor in watched {
        let Some(found) = runners::find_runner(&monitor.monitor, runner).await? else {
            continue;
        };
        let outages = runners::outages(&monitor.monitor, runner, HISTORY_LEN).await?;
        let link = format!("{public_url}/monitors/{}", monitor.monitor.id());
        blocks.push(json!({"type": "header", "text": {"type": "plain_text", "text": truncate(&format!("Runner {}", found.name), 150)}}));
        blocks.push(section(&format!(
            "*Repository* {} · *Status* {} · <{link}|Open in RunState>",
            escape(&monitor.repository),
            found.status
        )));
        text.push(format!(
            "Runner {} on {} is {}. Last {} outages:",
            found.name, monitor.repository, found.status, HISTORY_LEN
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
    if blocks.is_empty() {
        let text =
            format!("No runner named `{runner}` on the monitors this Slack workspace may query.");
        return Ok(ephemeral(text.clone(), vec![section(&escape(&text))]));
    }
    blocks.truncate(MAX_BLOCKS);
    Ok(ephemeral(text.join("\n"), blocks))
}

/// `#3 · started … · Ongoing`, in mrkdwn and in plain text.
fn outage_line(outage: &OutageView) -> (String, String) {
    let lasted = if outage.is_ongoing() {
        "Ongoing".to_owned()
    } else {
        human_duration(outage.duration_seconds)
    };
    (
        format!("*#{}* · started {} · {lasted}", outage.number, slack_date(outage.started_at)),
        format!("#{} started {}: {lasted}", outage.number, plain_date(outage.started_at)),
    )
}

async fn status_all(watched: &[Watched], public_url: &str) -> Result<Value, DbErr> {
    let mut blocks =
        vec![json!({"type": "header", "text": {"type": "plain_text", "text": "Runners"}})];
    let mut text = Vec::new();
    let mut left_out = 0usize;
    for monitor in watched {
        let runners = runners::list_runners(&monitor.monitor).await?;
        let online = runners.iter().filter(|r| r.status.is_healthy()).count();
        let link = format!("{public_url}/monitors/{}", monitor.monitor.id());
        text.push(format!("{}: {online} of {} online", monitor.repository, runners.len()));
        let heading = format!(
            "*<{link}|{}>* · {online} of {} online",
            escape(&monitor.repository),
            runners.len()
        );
        let mut chunk = heading;
        let mut chunks = Vec::new();
        for runner in &runners {
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
    if watched.is_empty() {
        let none = "This Slack workspace may not query any runner monitor yet: add monitors to its integration in RunState.";
        text.push(none.to_owned());
        blocks.push(section(none));
    }
    if left_out > 0 {
        blocks.push(section(&format!("…and {left_out} more sections: see RunState.")));
    }
    Ok(ephemeral(text.join("\n"), blocks))
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

/// The two largest units: `45s`, `12m 5s`, `3h 20m`, `2d 4h`.
fn human_duration(secs: i64) -> String {
    let secs = secs.max(0);
    let (days, hours, minutes, seconds) =
        (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60, secs % 60);
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{seconds}s"),
        (0, 0, _) => format!("{minutes}m {seconds}s"),
        (0, _, _) => format!("{hours}h {minutes}m"),
        _ => format!("{days}d {hours}h"),
    }
}

/// Slack's mrkdwn treats `&`, `<` and `>` as control characters: a name
/// like `<!channel>` would ping everyone. Every text from users or GitHub
/// that goes into mrkdwn (sections and the fallback `text`) passes here.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn the_form_body_gives_command_and_text() {
        let body = b"token=x&command=%2Frunner-history&text=ci-1+&user_name=roadrunner";
        let command = SlashCommand::parse(body);
        assert_eq!(command.command, "/runner-history");
        assert_eq!(command.text, "ci-1");
    }

    #[test]
    fn runner_names_are_escaped_in_mrkdwn_and_in_the_fallback_text() {
        let at = DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").map(|t| t.to_utc());
        let at = at.unwrap_or_default();
        let runner = RunnerView {
            id: Uuid::nil(),
            github_id: 1,
            name: "<!channel> & <@U123>".into(),
            status: RunnerStatus::Online,
            busy: false,
            os: "Linux".into(),
            labels: Vec::new(),
            first_seen_at: at,
            last_seen_at: at,
        };
        let (mrkdwn, plain) = runner_line(&runner);
        assert!(mrkdwn.contains("*&lt;!channel&gt; &amp; &lt;@U123&gt;*"), "{mrkdwn}");
        let answer = ephemeral(plain, vec![section(&mrkdwn)]);
        let text = answer["text"].as_str().unwrap_or_default();
        assert!(text.starts_with("&lt;!channel&gt; &amp; &lt;@U123&gt;:"), "{text}");
        assert!(!answer.to_string().contains("<!channel>") && !answer.to_string().contains("<@U"));
    }

    #[test]
    fn unknown_commands_get_the_help_text() {
        let help = help();
        assert_eq!(help["response_type"], "ephemeral");
        assert!(help["text"].as_str().unwrap_or_default().contains("/runner-history"));
    }

    #[test]
    fn outage_lines_say_ongoing_or_how_long() {
        let at = DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").map(|t| t.to_utc());
        let at = at.unwrap_or_default();
        let mut outage = OutageView {
            number: 2,
            status: "ongoing",
            started_at: at,
            resolved_at: None,
            duration_seconds: 60,
            description: String::new(),
        };
        assert_eq!(outage_line(&outage).1, "#2 started 2026-11-22 10:00 UTC: Ongoing");
        outage.resolved_at = Some(at);
        outage.duration_seconds = 725;
        assert_eq!(outage_line(&outage).1, "#2 started 2026-11-22 10:00 UTC: 12m 5s");
        assert!(outage_line(&outage).0.starts_with("*#2* · started <!date^1795341600^"));
    }
}
