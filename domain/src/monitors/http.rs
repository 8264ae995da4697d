//! The `http` kind's input and its secrets. Header values and the request
//! body often carry credentials (`Authorization`, API keys, a login form),
//! so they are write-only like a runner token: the stored settings hold them
//! masked (`…abcd`), the values are sealed in `monitors.secret` (see
//! `secrets.rs`), and a patch that echoes the mask back keeps the value.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::github::{is_hint, mask_token};
use super::request::{
    keep_proxy_password, parse_proxy, parse_resolver, without_password, AuthInput,
};
use super::spec::{parse_method, parse_url, HttpSpec, SpecError, StatusRange};
use crate::assertions::{validated_list, AssertionInput};
use crate::tls::ExpiryThresholds;
use kinds::HttpVersionPref;

/// What the API accepts for an HTTP monitor. On a patch, absent fields keep
/// their value; on create they take the defaults of [`HttpSpec::get`]. Its
/// `Debug` names the headers but shows no value and not the body.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
pub struct HttpInput {
    pub url: Option<String>,
    pub method: Option<String>,
    /// The request's headers. A value that is the mask (`…abcd`) or empty
    /// keeps the stored value of that header; a header left out is removed.
    pub headers: Option<BTreeMap<String, String>>,
    /// Absent or the mask keeps the stored body; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    pub body: Option<Option<String>>,
    /// Read unordered: a reversed range is refused by validation (422,
    /// `http.expected_status`), not while the body is parsed (400).
    #[serde(default, deserialize_with = "unordered_ranges")]
    pub expected_status: Option<Vec<StatusRange>>,
    #[serde(default, deserialize_with = "present")]
    pub keyword: Option<Option<String>>,
    pub keyword_absent: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    pub degraded_after_ms: Option<Option<u32>>,
    pub follow_redirects: Option<bool>,
    /// The whole list: given, it replaces the stored one (`[]` removes them all).
    pub assertions: Option<Vec<AssertionInput>>,
    /// `auto`, `http1` or `http2`.
    pub http_version: Option<String>,
    pub accept_invalid_certs: Option<bool>,
    /// `ip` or `ip:port`; `null` goes back to the system's resolver.
    #[serde(default, deserialize_with = "present")]
    pub resolver: Option<Option<String>>,
    /// `http://host:port`; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    pub proxy: Option<Option<String>>,
    /// Basic or bearer credentials: they become (replace) the `Authorization` header.
    pub auth: Option<AuthInput>,
    /// Days-left thresholds for the certificate (HTTPS); `[]`: no warnings.
    pub cert_expiry_days: Option<Vec<i64>>,
    pub cert_notify_on_change: Option<bool>,
}

impl std::fmt::Debug for HttpInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpInput")
            .field("url", &self.url)
            .field("method", &self.method)
            .field("headers", &self.headers.as_ref().map(|h| h.keys().collect::<Vec<_>>()))
            .field("body", &self.body.as_ref().map(|b| b.as_ref().map(String::len)))
            .field("assertions", &self.assertions)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

/// A present field, even `null`, is `Some`: a patch tells "remove" from "keep".
pub(crate) fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

fn unordered_ranges<'de, D>(d: D) -> Result<Option<Vec<StatusRange>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let Some(raw) = Option::<Vec<String>>::deserialize(d)? else { return Ok(None) };
    raw.iter()
        .map(|r| StatusRange::parse_unordered(r).map_err(serde::de::Error::custom))
        .collect::<Result<_, _>>()
        .map(Some)
}

impl From<HttpSpec> for HttpInput {
    fn from(spec: HttpSpec) -> Self {
        Self {
            url: Some(spec.url.into()),
            method: Some(spec.method.as_str().to_owned()),
            headers: Some(spec.headers),
            body: Some(spec.body),
            expected_status: Some(spec.expected_status),
            keyword: Some(spec.keyword),
            keyword_absent: Some(spec.keyword_absent),
            degraded_after_ms: Some(spec.degraded_after_ms),
            follow_redirects: Some(spec.follow_redirects),
            assertions: Some(spec.assertions.into_iter().map(AssertionInput::from).collect()),
            http_version: Some(spec.http_version.as_str().to_owned()),
            accept_invalid_certs: Some(spec.accept_invalid_certs),
            resolver: Some(spec.resolver.map(|r| r.to_string())),
            proxy: Some(spec.proxy.map(String::from)),
            auth: None,
            cert_expiry_days: Some(
                spec.cert_expiry_days.days().iter().map(|&d| i64::from(d)).collect(),
            ),
            cert_notify_on_change: Some(spec.cert_notify_on_change),
        }
    }
}

impl HttpInput {
    /// Validates a new HTTP monitor: a URL is required, masks are refused.
    pub fn validated(self) -> Result<HttpSpec, SpecError> {
        let url = parse_url(self.url.as_deref().unwrap_or_default())?;
        self.apply(&HttpSpec::new(url))?.validated()
    }

    /// Applies a patch to the clear `current` settings: absent fields keep
    /// their value, and so do masked or empty header values and a masked body.
    pub fn patched(self, current: &HttpSpec) -> Result<HttpSpec, SpecError> {
        self.apply(current)?.validated()
    }

    fn apply(self, current: &HttpSpec) -> Result<HttpSpec, SpecError> {
        let mut headers: std::collections::BTreeMap<String, String> = match self.headers {
            None => current.headers.clone(),
            Some(given) => given
                .into_iter()
                .map(|(name, value)| {
                    if !(value.is_empty() || is_hint(&value)) {
                        return Ok((name, value));
                    }
                    match current.headers.get(&name) {
                        Some(stored) => Ok((name, stored.clone())),
                        None if value.is_empty() => Ok((name, value)),
                        None => Err(SpecError::new(
                            "http.headers",
                            format!("give the value of `{name}`: it is not stored yet"),
                        )),
                    }
                })
                .collect::<Result<_, _>>()?,
        };
        let body = match self.body {
            None => current.body.clone(),
            Some(Some(body)) if is_hint(&body) => match &current.body {
                Some(stored) => Some(stored.clone()),
                None => return Err(SpecError::new("http.body", "give the body: none is stored")),
            },
            Some(body) => body,
        };
        let assertions = match self.assertions {
            Some(inputs) => validated_list(inputs, "http.assertions")?,
            None => current.assertions.clone(),
        };
        if let Some(auth) = &self.auth {
            // One Authorization header, whatever its spelling was.
            headers.retain(|name, _| !name.eq_ignore_ascii_case("authorization"));
            headers.insert("Authorization".into(), auth.header_value()?);
        }
        let http_version = match self.http_version {
            Some(raw) => raw.trim().parse::<HttpVersionPref>().map_err(|_| {
                SpecError::new("http.http_version", format!("use {}", HttpVersionPref::EXPECTED))
            })?,
            None => current.http_version,
        };
        let resolver = match self.resolver {
            Some(Some(raw)) => Some(parse_resolver(&raw)?),
            Some(None) => None,
            None => current.resolver,
        };
        let proxy = match self.proxy {
            Some(Some(raw)) => {
                Some(keep_proxy_password(parse_proxy(&raw)?, current.proxy.as_ref()))
            }
            Some(None) => None,
            None => current.proxy.clone(),
        };
        let cert_expiry_days = match self.cert_expiry_days {
            Some(days) => ExpiryThresholds::from_input(days, "http.cert_expiry_days")?,
            None => current.cert_expiry_days.clone(),
        };
        Ok(HttpSpec {
            url: match self.url {
                Some(raw) => parse_url(&raw)?,
                None => current.url.clone(),
            },
            method: match self.method {
                Some(raw) => parse_method(&raw)?,
                None => current.method,
            },
            headers,
            body,
            expected_status: self
                .expected_status
                .unwrap_or_else(|| current.expected_status.clone()),
            keyword: self.keyword.unwrap_or_else(|| current.keyword.clone()),
            keyword_absent: self.keyword_absent.unwrap_or(current.keyword_absent),
            degraded_after_ms: self.degraded_after_ms.unwrap_or(current.degraded_after_ms),
            follow_redirects: self.follow_redirects.unwrap_or(current.follow_redirects),
            assertions,
            http_version,
            accept_invalid_certs: self.accept_invalid_certs.unwrap_or(current.accept_invalid_certs),
            resolver,
            proxy,
            cert_expiry_days,
            cert_notify_on_change: self
                .cert_notify_on_change
                .unwrap_or(current.cert_notify_on_change),
        })
    }
}

impl HttpSpec {
    /// Whether the spec carries values that are sealed at rest.
    pub fn has_secrets(&self) -> bool {
        !self.headers.is_empty() || self.body.is_some() || self.proxy_password().is_some()
    }

    /// The proxy's password as it is written in its URL (percent-encoded).
    pub fn proxy_password(&self) -> Option<&str> {
        self.proxy.as_ref().and_then(url::Url::password)
    }

    /// The spec safe to store and show: every header value and the body
    /// replaced by their masks.
    pub fn masked(&self) -> Self {
        Self {
            headers: self
                .headers
                .iter()
                .map(|(name, value)| (name.clone(), mask_token(value)))
                .collect(),
            body: self.body.as_deref().map(mask_token),
            proxy: self.proxy.as_ref().map(without_password),
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use kinds::HttpMethod;

    use super::*;

    const AUTH: &str = "Bearer 0123456789abcdef-abcd";

    fn stored() -> HttpSpec {
        let mut spec = HttpSpec::get("https://example.org/health").unwrap();
        spec.method = HttpMethod::Post;
        spec.headers.insert("Authorization".into(), AUTH.into());
        spec.headers.insert("X-Short".into(), "tiny".into());
        spec.body = Some(r#"{"user":"ops","password":"hunter2-hunter2"}"#.into());
        spec
    }

    fn input(json: serde_json::Value) -> HttpInput {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn the_mask_shows_only_the_last_four_characters_of_long_values() {
        let masked = stored().masked();
        assert_eq!(masked.headers["Authorization"], "…abcd");
        assert_eq!(masked.headers["X-Short"], "…");
        assert_eq!(masked.body.as_deref(), Some("…r2\"}"));
        assert_eq!(masked.url, stored().url);
        let shown = serde_json::to_string(&masked).unwrap();
        assert!(!shown.contains("0123456789") && !shown.contains("hunter2"), "{shown}");
        let proxied = HttpSpec {
            proxy: Some("http://ops:pr0xy-pw@proxy.corp:3128".parse().unwrap()),
            ..stored()
        };
        assert!(proxied.has_secrets());
        let shown = serde_json::to_string(&proxied.masked()).unwrap();
        assert!(!shown.contains("pr0xy-pw") && shown.contains("ops@proxy.corp"), "{shown}");
        assert!(!format!("{proxied:?}").contains("pr0xy-pw"));
    }

    #[test]
    fn echoing_the_masks_back_keeps_every_stored_value() {
        let echoed = HttpInput::from(stored().masked()).patched(&stored()).unwrap();
        assert_eq!(echoed, stored());
        let omitted = input(serde_json::json!({"url": "https://example.org/other"}));
        let patched = omitted.patched(&stored()).unwrap();
        assert_eq!(patched.headers, stored().headers);
        assert_eq!(patched.body, stored().body);
        assert_eq!(patched.method, HttpMethod::Post);
        let emptied = input(serde_json::json!({"headers": {"Authorization": ""}, "body": null}));
        let patched = emptied.patched(&stored()).unwrap();
        assert_eq!(patched.headers.len(), 1, "a header left out is removed");
        assert_eq!(patched.headers["Authorization"], AUTH, "an empty value keeps it");
        assert_eq!(patched.body, None, "null removes the body");
    }

    #[test]
    fn new_values_replace_and_a_mask_without_a_stored_value_is_refused() {
        let changed = input(serde_json::json!({"headers": {"Authorization": "Bearer new"}}));
        assert_eq!(changed.patched(&stored()).unwrap().headers["Authorization"], "Bearer new");
        let unknown = input(serde_json::json!({"headers": {"X-New": "…abcd"}}));
        assert_eq!(unknown.patched(&stored()).unwrap_err().field, "http.headers");
        let create = input(serde_json::json!({"url": "https://example.org", "body": "…"}));
        assert_eq!(create.validated().unwrap_err().field, "http.body");
    }

    #[test]
    fn debug_output_of_an_input_shows_no_secret() {
        let shown = format!("{:?}", HttpInput::from(stored()));
        assert!(shown.contains("Authorization"), "{shown}");
        assert!(!shown.contains("0123456789") && !shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn assertions_are_validated_and_a_patch_without_them_keeps_them() {
        let one = serde_json::json!([{"source": "json_path", "path": "$.status", "op": "equals",
            "target": "ok", "severity": "degrade"}]);
        let spec = input(serde_json::json!({"url": "https://example.org", "assertions": one}))
            .validated()
            .unwrap();
        assert_eq!(spec.assertions.len(), 1);
        let renamed = input(serde_json::json!({"url": "https://example.org/v2"}));
        assert_eq!(renamed.patched(&spec).unwrap().assertions, spec.assertions);
        let cleared = input(serde_json::json!({"assertions": []}));
        assert!(cleared.patched(&spec).unwrap().assertions.is_empty());
        let bad = input(serde_json::json!({"assertions": [{"source": "status", "op": "exists"}]}));
        assert_eq!(bad.patched(&spec).unwrap_err().field, "http.assertions[0].op");
        let echoed = HttpInput::from(spec.clone()).patched(&spec).unwrap();
        assert_eq!(echoed, spec);
    }

    #[test]
    fn a_spec_stored_before_assertions_reads_as_before() {
        let stored = serde_json::json!({"url": "https://example.org/", "method": "GET",
            "headers": {}, "body": null, "expected_status": ["200-399"], "keyword": null,
            "keyword_absent": false, "degraded_after_ms": null, "follow_redirects": true});
        let spec: HttpSpec = serde_json::from_value(stored.clone()).unwrap();
        assert!(spec.assertions.is_empty());
        assert_eq!(serde_json::to_value(&spec).unwrap(), stored, "no new key when there are none");
    }

    #[test]
    fn a_new_monitor_takes_the_defaults() {
        let spec = input(serde_json::json!({"url": "https://Example.org"})).validated().unwrap();
        assert_eq!(spec, HttpSpec::get("https://example.org/").unwrap());
        assert_eq!(input(serde_json::json!({})).validated().unwrap_err().field, "url");
    }
}
