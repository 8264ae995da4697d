//! Slack slash commands, answered with data (the Slack message is made next
//! to the Slack sender, in `jobs::notify::slack_commands`):
//! - `/runner-history <runner>`: the runner's last five outages,
//! - `/runner-status-all`: every runner's status, last and first seen,
//! - anything else: what the commands are.
//!
//! Only the runner monitors of the verifying integration are consulted.

use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entities::monitors;
use crate::monitors::Target;
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

/// The answer to `command` about `monitor_ids`.
pub async fn answer(
    db: &DatabaseConnection,
    monitor_ids: &[Uuid],
    command: &SlashCommand,
) -> Result<CommandAnswer, DbErr> {
    let name = command.command.trim_start_matches('/');
    match name {
        "runner-history" if !command.text.is_empty() && command.text != "help" => {
            let mut found = Vec::new();
            for monitor in watched(db, monitor_ids).await? {
                let Some(runner) = runners::find_runner(db, monitor.id, &command.text).await?
                else {
                    continue;
                };
                let outages = runners::outages(db, monitor.id, &command.text, HISTORY_LEN).await?;
                found.push(RunnerHistory { monitor, runner, outages });
            }
            Ok(CommandAnswer::History { runner: command.text.clone(), found })
        }
        "runner-status-all" if command.text.is_empty() => {
            let mut monitors = Vec::new();
            for monitor in watched(db, monitor_ids).await? {
                let runners = runners::list_runners(db, monitor.id).await?;
                monitors.push(RunnerList { monitor, runners });
            }
            Ok(CommandAnswer::StatusAll { monitors })
        }
        _ => Ok(CommandAnswer::Help),
    }
}

/// The runner monitors among `ids`, by name.
async fn watched(db: &DatabaseConnection, ids: &[Uuid]) -> Result<Vec<WatchedMonitor>, DbErr> {
    let rows = monitors::Entity::find()
        .filter(monitors::Column::Id.is_in(ids.to_vec()))
        .filter(monitors::Column::Kind.eq("github_runners"))
        .order_by_asc(monitors::Column::Name)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let repository = match Target::from_config(&m.kind, &m.config) {
                Ok(Target::GithubRunners(spec)) => spec.repository(),
                _ => m.name.clone(),
            };
            WatchedMonitor { id: m.id, repository }
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
