//! Maintenance as a status page shows it (decision 125): a monitor inside a
//! window reads `maintenance` whatever its checks say, a day a window
//! touched is drawn apart on the uptime bars, and the windows active now or
//! starting within [`NOTICE_DAYS`] are listed with their title and
//! description (the owner writes those for the public, as for incidents).

use std::collections::{BTreeSet, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use serde::Serialize;
use uuid::Uuid;

use crate::entities::maintenance_windows;
use crate::maintenance::{MaintenanceSpec, Window};

/// How far ahead a page announces a window.
pub const NOTICE_DAYS: i64 = 14;
/// The most occurrences walked per window when marking past days: one a
/// day for the whole uptime window, with room for several a day.
const MAX_PAST_OCCURRENCES: usize = 4 * super::UPTIME_DAYS;

/// A window as the public sees it: no id, no owner, only the public names of
/// the components it covers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicMaintenance {
    pub title: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Whether it is on now.
    pub active: bool,
    /// The public names of the page's components it covers, in page order.
    pub components: Vec<String>,
}

/// The maintenance of a set of monitors over the uptime days, read once.
#[derive(Debug, Default)]
pub(super) struct MaintenanceFacts {
    /// Monitors inside a window now.
    pub active: HashSet<Uuid>,
    /// Days (UTC) on which a window covered a monitor for some time.
    pub days: HashSet<(Uuid, NaiveDate)>,
    /// Windows on now or soon, each with the monitors it covers.
    pub notices: Vec<(Window, String, String, BTreeSet<Uuid>)>,
}

impl MaintenanceFacts {
    /// What the windows of `monitors` say from `first_day` (UTC) to `now`
    /// and for the next [`NOTICE_DAYS`].
    pub async fn load(
        db: &DatabaseConnection,
        monitors: &[Uuid],
        first_day: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Self, DbErr> {
        let mut facts = Self::default();
        if monitors.is_empty() {
            return Ok(facts);
        }
        let mut covered = crate::maintenance::coverage::windows_covering(db, monitors).await?;
        if covered.is_empty() {
            return Ok(facts);
        }
        let rows = maintenance_windows::Entity::find()
            .filter(maintenance_windows::Column::Id.is_in(covered.keys().copied()))
            .all(db)
            .await?;
        let since = first_day.and_time(chrono::NaiveTime::MIN).and_utc();
        for row in rows {
            let Ok(spec) = MaintenanceSpec::of_row(&row) else {
                // Written through validation; a row edited by hand is left out.
                tracing::warn!(window = %row.id, "unreadable maintenance window");
                continue;
            };
            let ids = covered.remove(&row.id).unwrap_or_default();
            let past = spec.schedule.upcoming(since, MAX_PAST_OCCURRENCES);
            for w in past.iter().take_while(|w| w.start <= now) {
                for day in days_touched(w, since, now) {
                    facts.days.extend(ids.iter().map(|id| (*id, day)));
                }
            }
            let current = spec.schedule.occurrence_at(now);
            if current.is_some() {
                facts.active.extend(ids.iter().copied());
            }
            let notice = current.or_else(|| spec.schedule.next_after(now));
            if let Some(w) = notice.filter(|w| w.start <= now + Duration::days(NOTICE_DAYS)) {
                facts.notices.push((w, row.title, row.description, ids));
            }
        }
        facts.notices.sort_by_key(|(w, ..)| w.start);
        Ok(facts)
    }
}

/// The UTC days an occurrence overlaps, within `since..=now`.
fn days_touched(w: &Window, since: DateTime<Utc>, now: DateTime<Utc>) -> Vec<NaiveDate> {
    let from = Ord::max(w.start, since).date_naive();
    // `end` is exclusive: a window ending at midnight does not touch the next day.
    let last = Ord::min(w.end - Duration::microseconds(1), now).date_naive();
    from.iter_days().take_while(|d| *d <= last).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, h, 0, 0).unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    #[test]
    fn an_occurrence_marks_every_day_it_overlaps_and_not_the_day_it_ends_at_midnight() {
        let w = Window { start: at(2, 22), end: at(4, 0) };
        assert_eq!(days_touched(&w, at(1, 0), at(10, 0)), vec![day(2), day(3)]);
        let w = Window { start: at(2, 22), end: at(4, 1) };
        assert_eq!(days_touched(&w, at(1, 0), at(10, 0)), vec![day(2), day(3), day(4)]);
    }

    #[test]
    fn days_before_the_bars_or_after_now_are_not_marked() {
        let w = Window { start: at(1, 0), end: at(9, 0) };
        assert_eq!(days_touched(&w, at(3, 0), at(5, 12)), vec![day(3), day(4), day(5)]);
    }
}
