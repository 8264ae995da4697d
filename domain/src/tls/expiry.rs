//! Expiry warnings: a monitor's thresholds (in days left), each of which
//! fires once as the certificate's days left fall past it, not on every check
//! below it. A renewal (days left going up) re-arms them all, because the
//! next fall starts from above again.

use serde::{Deserialize, Serialize};

use crate::monitors::SpecError;

/// The field the thresholds are set in, for errors.
pub const EXPIRY_FIELD: &str = "tls.expiry_days";

const MAX_THRESHOLDS: usize = 5;
const DAYS: std::ops::RangeInclusive<u32> = 1..=365;

/// Days-left thresholds that each warn once, highest first; valid by construction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<u32>", into = "Vec<u32>")]
pub struct ExpiryThresholds(Vec<u32>);

impl Default for ExpiryThresholds {
    /// 14, 7 and 1 days: two weeks to plan, a week to act, a last call.
    fn default() -> Self {
        Self(vec![14, 7, 1])
    }
}

impl ExpiryThresholds {
    /// Checks and orders `days`: each in 1..=365, no repeats, at most five.
    /// None at all is allowed: the certificate is still checked, no warning is sent.
    pub fn new(days: Vec<u32>) -> Result<Self, SpecError> {
        if days.len() > MAX_THRESHOLDS {
            return Err(SpecError::new(
                EXPIRY_FIELD,
                format!("at most {MAX_THRESHOLDS} thresholds, not {}", days.len()),
            ));
        }
        if let Some(out) = days.iter().find(|d| !DAYS.contains(d)) {
            return Err(SpecError::new(
                EXPIRY_FIELD,
                format!("{out} is not between {} and {} days", DAYS.start(), DAYS.end()),
            ));
        }
        let mut sorted = days;
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        if let Some(pair) = sorted.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(SpecError::new(EXPIRY_FIELD, format!("{} is given twice", pair[0])));
        }
        Ok(Self(sorted))
    }

    /// The thresholds, highest first.
    pub fn days(&self) -> &[u32] {
        &self.0
    }

    /// Thresholds as a client sends them (any integers); a refusal names `field`.
    pub fn from_input(days: Vec<i64>, field: &str) -> Result<Self, SpecError> {
        let days = days.into_iter().map(|d| u32::try_from(d).unwrap_or(0)).collect();
        Self::new(days).map_err(|e| SpecError::new(field, e.message))
    }

    /// Whether `days_left` is within the highest threshold: the renewal is
    /// due (the monitor is degraded). Never without thresholds.
    pub fn is_due(&self, days_left: i64) -> bool {
        self.0.first().is_some_and(|&first| days_left <= i64::from(first))
    }

    /// The threshold to warn about now, if the days left fell past one since
    /// the previous check: a threshold `t` is crossed when the previous days
    /// left were above `t` and now are at or below it. Falling past several
    /// at once warns once, with the lowest (the most urgent). A first check
    /// (`previous` is `None`) counts as coming from far above, so a
    /// certificate first seen with 5 days left warns at once.
    pub fn crossed(&self, previous: Option<i64>, now: i64) -> Option<u32> {
        self.0
            .iter()
            .copied()
            .filter(|&t| {
                let t = i64::from(t);
                now <= t && previous.is_none_or(|before| before > t)
            })
            .min()
    }
}

impl TryFrom<Vec<u32>> for ExpiryThresholds {
    type Error = SpecError;

    fn try_from(days: Vec<u32>) -> Result<Self, SpecError> {
        Self::new(days)
    }
}

impl From<ExpiryThresholds> for Vec<u32> {
    fn from(thresholds: ExpiryThresholds) -> Self {
        thresholds.0
    }
}

/// Whether the server's certificate was replaced since the previous check
/// (fingerprints compared); a first check is no change.
pub fn changed(previous: Option<&str>, now: &str) -> bool {
    previous.is_some_and(|before| before != now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_threshold_fires_once_as_it_is_crossed() {
        let thresholds = ExpiryThresholds::default();
        let table: &[(Option<i64>, i64, Option<u32>, &str)] = &[
            (None, 20, None, "first seen above every threshold"),
            (Some(20), 13, Some(14), "fell past 14"),
            (Some(13), 12, None, "still below 14: no second warning"),
            (Some(14), 14, None, "on the threshold, already warned"),
            (Some(15), 14, Some(14), "reaching the threshold crosses it"),
            (Some(8), 6, Some(7), "fell past 7"),
            (Some(15), 0, Some(1), "past all three at once: the lowest, once"),
            (Some(1), 90, None, "renewed: no warning"),
            (Some(90), 13, Some(14), "after a renewal the thresholds are armed again"),
            (None, 5, Some(7), "first seen with 5 days left warns at once"),
            (Some(1), -3, None, "expired: past every threshold already"),
        ];
        for &(previous, now, expected, case) in table {
            assert_eq!(thresholds.crossed(previous, now), expected, "{case}");
        }
    }

    #[test]
    fn no_thresholds_never_fire() {
        let none = ExpiryThresholds::new(Vec::new()).unwrap();
        assert_eq!(none.crossed(Some(30), 0), None);
    }

    #[test]
    fn thresholds_are_ordered_and_bounded() {
        assert_eq!(ExpiryThresholds::new(vec![1, 30, 7]).unwrap().days(), &[30, 7, 1]);
        assert_eq!(ExpiryThresholds::default().days(), &[14, 7, 1]);
        let refused = |days: Vec<u32>| ExpiryThresholds::new(days).unwrap_err();
        let zero = refused(vec![0, 7]);
        assert_eq!(zero.field, "tls.expiry_days");
        assert_eq!(zero.message, "0 is not between 1 and 365 days");
        assert_eq!(refused(vec![366]).message, "366 is not between 1 and 365 days");
        assert_eq!(refused(vec![7, 14, 7]).message, "7 is given twice");
        assert_eq!(refused(vec![1, 2, 3, 4, 5, 6]).message, "at most 5 thresholds, not 6");
        assert!(ExpiryThresholds::new(vec![365, 1, 2, 3, 4]).is_ok());
    }

    #[test]
    fn stored_thresholds_are_checked_when_read() {
        let read: ExpiryThresholds = serde_json::from_str("[7, 30]").unwrap();
        assert_eq!(serde_json::to_string(&read).unwrap(), "[30,7]");
        let err = serde_json::from_str::<ExpiryThresholds>("[7, 7]").unwrap_err();
        assert!(err.to_string().contains("7 is given twice"), "{err}");
    }

    #[test]
    fn a_new_fingerprint_is_a_change_and_a_first_one_is_not() {
        assert!(!changed(None, "ab"));
        assert!(!changed(Some("ab"), "ab"));
        assert!(changed(Some("ab"), "cd"));
    }
}
