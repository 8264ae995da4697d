//! What a monitor checks: one block per kind, stored as JSON in
//! `monitors.config`. Parsing validates every field and names the one at
//! fault; a parsed spec is always checkable.

use std::collections::BTreeMap;

use kinds::{HttpMethod, HttpVersionPref};
use serde::{Deserialize, Serialize};

use crate::assertions::Assertion;
use crate::tls::ExpiryThresholds;

/// Why a monitor's settings were refused: the field and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SpecError {
    pub field: String,
    pub message: String,
}

impl SpecError {
    /// An error about `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// An inclusive range of acceptable HTTP status codes, e.g. `200-399` or `204`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StatusRange {
    pub low: u16,
    pub high: u16,
}

impl StatusRange {
    /// Whether `code` is in the range.
    pub fn contains(self, code: u16) -> bool {
        (self.low..=self.high).contains(&code)
    }

    /// Parses `204` or `200-399` without checking the order: a request's
    /// ranges are read this way, so that a reversed one reaches
    /// [`HttpSpec::validated`] and is refused there, naming its field.
    pub fn parse_unordered(raw: &str) -> Result<Self, String> {
        let parse =
            |s: &str| {
                s.trim().parse::<u16>().ok().filter(|c| (100..=599).contains(c)).ok_or_else(|| {
                    format!("`{raw}` is not an HTTP status code or range like 200-399")
                })
            };
        let (low, high) = match raw.split_once('-') {
            Some((low, high)) => (parse(low)?, parse(high)?),
            None => {
                let code = parse(raw)?;
                (code, code)
            }
        };
        Ok(Self { low, high })
    }

    fn ordered(self, raw: &str) -> Result<Self, String> {
        if self.low > self.high {
            return Err(format!("`{raw}`: the range is reversed"));
        }
        Ok(self)
    }
}

impl TryFrom<String> for StatusRange {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, String> {
        Self::parse_unordered(&raw)?.ordered(&raw)
    }
}

impl From<StatusRange> for String {
    fn from(range: StatusRange) -> Self {
        if range.low == range.high {
            range.low.to_string()
        } else {
            format!("{}-{}", range.low, range.high)
        }
    }
}

/// An HTTP(S) check. Its `Debug` leaves out header values and the body:
/// they are secrets and must not reach a log. The URL is parsed (an http or
/// https URL with a host and no credentials: [`parse_url`]) and stored as
/// its normalised text; the method is one of the accepted ones.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpSpec {
    pub url: url::Url,
    #[serde(default)]
    pub method: HttpMethod,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default = "default_expected")]
    pub expected_status: Vec<StatusRange>,
    /// Text that must appear in the body (or must not, with `keyword_absent`).
    #[serde(default)]
    pub keyword: Option<String>,
    #[serde(default)]
    pub keyword_absent: bool,
    /// Above this response time the status is `degraded`.
    #[serde(default)]
    pub degraded_after_ms: Option<u32>,
    #[serde(default = "default_true")]
    pub follow_redirects: bool,
    /// Judged after the fields above (decision 90); none on a monitor
    /// stored before them, and left out of the stored JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assertions: Vec<Assertion>,
    /// The request options (decision 99); each left out of the stored JSON
    /// at its default, so monitors stored before them read as before.
    #[serde(default, skip_serializing_if = "is_auto")]
    pub http_version: HttpVersionPref,
    /// Go on past a certificate that does not verify (the page warns).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub accept_invalid_certs: bool,
    /// A DNS server of its own, instead of the system's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolver: Option<std::net::SocketAddr>,
    /// An `http://` proxy to go through, `user:password@` included when it
    /// asks for them; stored and shown without the password (sealed apart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<url::Url>,
    /// Days-left thresholds for an HTTPS site's certificate, each notifying
    /// once as it is crossed (decision 102).
    #[serde(default, skip_serializing_if = "is_default_expiry")]
    pub cert_expiry_days: ExpiryThresholds,
    /// Whether a replaced certificate notifies (off: CDNs rotate often).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cert_notify_on_change: bool,
}

fn is_default_expiry(days: &ExpiryThresholds) -> bool {
    *days == ExpiryThresholds::default()
}

fn is_auto(version: &HttpVersionPref) -> bool {
    *version == HttpVersionPref::Auto
}

impl std::fmt::Debug for HttpSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpSpec")
            .field("url", &self.url)
            .field("method", &self.method)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &self.body.as_ref().map(|b| format!("<{} bytes>", b.len())))
            .field("expected_status", &self.expected_status)
            .field("keyword", &self.keyword)
            .field("keyword_absent", &self.keyword_absent)
            .field("degraded_after_ms", &self.degraded_after_ms)
            .field("follow_redirects", &self.follow_redirects)
            .field("assertions", &self.assertions)
            .field("http_version", &self.http_version)
            .field("accept_invalid_certs", &self.accept_invalid_certs)
            .field("resolver", &self.resolver)
            .field("proxy", &self.proxy.as_ref().map(super::request::without_password))
            .finish()
    }
}

/// A TCP connect check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TcpSpec {
    pub host: String,
    pub port: u16,
}

/// The codes a new HTTP monitor accepts: 200-399.
pub fn default_expected() -> Vec<StatusRange> {
    vec![StatusRange { low: 200, high: 399 }]
}

fn default_true() -> bool {
    true
}

/// The longest URL accepted (the RunState contract's limit).
pub const MAX_URL_LEN: usize = 2048;
impl HttpSpec {
    /// A GET of `url` expecting 200-399: what a RunState "website" is.
    pub fn get(url: &str) -> Result<Self, SpecError> {
        website_shape(url)?;
        Self::new(parse_url(url)?).validated()
    }

    /// The defaults around `url`: what a new HTTP monitor gets for the
    /// fields it leaves out.
    pub fn new(url: url::Url) -> Self {
        Self {
            url,
            method: HttpMethod::default(),
            headers: BTreeMap::new(),
            body: None,
            expected_status: default_expected(),
            keyword: None,
            keyword_absent: false,
            degraded_after_ms: None,
            follow_redirects: true,
            assertions: Vec::new(),
            http_version: HttpVersionPref::Auto,
            accept_invalid_certs: false,
            resolver: None,
            proxy: None,
            cert_expiry_days: ExpiryThresholds::default(),
            cert_notify_on_change: false,
        }
    }

    /// Checks the fields the types do not (URL and method are parsed).
    pub fn validated(self) -> Result<Self, SpecError> {
        for (name, value) in &self.headers {
            let valid_name = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !valid_name {
                return Err(SpecError::new(
                    "http.headers",
                    format!("`{name}` is not a valid header name"),
                ));
            }
            if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
                return Err(SpecError::new(
                    "http.headers",
                    format!("the value of `{name}` has a line break"),
                ));
            }
            if name.eq_ignore_ascii_case("host") || name.eq_ignore_ascii_case("content-length") {
                return Err(SpecError::new(
                    "http.headers",
                    format!("`{name}` is set by RunState itself"),
                ));
            }
        }
        if self.headers.len() > 50 {
            return Err(SpecError::new("http.headers", "at most 50 headers"));
        }
        if self.body.as_ref().is_some_and(|b| b.len() > 64 * 1024) {
            return Err(SpecError::new("http.body", "at most 64 KiB"));
        }
        if self.expected_status.is_empty() {
            return Err(SpecError::new("http.expected_status", "give at least one code or range"));
        }
        for range in &self.expected_status {
            range
                .ordered(&String::from(*range))
                .map_err(|e| SpecError::new("http.expected_status", e))?;
        }
        if self.keyword.as_ref().is_some_and(|k| k.is_empty() || k.len() > 1024) {
            return Err(SpecError::new("http.keyword", "must be 1 to 1024 characters"));
        }
        if self.keyword_absent && self.keyword.is_none() {
            return Err(SpecError::new("http.keyword_absent", "needs a keyword"));
        }
        Ok(self)
    }
}

/// The shape the RunState contract's `POST /websites` documents (the pattern
/// of `NewWebsite.url`): `http://` or `https://` in any case, a non-empty
/// authority without `@` or `\`, and no white space or control character
/// anywhere. The URL parser alone is laxer (it trims, drops tabs, reads `\`
/// as `/`), so without this the server would take URLs its document refuses.
fn website_shape(raw: &str) -> Result<(), SpecError> {
    let scheme_end = ["http://", "https://"]
        .iter()
        .find(|s| raw.get(..s.len()).is_some_and(|p| p.eq_ignore_ascii_case(s)))
        .map(|s| s.len())
        .ok_or_else(|| SpecError::new("url", "must start with http:// or https://"))?;
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(SpecError::new("url", "must not contain spaces or control characters"));
    }
    let rest = &raw[scheme_end..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    if authority.is_empty() || authority.contains(['@', '\\']) {
        return Err(SpecError::new("url", "needs a host, without credentials"));
    }
    Ok(())
}

/// Reads a method as a client writes it: any case, spaces around.
pub fn parse_method(raw: &str) -> Result<HttpMethod, SpecError> {
    HttpMethod::parse_loose(raw).ok_or_else(|| {
        let names: Vec<&str> = HttpMethod::ALL.iter().map(|m| m.as_str()).collect();
        SpecError::new("http.method", format!("must be one of {}", names.join(", ")))
    })
}

/// Parses an http(s) URL of at most 2048 characters; its normalised text
/// (lower-case scheme and host, explicit path) is what uniqueness compares.
pub fn parse_url(raw: &str) -> Result<url::Url, SpecError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(SpecError::new("url", "is required"));
    }
    if raw.len() > MAX_URL_LEN {
        return Err(SpecError::new("url", format!("is longer than {MAX_URL_LEN} characters")));
    }
    let url = url::Url::parse(raw)
        .map_err(|e| SpecError::new("url", format!("is not a valid URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(SpecError::new("url", "must start with http:// or https://"));
    }
    if url.host().is_none() {
        return Err(SpecError::new("url", "has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(SpecError::new("url", "must not contain credentials; use a header instead"));
    }
    Ok(url)
}

impl TcpSpec {
    /// Checks host and port.
    pub fn validated(mut self) -> Result<Self, SpecError> {
        self.host = host_name(&self.host, "tcp.host")?;
        if self.port == 0 {
            return Err(SpecError::new("tcp.port", "must be 1 to 65535"));
        }
        Ok(self)
    }

    /// `host:port`, with brackets around IPv6 addresses.
    pub fn target(&self) -> String {
        host_port(&self.host, self.port)
    }
}

/// `raw` as a lower-case host name or IP address (IPv6 without brackets),
/// or an error about `field`.
pub fn host_name(raw: &str, field: &str) -> Result<String, SpecError> {
    let host = raw.trim().trim_start_matches('[').trim_end_matches(']').to_lowercase();
    let valid = !host.is_empty()
        && host.len() <= 253
        && (host.parse::<std::net::IpAddr>().is_ok()
            || host.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            }));
    if valid {
        Ok(host)
    } else {
        Err(SpecError::new(field, "must be a host name or IP address"))
    }
}

/// `host:port`, with brackets around IPv6 addresses.
pub fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_ranges_parse_single_codes_and_ranges() {
        let range = StatusRange::try_from("200-299".to_owned()).expect("range");
        assert!(range.contains(204) && !range.contains(300));
        assert_eq!(String::from(StatusRange::try_from("204".to_owned()).expect("code")), "204");
        for bad in ["", "abc", "99", "600", "300-200", "200-"] {
            assert!(StatusRange::try_from(bad.to_owned()).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_reversed_range_is_refused_by_validation_naming_its_field() {
        let reversed = StatusRange::parse_unordered("562-513").expect("well formed");
        let mut spec = HttpSpec::get("https://example.org").expect("valid");
        spec.expected_status = vec![reversed];
        let err = spec.validated().expect_err("reversed");
        assert_eq!(err.field, "http.expected_status");
        assert!(err.message.contains("reversed"), "{}", err.message);
    }

    #[test]
    fn a_website_url_has_the_documented_shape() {
        assert_eq!(
            HttpSpec::get("HTTP://0*").expect("documented shape").url.as_str(),
            "http://0*/"
        );
        assert!(HttpSpec::get("https://example.org/health?probe=1#top").is_ok());
        for bad in [
            " https://example.org",
            "https://exa mple.org",
            "https://a\tb.org",
            "https:///x",
            "https://user@example.org",
            "https:\\\\example.org",
            "ftp://example.org",
        ] {
            assert_eq!(HttpSpec::get(bad).expect_err(bad).field, "url", "{bad}");
        }
    }

    #[test]
    fn urls_are_normalised_and_bad_ones_name_the_rule() {
        assert_eq!(
            parse_url(" HTTPS://Example.ORG ").expect("ok").as_str(),
            "https://example.org/"
        );
        assert!(parse_url("ftp://example.org").expect_err("scheme").message.contains("http"));
        assert!(parse_url("not a url").is_err());
        assert!(parse_url("https://user:pw@example.org").is_err());
        assert_eq!(parse_url("").expect_err("empty").message, "is required");
        let long = format!("https://example.org/{}", "a".repeat(MAX_URL_LEN));
        assert!(parse_url(&long).expect_err("long").message.contains("2048"));
    }

    #[test]
    fn http_specs_refuse_bad_methods_and_headers() {
        let err = parse_method("BREW").expect_err("method");
        assert_eq!(err.field, "http.method");
        assert_eq!(err.message, "must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
        assert_eq!(parse_method(" post "), Ok(HttpMethod::Post));
        let mut spec = HttpSpec::get("https://example.org").expect("valid");
        spec.headers.insert("X-Ok".into(), "a\r\nInjected: 1".into());
        assert_eq!(spec.validated().expect_err("header").field, "http.headers");
    }

    #[test]
    fn debug_output_names_headers_but_never_shows_values_or_the_body() {
        let mut spec = HttpSpec::get("https://example.org").expect("valid");
        spec.headers.insert("Authorization".into(), "Bearer s3cret-value".into());
        spec.body = Some("password=hunter2".into());
        let shown = format!("{spec:?}");
        assert!(shown.contains("Authorization") && shown.contains("<16 bytes>"), "{shown}");
        assert!(!shown.contains("s3cret") && !shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn tcp_specs_need_a_host_and_a_port() {
        let spec =
            TcpSpec { host: " DB.example.org ".into(), port: 5432 }.validated().expect("valid");
        assert_eq!(spec.target(), "db.example.org:5432");
        assert!(TcpSpec { host: "db".into(), port: 0 }.validated().is_err());
        assert!(TcpSpec { host: "bad host".into(), port: 1 }.validated().is_err());
        assert_eq!(
            TcpSpec { host: "[::1]".into(), port: 22 }.validated().expect("v6").target(),
            "[::1]:22"
        );
    }
}
