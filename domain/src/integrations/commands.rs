//! Slack slash commands, answered with data (the Slack message is made next
//! to the Slack sender, in `jobs::notify::slack_commands`):
//! - `/runner-history <runner>`: the runner's last five outages,
//! - `/runner-status-all`: every runner's status, last and first seen,
//! - anything else: what the commands are.
//!
//! Only the runner monitors linked to the verifying integration are
//! consulted, through the read grant `monitors::access` gives it.

use sea_orm::{DatabaseConnection, DbErr};
use uuid::Uuid;

use super::VerifiedIntegration;
use crate::monitors::access::linked_to_integration;
use crate::runners::{self, OutageView, RunnerView};

/// How many outages `/runner-history` shows.
pub const HISTORY_LEN: u64 = 5;

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

/// What a command asked for, and what RunState knows about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandAnswer {
    /// An unknown command, or one used wrongly: what the commands are.
    Help,
    /// `/runner-history <runner>`: the runner on each queried monitor that
    /// has one by that name (none: no such runner).
    History { runner: String, found: Vec<RunnerHistory> },
    /// `/runner-status-all`: every queried monitor with its runners.
    StatusAll { monitors: Vec<RunnerList> },
}

/// A runner monitor the integration may query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedMonitor {
    pub id: Uuid,
    /// `owner/repo`, or the owner for an organisation's runners.
    pub repository: String,
}

/// One runner and its last [`HISTORY_LEN`] outages, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunnerHistory {
    pub monitor: WatchedMonitor,
    pub runner: RunnerView,
    pub outages: Vec<OutageView>,
}

/// One monitor's runners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunnerList {
    pub monitor: WatchedMonitor,
    pub runners: Vec<RunnerView>,
}

/// The answer to `command` for `integration`, about the runner monitors
/// linked to it.
pub async fn answer(
    db: &DatabaseConnection,
    integration: &VerifiedIntegration,
    command: &SlashCommand,
) -> Result<CommandAnswer, DbErr> {
    let name = command.command.trim_start_matches('/');
    match name {
        "runner-history" if !command.text.is_empty() && command.text != "help" => {
            let mut found = Vec::new();
            for (grant, monitor) in watched(db, integration).await? {
                let Some(runner) = runners::find_runner(&grant, &command.text).await? else {
                    continue;
                };
                let outages = runners::outages(&grant, &command.text, HISTORY_LEN).await?;
                found.push(RunnerHistory { monitor, runner, outages });
            }
            Ok(CommandAnswer::History { runner: command.text.clone(), found })
        }
        "runner-status-all" if command.text.is_empty() => {
            let mut monitors = Vec::new();
            for (grant, monitor) in watched(db, integration).await? {
                let runners = runners::list_runners(&grant).await?;
                monitors.push(RunnerList { monitor, runners });
            }
            Ok(CommandAnswer::StatusAll { monitors })
        }
        _ => Ok(CommandAnswer::Help),
    }
}

/// The runner monitors linked to `integration`, by name, each with its read grant.
async fn watched(
    db: &DatabaseConnection,
    integration: &VerifiedIntegration,
) -> Result<Vec<(crate::monitors::MonitorRef<crate::monitors::Read>, WatchedMonitor)>, DbErr> {
    let granted = linked_to_integration(db, integration.id, integration.owner_id).await?;
    Ok(granted
        .into_iter()
        .map(|grant| {
            let view = grant.view();
            let repository = view
                .github_spec
                .as_ref()
                .map_or_else(|| view.name.clone(), |spec| spec.repository());
            let monitor = WatchedMonitor { id: grant.id(), repository };
            (grant, monitor)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_body_gives_command_and_text() {
        let body = b"token=x&command=%2Frunner-history&text=ci-1+&user_name=roadrunner";
        let command = SlashCommand::parse(body);
        assert_eq!(command.command, "/runner-history");
        assert_eq!(command.text, "ci-1");
    }
}
