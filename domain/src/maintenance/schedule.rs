//! When a maintenance window is on: once, by an RRULE, or by a cron pattern
//! with a duration, always read on the wall clock of an IANA zone. Pure:
//! every question takes the instant it is asked at, so tests inject time.
//!
//! DST (decision 109): an RRULE occurrence keeps its wall-clock time (09:00
//! stays 09:00 local across a change). A wall-clock time the clocks skip
//! (02:30 on the spring-forward night in Europe/Berlin) is read with the
//! offset before the gap, as RFC 5545 says: it starts at 03:30 local, the
//! same instant as 02:30 standard time, and lasts its whole duration. A time
//! the clocks repeat starts on its first pass. A cron pattern follows
//! croner's rules, as heartbeats do (decision 72).

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::rrule::{Rrule, Until};
use crate::heartbeats::schedule::CronExpr;
use crate::heartbeats::Schedule as CronSchedule;

/// The shortest occurrence of a recurring window: a minute.
pub const MIN_DURATION_SECS: i64 = 60;
/// The longest occurrence, and the longest one-off window: 31 days.
pub const MAX_DURATION_SECS: i64 = 31 * 86_400;
/// How many local days ahead a rule is searched for its next occurrence (a
/// monthly rule on the 29th of February with `INTERVAL=12` is rare, not never).
const SEARCH_DAYS: i64 = 366 * 12;

/// One occurrence of a window: from `start` (inclusive) to `end` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// How a window recurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recurrence {
    Rrule(Rrule),
    Cron(CronExpr),
}

/// A window's schedule, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// Once.
    OneOff(Window),
    /// Every occurrence of `rule` from `first` (whose wall-clock time in
    /// `tz` an RRULE's occurrences keep) until `until` (no occurrence starts
    /// after it), each lasting `duration`.
    Recurring {
        rule: Recurrence,
        tz: Tz,
        first: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
        duration: Duration,
    },
}

impl Schedule {
    /// The occurrence covering `now`, if any.
    pub fn occurrence_at(&self, now: DateTime<Utc>) -> Option<Window> {
        match self {
            Self::OneOff(w) => (w.start <= now && now < w.end).then_some(*w),
            Self::Recurring { duration, .. } => {
                // The earliest occurrence not over by `now`; it covers `now`
                // when it has started.
                let w = self.first_start_after(now - *duration)?;
                (w.start <= now).then_some(w)
            }
        }
    }

    /// The first occurrence that starts strictly after `now`.
    pub fn next_after(&self, now: DateTime<Utc>) -> Option<Window> {
        match self {
            Self::OneOff(w) => (w.start > now).then_some(*w),
            Self::Recurring { .. } => self.first_start_after(now),
        }
    }

    /// Up to `n` occurrences not over by `now`: the current one first, if any.
    pub fn upcoming(&self, now: DateTime<Utc>, n: usize) -> Vec<Window> {
        let mut out = Vec::with_capacity(n);
        let mut cursor = self.occurrence_at(now).or_else(|| self.next_after(now));
        while let Some(w) = cursor {
            out.push(w);
            if out.len() == n {
                break;
            }
            cursor = self.next_after(w.start);
        }
        out
    }

    /// The first occurrence starting strictly after `after`.
    fn first_start_after(&self, after: DateTime<Utc>) -> Option<Window> {
        let Self::Recurring { rule, tz, first, until, duration } = self else {
            return None;
        };
        let start = match rule {
            Recurrence::Cron(expr) => {
                let from = after.max(*first - Duration::seconds(1));
                CronSchedule::Cron { expr: expr.clone(), tz: *tz }.next_after(from)?
            }
            Recurrence::Rrule(rule) => rrule_start_after(rule, *tz, *first, after)?,
        };
        if until.is_some_and(|u| start > u) {
            return None;
        }
        Some(Window { start, end: start + *duration })
    }
}

/// The first start of `rule` strictly after `after`, walking local dates.
fn rrule_start_after(
    rule: &Rrule,
    tz: Tz,
    first: DateTime<Utc>,
    after: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let local_first = first.with_timezone(&tz).naive_local();
    let (first_day, time) = (local_first.date(), local_first.time());
    // With COUNT every occurrence from the first counts; without, the walk
    // may begin the day before `after` (no start on an earlier date is later).
    let from_day = match rule.count {
        Some(_) => first_day,
        None => first_day.max(after.with_timezone(&tz).date_naive() - Duration::days(1)),
    };
    let last_day = after.with_timezone(&tz).date_naive() + Duration::days(SEARCH_DAYS);
    let mut seen = 0;
    let mut day = from_day;
    while day <= last_day {
        if rule.matches(first_day, day) {
            seen += 1;
            if rule.count.is_some_and(|count| seen > count) {
                return None;
            }
            let start = resolve(tz, day.and_time(time));
            if let Some(Until::Instant(until)) = rule.until {
                if start.naive_utc() > until {
                    return None;
                }
            }
            if start > after && start >= first {
                return Some(start);
            }
        }
        day = day.succ_opt()?;
    }
    None
}

/// A wall-clock time in `tz` as an instant: a repeated time's first pass; a
/// skipped time read with the offset before the gap (RFC 5545 §3.3.5).
pub fn resolve(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
        LocalResult::None => {
            // Offsets change at most once in a day: twelve hours before is
            // on the far side of the gap.
            let before = Utc.from_utc_datetime(&(local - Duration::hours(12)));
            let offset = tz.offset_from_utc_datetime(&before.naive_utc());
            let fixed = chrono::Offset::fix(&offset);
            Utc.from_utc_datetime(&(local - Duration::seconds(i64::from(fixed.local_minus_utc()))))
        }
    }
}

/// A local date and time in `tz` (for tests and docs: `at(tz, 2026, 3, 29, 9, 0)`).
pub fn local(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> Option<DateTime<Utc>> {
    let day = NaiveDate::from_ymd_opt(y, m, d)?;
    Some(resolve(tz, day.and_hms_opt(h, min, 0)?))
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
