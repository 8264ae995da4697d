//! The settings of a `tls` monitor: which server to shake hands with, when
//! to warn about its certificate's expiry, and whether a replaced
//! certificate is news. Stored as JSON in `monitors.config`.

use serde::{Deserialize, Serialize};

use super::ExpiryThresholds;
use crate::monitors::spec::{host_name, host_port};
use crate::monitors::SpecError;

/// The port a `tls` monitor connects to when none is given: HTTPS.
pub const DEFAULT_PORT: u16 = 443;

/// A `tls` monitor's settings; valid by construction through [`TlsInput`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsSpec {
    /// The host to connect to, also the name the certificate must carry.
    pub host: String,
    pub port: u16,
    /// Days-left thresholds, each warning once as it is crossed.
    #[serde(default)]
    pub expiry_days: ExpiryThresholds,
    /// Whether a replaced certificate sends a notification.
    #[serde(default = "yes")]
    pub notify_on_change: bool,
}

fn yes() -> bool {
    true
}

/// What a client sends in a monitor's `tls` block; absent fields take the
/// defaults on create and keep their values on a change.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsInput {
    pub host: Option<String>,
    pub port: Option<i64>,
    pub expiry_days: Option<Vec<i64>>,
    pub notify_on_change: Option<bool>,
}

impl TlsInput {
    /// A new monitor's settings.
    pub fn validated(self) -> Result<TlsSpec, SpecError> {
        let host = self.host.ok_or_else(|| SpecError::new("tls.host", "is required"))?;
        let defaults = TlsSpec {
            host,
            port: DEFAULT_PORT,
            expiry_days: ExpiryThresholds::default(),
            notify_on_change: true,
        };
        Self { host: None, ..self }.patched(&defaults)
    }

    /// `current` with what this input names changed.
    pub fn patched(self, current: &TlsSpec) -> Result<TlsSpec, SpecError> {
        let host = host_name(self.host.as_deref().unwrap_or(&current.host), "tls.host")?;
        let port = match self.port {
            None => current.port,
            Some(port) => u16::try_from(port)
                .ok()
                .filter(|&p| p != 0)
                .ok_or_else(|| SpecError::new("tls.port", "must be 1 to 65535"))?,
        };
        let expiry_days = match self.expiry_days {
            None => current.expiry_days.clone(),
            Some(days) => ExpiryThresholds::from_input(days, super::EXPIRY_FIELD)?,
        };
        let notify_on_change = self.notify_on_change.unwrap_or(current.notify_on_change);
        Ok(TlsSpec { host, port, expiry_days, notify_on_change })
    }
}

impl TlsSpec {
    /// `host:port`, the monitor's target.
    pub fn target(&self) -> String {
        host_port(&self.host, self.port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(json: serde_json::Value) -> Result<TlsSpec, SpecError> {
        serde_json::from_value::<TlsInput>(json).expect("shape").validated()
    }

    #[test]
    fn defaults_fill_in_a_new_monitor() {
        let spec = input(serde_json::json!({"host": " Mail.Example.org "})).expect("valid");
        assert_eq!(spec.target(), "mail.example.org:443");
        assert_eq!(spec.expiry_days.days(), &[14, 7, 1]);
        assert!(spec.notify_on_change);
    }

    #[test]
    fn bad_values_name_their_field() {
        let table = [
            (serde_json::json!({}), "tls.host"),
            (serde_json::json!({"host": "bad host"}), "tls.host"),
            (serde_json::json!({"host": "a.org", "port": 0}), "tls.port"),
            (serde_json::json!({"host": "a.org", "port": 70_000}), "tls.port"),
            (serde_json::json!({"host": "a.org", "expiry_days": [0]}), "tls.expiry_days"),
            (serde_json::json!({"host": "a.org", "expiry_days": [-3]}), "tls.expiry_days"),
            (serde_json::json!({"host": "a.org", "expiry_days": [7, 7]}), "tls.expiry_days"),
        ];
        for (json, field) in table {
            assert_eq!(input(json.clone()).expect_err("invalid").field, field, "{json}");
        }
    }

    #[test]
    fn a_change_keeps_what_it_does_not_name() {
        let current =
            input(serde_json::json!({"host": "db.example.org", "port": 5432, "expiry_days": [30]}))
                .expect("valid");
        let changed = TlsInput { notify_on_change: Some(false), ..Default::default() }
            .patched(&current)
            .expect("patched");
        assert_eq!((changed.port, changed.expiry_days.days()), (5432, &[30][..]));
        assert!(!changed.notify_on_change);
    }

    #[test]
    fn renewal_is_due_within_the_highest_threshold() {
        let spec = input(serde_json::json!({"host": "a.org"})).expect("valid");
        assert!(!spec.expiry_days.is_due(15));
        assert!(spec.expiry_days.is_due(14));
        let none = input(serde_json::json!({"host": "a.org", "expiry_days": []})).expect("valid");
        assert!(!none.expiry_days.is_due(0), "no thresholds: never degraded for expiry");
    }
}
