//! When a job is expected: every N seconds, or on a cron pattern in an IANA
//! time zone; with a grace period and optional bounds on a run's length.
//! Stored as JSON in `monitors.config` like the other kinds' specs, and
//! validated on the way in and out, naming the field at fault.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use croner::parser::{CronParser, Seconds, Year};
use croner::Cron;
use serde::{Deserialize, Serialize};

use crate::monitors::SpecError;

/// The longest period, grace or run bound: a year, in seconds.
pub const MAX_SECS: u64 = 365 * 86_400;
/// The shortest period: a minute (a cron pattern may fire more often, with
/// its seconds field, as its author chose).
pub const MIN_EVERY_SECS: u64 = 60;

/// When the next ping is expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// A fixed period after the last success, in seconds.
    Period { every: u64 },
    /// The first time the pattern fires, in the zone, after the last success.
    Cron { expr: CronExpr, tz: Tz },
}

/// A parsed cron pattern with the text it came from (kept as written, for
/// storing and showing).
#[derive(Debug, Clone)]
pub struct CronExpr {
    text: String,
    // Boxed: the parsed pattern is a few hundred bytes, a period eight.
    cron: Box<Cron>,
}

impl PartialEq for CronExpr {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}
impl Eq for CronExpr {}

impl CronExpr {
    /// Parses a 5-field (minute first) or 6-field (second first) pattern,
    /// with `L`, `W`, `#`, names and `@daily`-style nicknames; a 7th (year)
    /// field is refused. A pattern that never fires (`0 0 30 2 *`) is refused
    /// too: it would leave the monitor waiting for ever.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let fields = text.split_whitespace().count();
        if !text.starts_with('@') && !(5..=6).contains(&fields) {
            return Err(format!(
                "`{text}` has {fields} fields; give 5 (minute first) or 6 (second first)"
            ));
        }
        let parser =
            CronParser::builder().seconds(Seconds::Optional).year(Year::Disallowed).build();
        let cron =
            parser.parse(text).map_err(|e| format!("`{text}` is not a cron pattern: {e}"))?;
        let probe = DateTime::<Utc>::from_timestamp(946_684_800, 0).unwrap_or_default();
        cron.find_next_occurrence(&probe, false).map_err(|_| format!("`{text}` never fires"))?;
        Ok(Self { text: text.to_owned(), cron: Box::new(cron) })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl Schedule {
    /// The first expected time strictly after `after`. A cron pattern is read
    /// on the zone's wall clock (croner's rules, decision 72): a time the
    /// clocks skip fires once at the first valid time after the gap, and a
    /// fixed time the clocks repeat fires once, on its first pass. `None`
    /// only past the year 5000.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Self::Period { every } => after.checked_add_signed(secs(*every)),
            Self::Cron { expr, tz } => {
                let local = after.with_timezone(tz);
                expr.cron.find_next_occurrence(&local, false).ok().map(|t| t.with_timezone(&Utc))
            }
        }
    }
}

/// A heartbeat monitor's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "HeartbeatInput", into = "HeartbeatInput")]
pub struct HeartbeatSpec {
    pub schedule: Schedule,
    /// How long after the expected time a ping still counts, in seconds.
    pub grace: u64,
    /// A run started and not finished within this many seconds is down.
    pub max_runtime: Option<u64>,
    /// A run finished in fewer seconds than this is degraded.
    pub min_runtime: Option<u64>,
}

/// The settings as a request or the stored JSON gives them: `every`
/// (seconds) or `schedule` (a cron pattern) with `tz` (default `UTC`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeartbeatInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tz: Option<String>,
    #[serde(default)]
    pub grace: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_runtime: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_runtime: Option<u64>,
}

/// The grace when none is given: five minutes.
pub const DEFAULT_GRACE_SECS: u64 = 300;

fn field(name: &str) -> String {
    format!("heartbeat.{name}")
}

fn bounded(name: &str, value: u64, min: u64) -> Result<u64, SpecError> {
    if !(min..=MAX_SECS).contains(&value) {
        return Err(SpecError::new(
            field(name),
            format!("must be between {min} and {MAX_SECS} seconds"),
        ));
    }
    Ok(value)
}

impl HeartbeatSpec {
    /// Validates `input`, naming the field at fault.
    pub fn parse(input: HeartbeatInput) -> Result<Self, SpecError> {
        let schedule = match (input.every, input.schedule) {
            (Some(every), None) => {
                if input.tz.is_some() {
                    return Err(SpecError::new(field("tz"), "applies only to a cron schedule"));
                }
                Schedule::Period { every: bounded("every", every, MIN_EVERY_SECS)? }
            }
            (None, Some(text)) => {
                let expr =
                    CronExpr::parse(&text).map_err(|m| SpecError::new(field("schedule"), m))?;
                let tz = match input.tz.as_deref().map(str::trim) {
                    None | Some("") => Tz::UTC,
                    Some(name) => name.parse::<Tz>().map_err(|_| {
                        SpecError::new(
                            field("tz"),
                            format!("`{name}` is not an IANA time zone like Europe/Berlin"),
                        )
                    })?,
                };
                Schedule::Cron { expr, tz }
            }
            _ => {
                return Err(SpecError::new(
                    field("schedule"),
                    "give either `every` (seconds) or `schedule` (a cron pattern)",
                ))
            }
        };
        let grace = bounded("grace", input.grace.unwrap_or(DEFAULT_GRACE_SECS), 0)?;
        let max_runtime = input.max_runtime.map(|v| bounded("max_runtime", v, 1)).transpose()?;
        let min_runtime = input.min_runtime.map(|v| bounded("min_runtime", v, 1)).transpose()?;
        if let (Some(min), Some(max)) = (min_runtime, max_runtime) {
            if min >= max {
                return Err(SpecError::new(field("min_runtime"), "must be less than max_runtime"));
            }
        }
        Ok(Self { schedule, grace, max_runtime, min_runtime })
    }

    /// The grace as a duration.
    pub fn grace(&self) -> Duration {
        secs(self.grace)
    }

    /// The schedule in a few words (`every 5m`, `0 3 * * * Europe/Berlin`):
    /// a new monitor's default name and its target in lists.
    pub fn describe(&self) -> String {
        match &self.schedule {
            Schedule::Period { every } => {
                format!("every {}", crate::text::duration(i64::try_from(*every).unwrap_or(0)))
            }
            Schedule::Cron { expr, tz } => format!("{} {}", expr.as_str(), tz.name()),
        }
    }
}

impl HeartbeatInput {
    /// A change on top of `current`: a new `every` or `schedule` replaces
    /// the schedule (with its `tz`), a `tz` alone moves the cron pattern to
    /// that zone, and each other field given replaces its value.
    pub fn patched(self, current: &HeartbeatSpec) -> Result<HeartbeatSpec, SpecError> {
        let mut merged = HeartbeatInput::from(current.clone());
        if self.every.is_some() || self.schedule.is_some() {
            merged.every = self.every;
            merged.schedule = self.schedule;
            merged.tz = self.tz;
        } else if self.tz.is_some() {
            merged.tz = self.tz;
        }
        merged.grace = self.grace.or(merged.grace);
        merged.max_runtime = self.max_runtime.or(merged.max_runtime);
        merged.min_runtime = self.min_runtime.or(merged.min_runtime);
        HeartbeatSpec::parse(merged)
    }
}

impl TryFrom<HeartbeatInput> for HeartbeatSpec {
    type Error = SpecError;

    fn try_from(input: HeartbeatInput) -> Result<Self, SpecError> {
        Self::parse(input)
    }
}

impl From<HeartbeatSpec> for HeartbeatInput {
    fn from(spec: HeartbeatSpec) -> Self {
        let (every, schedule, tz) = match spec.schedule {
            Schedule::Period { every } => (Some(every), None, None),
            Schedule::Cron { expr, tz } => (None, Some(expr.text), Some(tz.name().to_owned())),
        };
        Self {
            every,
            schedule,
            tz,
            grace: Some(spec.grace),
            max_runtime: spec.max_runtime,
            min_runtime: spec.min_runtime,
        }
    }
}

/// Seconds as a duration (every bound is at most [`MAX_SECS`], so it fits).
pub(crate) fn secs(value: u64) -> Duration {
    Duration::seconds(i64::try_from(value).unwrap_or(i64::MAX / 1000))
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
