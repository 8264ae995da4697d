//! A window's settings as a request gives them, and validated: each error
//! names the request field at fault (`title`, `time_zone`, `rule`, …).

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use kinds::MaintenanceKind;
use serde::Deserialize;
use uuid::Uuid;

use super::rrule::Rrule;
use super::schedule::{Recurrence, Schedule, Window, MAX_DURATION_SECS, MIN_DURATION_SECS};
use super::MaintenanceError;
use crate::entities::maintenance_windows;
use crate::heartbeats::schedule::CronExpr;

/// The longest title.
const MAX_TITLE: usize = 200;
/// The longest description.
const MAX_DESCRIPTION: usize = 4000;

/// A create or patch request; on a patch, absent fields stay, and a `kind`
/// that differs from the stored one replaces the schedule whole (its
/// `starts_at`, `ends_at`, `rule` and `duration_secs` from the request).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceInput {
    pub title: Option<String>,
    pub description: Option<String>,
    /// An IANA zone; `UTC` when absent on create.
    pub time_zone: Option<String>,
    pub kind: Option<MaintenanceKind>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub rule: Option<String>,
    pub duration_secs: Option<i64>,
    /// The monitors it covers: the window owner's (or readable by them).
    pub monitor_ids: Option<Vec<Uuid>>,
    /// Status pages whose shown monitors it covers: the window owner's.
    pub status_page_ids: Option<Vec<Uuid>>,
    /// Tags: the window owner's monitors carrying any of them.
    pub tags: Option<Vec<String>>,
    /// Whether the pages' subscribers are told of it (default: yes).
    pub announce: Option<bool>,
    /// Accepted and ignored: server-owned fields a client may echo back.
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    #[serde(default)]
    pub owner_id: Option<serde_json::Value>,
    #[serde(default)]
    pub active: Option<serde_json::Value>,
    #[serde(default)]
    pub occurrences: Option<serde_json::Value>,
    #[serde(default)]
    pub created_at: Option<serde_json::Value>,
    #[serde(default)]
    pub updated_at: Option<serde_json::Value>,
}

/// A window's stored fields, validated together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceSpec {
    pub title: String,
    pub description: String,
    pub time_zone: Tz,
    pub kind: MaintenanceKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub rule: Option<String>,
    pub duration_secs: Option<i64>,
    pub schedule: Schedule,
}

fn invalid(field: &str, message: impl Into<String>) -> MaintenanceError {
    MaintenanceError::invalid(field, message)
}

impl MaintenanceInput {
    /// The settings of a new window; `now` is a cron window's first start
    /// when none is given.
    pub fn create(self, now: DateTime<Utc>) -> Result<MaintenanceSpec, MaintenanceError> {
        let kind = self.kind.ok_or_else(|| invalid("kind", "give one_off, rrule or cron"))?;
        let starts_at = match (self.starts_at, kind) {
            (Some(at), _) => at,
            (None, MaintenanceKind::Cron) => now,
            (None, _) => return Err(invalid("starts_at", "is required")),
        };
        MaintenanceSpec::parse(
            self.title.unwrap_or_default(),
            self.description.unwrap_or_default(),
            self.time_zone.as_deref().unwrap_or("UTC"),
            kind,
            starts_at,
            self.ends_at,
            self.rule,
            self.duration_secs,
        )
    }

    /// The stored window `row` with this patch on top.
    pub fn patch(
        self,
        row: &maintenance_windows::Model,
    ) -> Result<MaintenanceSpec, MaintenanceError> {
        let replace = self.kind.is_some_and(|k| k != row.kind);
        let kind = self.kind.unwrap_or(row.kind);
        let (starts_at, ends_at, rule, duration) = if replace {
            let starts_at = self
                .starts_at
                .ok_or_else(|| invalid("starts_at", "is required when the kind changes"))?;
            (starts_at, self.ends_at, self.rule, self.duration_secs)
        } else {
            (
                self.starts_at.unwrap_or(row.starts_at),
                self.ends_at.or(row.ends_at),
                self.rule.or_else(|| row.rule.clone()),
                self.duration_secs.or(row.duration_secs),
            )
        };
        MaintenanceSpec::parse(
            self.title.unwrap_or_else(|| row.title.clone()),
            self.description.unwrap_or_else(|| row.description.clone()),
            self.time_zone.as_deref().unwrap_or(&row.time_zone),
            kind,
            starts_at,
            ends_at,
            rule,
            duration,
        )
    }
}

impl MaintenanceSpec {
    /// Validates a window's fields together.
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        title: String,
        description: String,
        time_zone: &str,
        kind: MaintenanceKind,
        starts_at: DateTime<Utc>,
        ends_at: Option<DateTime<Utc>>,
        rule: Option<String>,
        duration_secs: Option<i64>,
    ) -> Result<Self, MaintenanceError> {
        let title = title.trim().to_owned();
        if title.is_empty() || title.chars().count() > MAX_TITLE {
            return Err(invalid("title", format!("must be 1 to {MAX_TITLE} characters")));
        }
        if title.chars().any(char::is_control) {
            return Err(invalid("title", "must not contain control characters"));
        }
        if description.chars().count() > MAX_DESCRIPTION {
            return Err(invalid(
                "description",
                format!("must be at most {MAX_DESCRIPTION} characters"),
            ));
        }
        let tz = time_zone.trim().parse::<Tz>().map_err(|_| {
            invalid(
                "time_zone",
                format!("`{time_zone}` is not an IANA time zone like Europe/Berlin"),
            )
        })?;
        let schedule = match kind {
            MaintenanceKind::OneOff => {
                if rule.is_some() {
                    return Err(invalid("rule", "applies only to a recurring window"));
                }
                if duration_secs.is_some() {
                    return Err(invalid(
                        "duration_secs",
                        "applies only to a recurring window; give ends_at",
                    ));
                }
                let end = ends_at
                    .ok_or_else(|| invalid("ends_at", "is required for a one-off window"))?;
                if end <= starts_at {
                    return Err(invalid("ends_at", "must be after starts_at"));
                }
                if end - starts_at > Duration::seconds(MAX_DURATION_SECS) {
                    return Err(invalid("ends_at", "a window lasts at most 31 days"));
                }
                Schedule::OneOff(Window { start: starts_at, end })
            }
            MaintenanceKind::Rrule | MaintenanceKind::Cron => {
                let text = rule
                    .as_deref()
                    .ok_or_else(|| invalid("rule", "is required for a recurring window"))?;
                let recurrence = if kind == MaintenanceKind::Rrule {
                    Recurrence::Rrule(Rrule::parse(text).map_err(|m| invalid("rule", m))?)
                } else {
                    Recurrence::Cron(CronExpr::parse(text).map_err(|m| invalid("rule", m))?)
                };
                let secs = duration_secs.ok_or_else(|| {
                    invalid("duration_secs", "is required for a recurring window")
                })?;
                if !(MIN_DURATION_SECS..=MAX_DURATION_SECS).contains(&secs) {
                    return Err(invalid(
                        "duration_secs",
                        format!("must be {MIN_DURATION_SECS} to {MAX_DURATION_SECS} seconds"),
                    ));
                }
                if ends_at.is_some_and(|end| end <= starts_at) {
                    return Err(invalid("ends_at", "must be after starts_at"));
                }
                Schedule::Recurring {
                    rule: recurrence,
                    tz,
                    first: starts_at,
                    until: ends_at,
                    duration: Duration::seconds(secs),
                }
            }
        };
        Ok(Self {
            title,
            description,
            time_zone: tz,
            kind,
            starts_at,
            ends_at,
            rule: rule.map(|r| r.trim().to_owned()),
            duration_secs,
            schedule,
        })
    }

    /// The schedule of a stored row (validated when it was written).
    pub fn of_row(row: &maintenance_windows::Model) -> Result<Self, MaintenanceError> {
        Self::parse(
            row.title.clone(),
            row.description.clone(),
            &row.time_zone,
            row.kind,
            row.starts_at,
            row.ends_at,
            row.rule.clone(),
            row.duration_secs,
        )
    }
}
