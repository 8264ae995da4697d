//! Statuses, roles and kinds: each set of words defined once, for the
//! database rows, the domain, the REST API's schema and the browser.

use crate::macros::words;

words! {
    /// What a monitor (or one check) says about its target.
    #[cfg_attr(feature = "schema", schema(as = MonitorStatus))]
    Status, "up, down, degraded, paused or unknown" {
        /// Not checked yet, or not enough results to say.
        Unknown = "unknown",
        Up = "up",
        /// Answering, but slower than the monitor's threshold.
        Degraded = "degraded",
        Down = "down",
        Paused = "paused",
    }
}

impl Status {
    /// Reads a stored status; anything unknown is `Unknown`.
    pub fn from_stored(raw: &str) -> Self {
        raw.parse().unwrap_or(Self::Unknown)
    }

    /// Whether the target answered acceptably (degraded still answers).
    pub fn is_healthy(self) -> bool {
        matches!(self, Self::Up | Self::Degraded)
    }
}

words! {
    /// A user's role; upper case, as in the RunState contract.
    Role, "USER or ADMIN" {
        User = "USER",
        Admin = "ADMIN",
    }
}

impl Role {
    /// Reads a stored role; anything unknown is the least privileged.
    pub fn from_stored(raw: &str) -> Self {
        raw.parse().unwrap_or(Self::User)
    }
}

words! {
    /// Where a channel delivers.
    ChannelKind, "slack, webhook or email" {
        Slack = "slack",
        Webhook = "webhook",
        Email = "email",
    }
}

impl ChannelKind {
    /// Reads a stored kind.
    pub fn from_stored(raw: &str) -> Option<Self> {
        raw.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Every word round-trips through its spelling, serde agrees with
    /// `as_str`, and no two words of a set share a spelling.
    fn round_trips<T>(all: &[T])
    where
        T: Copy + PartialEq + std::fmt::Debug + std::fmt::Display + std::str::FromStr,
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        let mut seen = std::collections::HashSet::new();
        for &word in all {
            let text = word.to_string();
            assert!(seen.insert(text.clone()), "{text} spelled twice");
            assert_eq!(text.parse::<T>().ok(), Some(word));
            let json = serde_json::to_string(&word).unwrap();
            assert_eq!(json, format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), word);
        }
    }

    #[test]
    fn every_set_round_trips() {
        round_trips(Status::ALL);
        round_trips(Role::ALL);
        round_trips(ChannelKind::ALL);
    }

    #[test]
    fn stored_words_read_leniently_where_the_domain_needs_it() {
        assert_eq!(Status::from_stored("degraded"), Status::Degraded);
        assert_eq!(Status::from_stored("sideways"), Status::Unknown);
        assert_eq!(Role::from_stored("ADMIN"), Role::Admin);
        assert_eq!(Role::from_stored("admin"), Role::User, "case matters: least privilege");
        assert_eq!(ChannelKind::from_stored("pager"), None);
    }

    #[test]
    fn an_unknown_word_names_the_accepted_ones() {
        let err = "sideways".parse::<Status>().unwrap_err();
        assert_eq!(err.got, "sideways");
        assert_eq!(err.to_string(), "must be up, down, degraded, paused or unknown");
        assert!(serde_json::from_str::<Status>("\"UP\"").is_err());
    }
}
