//! The browser session's cookies: both tokens in HttpOnly, SameSite=Lax
//! cookies, so page scripts never see them. Over HTTPS they are Secure and
//! named with the `__Host-` prefix: the browser then accepts them only when
//! Secure, with `Path=/` and no `Domain`, so a sibling subdomain or a
//! plain-HTTP answer cannot plant or shadow a session cookie. Browsers refuse
//! that prefix without Secure, so plain HTTP keeps the plain names.

use super::sessions::REFRESH_TTL;
use super::tokens::ACCESS_TTL_SECS;
use super::TokenPair;

/// The cookie holding the access token over plain HTTP.
pub const ACCESS_COOKIE: &str = "rs_access";
/// The cookie holding the refresh token over plain HTTP.
pub const REFRESH_COOKIE: &str = "rs_refresh";
/// The access cookie over HTTPS.
pub const SECURE_ACCESS_COOKIE: &str = "__Host-rs_access";
/// The refresh cookie over HTTPS.
pub const SECURE_REFRESH_COOKIE: &str = "__Host-rs_refresh";

/// The names of the two session cookies in one mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookieNames {
    pub access: &'static str,
    pub refresh: &'static str,
}

impl CookieNames {
    /// The `__Host-` names when `secure` (the public URL is https), else the plain ones.
    pub fn for_mode(secure: bool) -> Self {
        if secure {
            Self { access: SECURE_ACCESS_COOKIE, refresh: SECURE_REFRESH_COOKIE }
        } else {
            Self { access: ACCESS_COOKIE, refresh: REFRESH_COOKIE }
        }
    }
}

fn cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// `Set-Cookie` values that store a token pair.
pub fn set(pair: &TokenPair, secure: bool) -> [String; 2] {
    let names = CookieNames::for_mode(secure);
    [
        cookie(names.access, &pair.access_token, ACCESS_TTL_SECS, secure),
        cookie(names.refresh, &pair.refresh_token, REFRESH_TTL.num_seconds(), secure),
    ]
}

/// `Set-Cookie` values that remove both cookies.
pub fn clear(secure: bool) -> [String; 2] {
    let names = CookieNames::for_mode(secure);
    [cookie(names.access, "", 0, secure), cookie(names.refresh, "", 0, secure)]
}

/// The value of cookie `name` in a `Cookie` request header.
pub fn find<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// Whether a `Cookie` header carries a session cookie of either mode (the
/// cross-site guard errs on the side of treating it as a session).
pub fn has_session(header: &str) -> bool {
    [ACCESS_COOKIE, REFRESH_COOKIE, SECURE_ACCESS_COOKIE, SECURE_REFRESH_COOKIE]
        .iter()
        .any(|name| find(header, name).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> TokenPair {
        TokenPair {
            access_token: "acc".into(),
            refresh_token: "ref".into(),
            token_type: "Bearer",
            expires_in: 600,
        }
    }

    #[test]
    fn session_cookies_are_http_only_and_same_site() {
        let [access, refresh] = set(&pair(), false);
        assert_eq!(access, "rs_access=acc; Path=/; HttpOnly; SameSite=Lax; Max-Age=600");
        assert!(refresh.starts_with("rs_refresh=ref;") && refresh.contains("HttpOnly"));
        assert!(!refresh.contains("Secure"));
    }

    #[test]
    fn over_https_the_cookies_are_host_prefixed_secure_and_domainless() {
        let cookies = set(&pair(), true);
        assert!(cookies[0].starts_with("__Host-rs_access=acc; Path=/;"), "{cookies:?}");
        assert!(cookies[1].starts_with("__Host-rs_refresh=ref; Path=/;"), "{cookies:?}");
        assert!(cookies.iter().all(|c| c.ends_with("; Secure") && !c.contains("Domain")));
        assert!(clear(true).iter().all(|c| c.starts_with("__Host-") && c.contains("Max-Age=0")));
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        let header = "theme=dark; rs_access_old=x; rs_access=tok.en; rs_refresh=";
        assert_eq!(find(header, ACCESS_COOKIE), Some("tok.en"));
        assert_eq!(find(header, REFRESH_COOKIE), None, "an empty cookie counts as absent");
        assert_eq!(find(header, SECURE_ACCESS_COOKIE), None, "the modes do not mix");
        assert_eq!(find("", ACCESS_COOKIE), None);
        assert!(has_session("__Host-rs_refresh=r") && has_session(header));
        assert!(!has_session("theme=dark"));
    }
}
