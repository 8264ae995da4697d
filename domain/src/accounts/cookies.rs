//! The browser session's cookies: both tokens in HttpOnly, SameSite=Lax
//! cookies (Secure over HTTPS), so page scripts never see them.

use super::sessions::REFRESH_TTL;
use super::tokens::ACCESS_TTL_SECS;
use super::TokenPair;

/// The cookie holding the access token.
pub const ACCESS_COOKIE: &str = "rs_access";
/// The cookie holding the refresh token.
pub const REFRESH_COOKIE: &str = "rs_refresh";

fn cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// `Set-Cookie` values that store a token pair.
pub fn set(pair: &TokenPair, secure: bool) -> [String; 2] {
    [
        cookie(ACCESS_COOKIE, &pair.access_token, ACCESS_TTL_SECS, secure),
        cookie(REFRESH_COOKIE, &pair.refresh_token, REFRESH_TTL.num_seconds(), secure),
    ]
}

/// `Set-Cookie` values that remove both cookies.
pub fn clear(secure: bool) -> [String; 2] {
    [cookie(ACCESS_COOKIE, "", 0, secure), cookie(REFRESH_COOKIE, "", 0, secure)]
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
        assert!(set(&pair(), true).iter().all(|c| c.ends_with("; Secure")));
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        let header = "theme=dark; rs_access_old=x; rs_access=tok.en; rs_refresh=";
        assert_eq!(find(header, ACCESS_COOKIE), Some("tok.en"));
        assert_eq!(find(header, REFRESH_COOKIE), None, "an empty cookie counts as absent");
        assert_eq!(find("", ACCESS_COOKIE), None);
    }
}
