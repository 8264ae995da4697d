//! The subset of iCalendar's RRULE (RFC 5545 §3.3.10) a maintenance window
//! may recur by: `FREQ=DAILY|WEEKLY|MONTHLY`, `INTERVAL`, `BYDAY` (with an
//! ordinal in a monthly rule: `2TU`, `-1FR`), `BYMONTHDAY` (`-1` is the
//! last day), `COUNT`, `UNTIL`. Written here rather than taken from a crate:
//! the subset is small and its DST rule is ours to state (decision 109).
//! A rule matches local dates; the time of day is the window's first start's.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};

/// How often the rule repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freq {
    Daily,
    Weekly,
    Monthly,
}

/// One `BYDAY` entry: a weekday, with an ordinal in a monthly rule (`2TU`
/// the second Tuesday, `-1FR` the last Friday).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByDay {
    pub weekday: Weekday,
    pub ordinal: Option<i8>,
}

/// When a rule stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// `UNTIL=20261231T235959Z`: no occurrence starts after this instant
    /// (compared in UTC by the caller).
    Instant(NaiveDateTime),
    /// `UNTIL=20261231`: the last local date an occurrence may fall on.
    Date(NaiveDate),
}

/// A parsed rule, as written (`as_str`) and as understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rrule {
    text: String,
    pub freq: Freq,
    pub interval: u32,
    pub by_day: Vec<ByDay>,
    pub by_month_day: Vec<i8>,
    pub count: Option<u32>,
    pub until: Option<Until>,
}

/// The longest interval accepted (a day every thousand is rule enough).
const MAX_INTERVAL: u32 = 1000;
/// The largest `COUNT` accepted.
const MAX_COUNT: u32 = 10_000;

impl Rrule {
    /// Parses `FREQ=WEEKLY;BYDAY=MO,WE` (an `RRULE:` prefix is allowed);
    /// the message says what is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let body = text.strip_prefix("RRULE:").unwrap_or(text);
        if body.is_empty() {
            return Err("give a rule such as FREQ=WEEKLY;BYDAY=MO".into());
        }
        let mut freq = None;
        let mut rule = Self {
            text: body.to_owned(),
            freq: Freq::Daily,
            interval: 1,
            by_day: Vec::new(),
            by_month_day: Vec::new(),
            count: None,
            until: None,
        };
        for part in body.split(';') {
            let (name, value) =
                part.split_once('=').ok_or_else(|| format!("`{part}` is not NAME=VALUE"))?;
            match name.to_ascii_uppercase().as_str() {
                "FREQ" => freq = Some(parse_freq(value)?),
                "INTERVAL" => rule.interval = number(name, value, 1, MAX_INTERVAL)?,
                "BYDAY" => rule.by_day = list(value, parse_by_day)?,
                "BYMONTHDAY" => rule.by_month_day = list(value, parse_month_day)?,
                "COUNT" => rule.count = Some(number(name, value, 1, MAX_COUNT)?),
                "UNTIL" => rule.until = Some(parse_until(value)?),
                "WKST" if value.eq_ignore_ascii_case("MO") => {}
                other => {
                    return Err(format!(
                        "`{other}` is not supported; use FREQ, INTERVAL, BYDAY, BYMONTHDAY, COUNT or UNTIL"
                    ))
                }
            }
        }
        rule.freq = freq.ok_or("FREQ is required (DAILY, WEEKLY or MONTHLY)")?;
        if rule.count.is_some() && rule.until.is_some() {
            return Err("give COUNT or UNTIL, not both".into());
        }
        if rule.freq != Freq::Monthly {
            if rule.by_day.iter().any(|d| d.ordinal.is_some()) {
                return Err("an ordinal in BYDAY (2TU, -1FR) needs FREQ=MONTHLY".into());
            }
            if !rule.by_month_day.is_empty() {
                return Err("BYMONTHDAY needs FREQ=MONTHLY".into());
            }
        }
        Ok(rule)
    }

    /// The rule as written (without an `RRULE:` prefix).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether an occurrence falls on local date `day`, for a rule whose
    /// first occurrence is on `first` (which defines the defaults: its
    /// weekday for a weekly rule, its day of the month for a monthly one).
    pub fn matches(&self, first: NaiveDate, day: NaiveDate) -> bool {
        if day < first {
            return false;
        }
        if let Some(Until::Date(last)) = self.until {
            if day > last {
                return false;
            }
        }
        let interval = i64::from(self.interval);
        match self.freq {
            Freq::Daily => {
                (day - first).num_days() % interval == 0
                    && (self.by_day.is_empty()
                        || self.by_day.iter().any(|d| d.weekday == day.weekday()))
            }
            Freq::Weekly => {
                let week = |d: NaiveDate| d.week(Weekday::Mon).first_day();
                let weeks = (week(day) - week(first)).num_days() / 7;
                let on_day = if self.by_day.is_empty() {
                    day.weekday() == first.weekday()
                } else {
                    self.by_day.iter().any(|d| d.weekday == day.weekday())
                };
                weeks % interval == 0 && on_day
            }
            Freq::Monthly => {
                let months = i64::from(day.year() * 12 + day.month0() as i32)
                    - i64::from(first.year() * 12 + first.month0() as i32);
                if months % interval != 0 {
                    return false;
                }
                let by_month_day = self.by_month_day.is_empty()
                    || self.by_month_day.iter().any(|&n| month_day(day, n));
                let by_day =
                    self.by_day.is_empty() || self.by_day.iter().any(|d| weekday_of_month(day, *d));
                if self.by_day.is_empty() && self.by_month_day.is_empty() {
                    day.day() == first.day()
                } else {
                    by_month_day && by_day
                }
            }
        }
    }
}

fn parse_freq(value: &str) -> Result<Freq, String> {
    match value.to_ascii_uppercase().as_str() {
        "DAILY" => Ok(Freq::Daily),
        "WEEKLY" => Ok(Freq::Weekly),
        "MONTHLY" => Ok(Freq::Monthly),
        other => Err(format!("FREQ=`{other}` is not supported; use DAILY, WEEKLY or MONTHLY")),
    }
}

fn number(name: &str, value: &str, min: u32, max: u32) -> Result<u32, String> {
    value
        .parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| format!("{name} must be a whole number from {min} to {max}"))
}

fn list<T>(value: &str, item: fn(&str) -> Result<T, String>) -> Result<Vec<T>, String> {
    value.split(',').map(item).collect()
}

fn weekday(code: &str) -> Option<Weekday> {
    Some(match code.to_ascii_uppercase().as_str() {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

fn parse_by_day(raw: &str) -> Result<ByDay, String> {
    let bad = || format!("BYDAY `{raw}` is not a day such as MO, 2TU or -1FR");
    let raw = raw.trim();
    let split = raw.len().checked_sub(2).ok_or_else(bad)?;
    let (ordinal, code) = (raw.get(..split).ok_or_else(bad)?, raw.get(split..).ok_or_else(bad)?);
    let weekday = weekday(code).ok_or_else(bad)?;
    let ordinal = match ordinal.trim_start_matches('+') {
        "" => None,
        n => Some(n.parse::<i8>().ok().filter(|n| (1..=5).contains(&n.abs())).ok_or_else(bad)?),
    };
    Ok(ByDay { weekday, ordinal })
}

fn parse_month_day(raw: &str) -> Result<i8, String> {
    raw.trim()
        .parse::<i8>()
        .ok()
        .filter(|n| (1..=31).contains(&n.abs()))
        .ok_or_else(|| format!("BYMONTHDAY `{raw}` must be 1 to 31 or -31 to -1"))
}

fn parse_until(raw: &str) -> Result<Until, String> {
    let bad = || format!("UNTIL `{raw}` is not a date (20261231) or UTC time (20261231T235959Z)");
    if let Some(utc) = raw.strip_suffix('Z').or_else(|| raw.strip_suffix('z')) {
        return NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S")
            .map(Until::Instant)
            .map_err(|_| bad());
    }
    NaiveDate::parse_from_str(raw, "%Y%m%d").map(Until::Date).map_err(|_| bad())
}

fn days_in_month(day: NaiveDate) -> u32 {
    let (y, m) =
        if day.month() == 12 { (day.year() + 1, 1) } else { (day.year(), day.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).and_then(|next| next.pred_opt()).map_or(28, |last| last.day())
}

/// Whether `day` is day `n` of its month, counting from the end when negative.
fn month_day(day: NaiveDate, n: i8) -> bool {
    let last = days_in_month(day) as i32;
    let wanted = if n > 0 { i32::from(n) } else { last + 1 + i32::from(n) };
    wanted == day.day() as i32
}

/// Whether `day` is the weekday `by` names, and its ordinal in the month
/// when one is given (`-1` the last).
fn weekday_of_month(day: NaiveDate, by: ByDay) -> bool {
    if day.weekday() != by.weekday {
        return false;
    }
    match by.ordinal {
        None => true,
        Some(n) if n > 0 => (day.day() - 1) / 7 + 1 == n as u32,
        Some(n) => (days_in_month(day) - day.day()) / 7 + 1 == n.unsigned_abs() as u32,
    }
}
