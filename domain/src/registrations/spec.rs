//! The settings of a `domain` monitor: which registered name, when to warn
//! before it expires, and optionally which RDAP server to ask.

use serde::{Deserialize, Serialize};

use crate::monitors::SpecError;
use crate::tls::ExpiryThresholds;

/// A `domain` monitor's settings; valid by construction through [`DomainInput`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainSpec {
    /// The registered name, lower case, internationalised names as punycode.
    pub name: String,
    /// Days-left thresholds, each warning once as it is crossed.
    pub expiry_days: ExpiryThresholds,
    /// The RDAP server's base URL (`https://rdap.example/`); `None` asks the
    /// IANA bootstrap file which server serves the name's top-level domain.
    #[serde(default)]
    pub rdap_url: Option<url::Url>,
}

/// What a client sends in a monitor's `domain` block; absent fields take the
/// defaults on create and keep their values on a change.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainInput {
    pub name: Option<String>,
    pub expiry_days: Option<Vec<i64>>,
    /// `null` or `""` goes back to the bootstrap file.
    #[serde(default, deserialize_with = "crate::monitors::http::present")]
    pub rdap_url: Option<Option<String>>,
}

/// Thresholds a new domain monitor gets: a month to renew, a week, a last day.
pub fn default_thresholds() -> ExpiryThresholds {
    ExpiryThresholds::new(vec![30, 7, 1]).unwrap_or_default()
}

impl DomainInput {
    /// A new monitor's settings.
    pub fn validated(self) -> Result<DomainSpec, SpecError> {
        let name = self.name.clone().ok_or_else(|| SpecError::new("domain.name", "is required"))?;
        let defaults = DomainSpec { name, expiry_days: default_thresholds(), rdap_url: None };
        Self { name: None, ..self }.patched(&defaults)
    }

    /// `current` with what this input names changed.
    pub fn patched(self, current: &DomainSpec) -> Result<DomainSpec, SpecError> {
        let name = registered_name(self.name.as_deref().unwrap_or(&current.name))?;
        let expiry_days = match self.expiry_days {
            None => current.expiry_days.clone(),
            Some(days) => ExpiryThresholds::from_input(days, "domain.expiry_days")?,
        };
        let rdap_url = match self.rdap_url {
            None => current.rdap_url.clone(),
            Some(None) => None,
            Some(Some(raw)) if raw.trim().is_empty() => None,
            Some(Some(raw)) => Some(rdap_base(&raw)?),
        };
        Ok(DomainSpec { name, expiry_days, rdap_url })
    }
}

/// A registered domain name: at least two labels, no IP address, no
/// trailing dot; IDNA to punycode through the URL parser's host rules.
fn registered_name(raw: &str) -> Result<String, SpecError> {
    let bad =
        || SpecError::new("domain.name", "must be a registered domain name, e.g. example.com");
    let trimmed = raw.trim().trim_end_matches('.');
    if trimmed.is_empty() || trimmed.contains(['/', ':', '@', '?', '#', ' ']) {
        return Err(bad());
    }
    let parsed = url::Url::parse(&format!("https://{trimmed}/")).map_err(|_| bad())?;
    match parsed.host() {
        Some(url::Host::Domain(host)) if host.contains('.') && host.len() <= 253 => {
            Ok(host.to_owned())
        }
        _ => Err(bad()),
    }
}

/// An RDAP base URL: http(s), no credentials, ending in `/` so paths join under it.
fn rdap_base(raw: &str) -> Result<url::Url, SpecError> {
    let bad = |m: &str| SpecError::new("domain.rdap_url", m.to_owned());
    let mut url = url::Url::parse(raw.trim()).map_err(|_| bad("must be an http or https URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(bad("must be an http or https URL"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not contain credentials"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

impl DomainSpec {
    /// The name, the monitor's target.
    pub fn target(&self) -> String {
        self.name.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(json: serde_json::Value) -> Result<DomainSpec, SpecError> {
        serde_json::from_value::<DomainInput>(json).expect("shape").validated()
    }

    #[test]
    fn names_are_normalised_and_defaults_fill_in() {
        let spec = input(serde_json::json!({"name": " Example.COM. "})).expect("valid");
        assert_eq!(spec.name, "example.com");
        assert_eq!(spec.expiry_days.days(), &[30, 7, 1]);
        assert_eq!(spec.rdap_url, None);
        let idn = input(serde_json::json!({"name": "bücher.example"})).expect("valid");
        assert_eq!(idn.name, "xn--bcher-kva.example");
        let with =
            input(serde_json::json!({"name": "a.org", "rdap_url": "http://127.0.0.2:9/rdap"}))
                .expect("valid");
        assert_eq!(with.rdap_url.expect("set").as_str(), "http://127.0.0.2:9/rdap/");
    }

    #[test]
    fn bad_values_name_their_field() {
        let table = [
            (serde_json::json!({}), "domain.name"),
            (serde_json::json!({"name": "localhost"}), "domain.name"),
            (serde_json::json!({"name": "192.0.2.1"}), "domain.name"),
            (serde_json::json!({"name": "https://example.com/x"}), "domain.name"),
            (serde_json::json!({"name": "a.org", "expiry_days": [0]}), "domain.expiry_days"),
            (serde_json::json!({"name": "a.org", "rdap_url": "ftp://x.org"}), "domain.rdap_url"),
            (
                serde_json::json!({"name": "a.org", "rdap_url": "https://u:p@x.org/"}),
                "domain.rdap_url",
            ),
        ];
        for (json, field) in table {
            assert_eq!(input(json.clone()).expect_err("invalid").field, field, "{json}");
        }
    }

    #[test]
    fn a_change_keeps_what_it_does_not_name_and_null_clears_the_server() {
        let current = input(serde_json::json!({"name": "a.org", "rdap_url": "https://r.example/"}))
            .expect("valid");
        let kept = DomainInput { expiry_days: Some(vec![10]), ..Default::default() }
            .patched(&current)
            .expect("patched");
        assert_eq!((kept.name.as_str(), kept.rdap_url.is_some()), ("a.org", true));
        let cleared: DomainInput =
            serde_json::from_value(serde_json::json!({"rdap_url": null})).expect("shape");
        assert_eq!(cleared.patched(&current).expect("patched").rdap_url, None);
    }
}
