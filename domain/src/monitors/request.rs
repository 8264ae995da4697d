//! How an HTTP monitor's request is made beyond method, headers and body:
//! the HTTP version, a lenient TLS check, a resolver of its own, a proxy,
//! and basic or bearer credentials (which become its `Authorization`
//! header, sealed like every header value).

use std::net::{IpAddr, SocketAddr};

use base64::Engine;
use serde::Deserialize;

use super::spec::SpecError;

/// The DNS port a resolver given without one is asked on.
const DNS_PORT: u16 = 53;

/// Which credentials [`AuthInput`] carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthType {
    Basic,
    Bearer,
}

/// Credentials the API accepts, turned into an `Authorization` header:
/// `basic` takes `username` and `password`, `bearer` takes `token`. One flat
/// object, so that its schema can refuse unknown fields outright.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthInput {
    #[serde(rename = "type")]
    pub kind: AuthType,
    pub username: Option<String>,
    pub password: Option<String>,
    pub token: Option<String>,
}

impl std::fmt::Debug for AuthInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthInput")
            .field("kind", &self.kind)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl AuthInput {
    /// Basic credentials.
    pub fn basic(username: &str, password: &str) -> Self {
        let (username, password) = (Some(username.to_owned()), Some(password.to_owned()));
        Self { kind: AuthType::Basic, username, password, token: None }
    }

    /// A bearer token.
    pub fn bearer(token: &str) -> Self {
        Self {
            kind: AuthType::Bearer,
            username: None,
            password: None,
            token: Some(token.to_owned()),
        }
    }

    /// The `Authorization` header's value.
    pub fn header_value(&self) -> Result<String, SpecError> {
        match self.kind {
            AuthType::Basic => {
                if self.token.is_some() {
                    return Err(SpecError::new(
                        "http.auth.token",
                        "basic credentials take no token",
                    ));
                }
                let username = self.username.as_deref().unwrap_or_default();
                if username.is_empty() || username.contains(':') {
                    return Err(SpecError::new(
                        "http.auth.username",
                        "give a user name, without `:`",
                    ));
                }
                let password = self.password.as_deref().ok_or_else(|| {
                    SpecError::new("http.auth.password", "give the password (it may be empty)")
                })?;
                let pair = format!("{username}:{password}");
                Ok(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair)))
            }
            AuthType::Bearer => {
                if self.username.is_some() || self.password.is_some() {
                    return Err(SpecError::new(
                        "http.auth.username",
                        "a bearer token takes no user name or password",
                    ));
                }
                let token = self.token.as_deref().unwrap_or_default().trim();
                if token.is_empty() || token.chars().any(|c| c.is_control() || c == ' ') {
                    return Err(SpecError::new(
                        "http.auth.token",
                        "give the token, without spaces",
                    ));
                }
                Ok(format!("Bearer {token}"))
            }
        }
    }
}

/// `ip` or `ip:port` (`[v6]:port`), port 53 by default.
pub fn parse_resolver(raw: &str) -> Result<SocketAddr, SpecError> {
    let raw = raw.trim();
    let bare = raw.strip_prefix('[').and_then(|r| r.strip_suffix(']')).unwrap_or(raw);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, DNS_PORT));
    }
    raw.parse::<SocketAddr>().map_err(|_| {
        SpecError::new("http.resolver", "give an IP address, with a port if not 53 (`9.9.9.9:53`)")
    })
}

/// An `http://[user[:password]@]host:port` proxy. The password is a secret:
/// the settings keep the URL without it and it is sealed apart
/// (`secrets.rs`), like header values.
pub fn parse_proxy(raw: &str) -> Result<url::Url, SpecError> {
    let field = "http.proxy";
    let url = url::Url::parse(raw.trim())
        .map_err(|e| SpecError::new(field, format!("not a URL: {e}")))?;
    if url.scheme() != "http" {
        return Err(SpecError::new(field, "give an http:// proxy (it tunnels HTTPS too)"));
    }
    if url.host_str().is_none() {
        return Err(SpecError::new(field, "the proxy URL has no host"));
    }
    if url.username().is_empty() && url.password().is_some() {
        return Err(SpecError::new(field, "a proxy password needs a user name"));
    }
    if url.username().len() + url.password().map_or(0, str::len) > MAX_PROXY_CREDENTIALS {
        return Err(SpecError::new(field, "the proxy's user name and password are too long"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(SpecError::new(field, "give only the proxy's scheme, host and port"));
    }
    Ok(url)
}

/// The longest `user:password` a proxy URL may carry (percent-encoded).
const MAX_PROXY_CREDENTIALS: usize = 512;

/// `proxy` without its password: what is stored in the settings and shown.
pub(crate) fn without_password(proxy: &url::Url) -> url::Url {
    let mut shown = proxy.clone();
    // Only fails for URLs that cannot have credentials; a proxy URL can.
    let _ = shown.set_password(None);
    shown
}

/// A proxy given again without its password (as it is shown) keeps the
/// stored one, if it is the same user at the same proxy; a proxy with a
/// password, another user or another address is taken as given.
pub(crate) fn keep_proxy_password(given: url::Url, current: Option<&url::Url>) -> url::Url {
    let Some(current) = current else { return given };
    let same = given.password().is_none()
        && !given.username().is_empty()
        && without_password(current) == given;
    match (same, current.password()) {
        (true, Some(password)) => {
            let mut kept = given;
            let _ = kept.set_password(Some(password));
            kept
        }
        _ => given,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolvers_take_port_53_unless_told() {
        assert_eq!(parse_resolver("9.9.9.9").unwrap(), "9.9.9.9:53".parse().unwrap());
        assert_eq!(parse_resolver(" 1.1.1.1:5353 ").unwrap(), "1.1.1.1:5353".parse().unwrap());
        assert_eq!(parse_resolver("[2620:fe::fe]").unwrap(), "[2620:fe::fe]:53".parse().unwrap());
        assert_eq!(parse_resolver("2620:fe::fe").unwrap(), "[2620:fe::fe]:53".parse().unwrap());
        assert_eq!(parse_resolver("dns.quad9.net").unwrap_err().field, "http.resolver");
    }

    #[test]
    fn proxies_are_http_urls_without_paths() {
        assert_eq!(
            parse_proxy("http://proxy.corp:3128").unwrap().as_str(),
            "http://proxy.corp:3128/"
        );
        let with = parse_proxy("http://ops:s3cret@proxy.corp:3128").unwrap();
        assert_eq!((with.username(), with.password()), ("ops", Some("s3cret")));
        let long = format!("http://ops:{}@proxy:3128", "x".repeat(600));
        for bad in
            ["socks5://p:1080", "http://:p@proxy:3128", "http://proxy:3128/x", "proxy:3128", &long]
        {
            assert_eq!(parse_proxy(bad).unwrap_err().field, "http.proxy", "{bad}");
        }
    }

    #[test]
    fn a_proxy_given_back_as_shown_keeps_its_password() {
        let stored = parse_proxy("http://ops:s3cret@proxy.corp:3128").unwrap();
        let shown = without_password(&stored);
        assert_eq!(shown.as_str(), "http://ops@proxy.corp:3128/");
        assert_eq!(keep_proxy_password(shown, Some(&stored)), stored);
        let new = parse_proxy("http://ops:other@proxy.corp:3128").unwrap();
        assert_eq!(keep_proxy_password(new.clone(), Some(&stored)), new, "a new password wins");
        for other in
            ["http://admin@proxy.corp:3128", "http://ops@proxy.corp:8080", "http://proxy.corp:3128"]
        {
            let given = parse_proxy(other).unwrap();
            assert_eq!(keep_proxy_password(given.clone(), Some(&stored)), given, "{other}");
        }
    }

    #[test]
    fn credentials_become_an_authorization_header() {
        let basic = AuthInput::basic("ops", "s3cret");
        assert_eq!(basic.header_value().unwrap(), "Basic b3BzOnMzY3JldA==");
        let bearer = AuthInput::bearer(" abc.def ");
        assert_eq!(bearer.header_value().unwrap(), "Bearer abc.def");
        let colon = AuthInput::basic("a:b", "");
        assert_eq!(colon.header_value().unwrap_err().field, "http.auth.username");
        assert!(!format!("{basic:?}").contains("s3cret"));
        let mixed = AuthInput { token: Some("t".into()), ..AuthInput::basic("ops", "pw") };
        assert_eq!(mixed.header_value().unwrap_err().field, "http.auth.token");
        let no_password = AuthInput { password: None, ..AuthInput::basic("ops", "pw") };
        assert_eq!(no_password.header_value().unwrap_err().field, "http.auth.password");
    }
}
