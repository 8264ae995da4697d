//! The links in subscribers' mails and webhook bodies: a confirmation link
//! that ends 24 hours after it was sent, and an unsubscribe link that lasts
//! as long as the subscription. Both are the subscriber's id and an HMAC
//! under a key of their own (derived from the server's secret), so nothing
//! is stored for them and a forged or altered link opens nothing.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

/// How long a confirmation link works.
pub const CONFIRM_HOURS: i64 = 24;

/// What a link does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Confirm,
    Unsubscribe,
}

impl Purpose {
    fn tag(self) -> &'static str {
        match self {
            Self::Confirm => "c",
            Self::Unsubscribe => "u",
        }
    }
}

/// The key links are signed with.
#[derive(Clone)]
pub struct LinkKey([u8; 32]);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(…)")
    }
}

impl LinkKey {
    /// A key of its own for subscription links, derived from `secret`.
    pub fn derive(secret: &[u8]) -> Self {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| {
            <Hmac<Sha256> as Mac>::new_from_slice(b"runstate").expect("any key")
        });
        mac.update(b"runstate status page subscription links");
        Self(mac.finalize().into_bytes().into())
    }

    fn tag(&self, purpose: Purpose, id: Uuid, expires: i64) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key");
        for part in [purpose.tag().as_bytes(), id.as_bytes(), expires.to_string().as_bytes()] {
            mac.update(part);
            mac.update(&[0]);
        }
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// The confirmation token of subscriber `id`, for a mail sent at `sent`.
    pub fn confirm_token(&self, id: Uuid, sent: DateTime<Utc>) -> String {
        let expires = (sent + Duration::hours(CONFIRM_HOURS)).timestamp();
        format!("c.{}.{expires}.{}", id.simple(), self.tag(Purpose::Confirm, id, expires))
    }

    /// The unsubscribe token of subscriber `id`.
    pub fn unsubscribe_token(&self, id: Uuid) -> String {
        format!("u.{}.{}", id.simple(), self.tag(Purpose::Unsubscribe, id, 0))
    }

    /// The subscriber a confirmation token names, if it is genuine and not
    /// expired at `now`.
    pub fn open_confirm(&self, token: &str, now: DateTime<Utc>) -> Result<Uuid, LinkError> {
        let mut parts = token.trim().split('.');
        let (Some("c"), Some(id), Some(expires), Some(tag), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(LinkError::Invalid);
        };
        let id = Uuid::try_parse(id).map_err(|_| LinkError::Invalid)?;
        let expires: i64 = expires.parse().map_err(|_| LinkError::Invalid)?;
        if !same(&self.tag(Purpose::Confirm, id, expires), tag) {
            return Err(LinkError::Invalid);
        }
        if now.timestamp() >= expires {
            return Err(LinkError::Expired);
        }
        Ok(id)
    }

    /// The subscriber an unsubscribe token names, if it is genuine.
    pub fn open_unsubscribe(&self, token: &str) -> Result<Uuid, LinkError> {
        let mut parts = token.trim().split('.');
        let (Some("u"), Some(id), Some(tag), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(LinkError::Invalid);
        };
        let id = Uuid::try_parse(id).map_err(|_| LinkError::Invalid)?;
        if !same(&self.tag(Purpose::Unsubscribe, id, 0), tag) {
            return Err(LinkError::Invalid);
        }
        Ok(id)
    }
}

/// Why a link opens nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkError {
    /// Not one of ours, or altered.
    Invalid,
    /// A confirmation link older than [`CONFIRM_HOURS`].
    Expired,
}

/// Compares in constant time.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn key() -> LinkKey {
        LinkKey::derive(b"test-secret")
    }

    #[test]
    fn a_confirmation_link_works_for_24_hours_and_not_a_second_more() {
        let id = Uuid::new_v4();
        let sent = Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap();
        let token = key().confirm_token(id, sent);
        let almost = sent + Duration::hours(CONFIRM_HOURS) - Duration::seconds(1);
        assert_eq!(key().open_confirm(&token, almost), Ok(id));
        let over = sent + Duration::hours(CONFIRM_HOURS);
        assert_eq!(key().open_confirm(&token, over), Err(LinkError::Expired));
    }

    #[test]
    fn altered_or_foreign_links_open_nothing() {
        let id = Uuid::new_v4();
        let sent = Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap();
        let token = key().confirm_token(id, sent);
        // A later expiry with the old tag.
        let later = sent + Duration::days(30);
        let forged = token.replace(
            &(sent + Duration::hours(CONFIRM_HOURS)).timestamp().to_string(),
            &later.timestamp().to_string(),
        );
        assert_eq!(key().open_confirm(&forged, sent), Err(LinkError::Invalid));
        // Another server's key, another subscriber, another purpose.
        assert_eq!(LinkKey::derive(b"other").open_confirm(&token, sent), Err(LinkError::Invalid));
        let unsub = key().unsubscribe_token(id);
        assert_eq!(key().open_unsubscribe(&unsub), Ok(id));
        let other = key().unsubscribe_token(Uuid::new_v4());
        let swapped = format!("u.{}.{}", id.simple(), other.rsplit('.').next().unwrap());
        assert_eq!(key().open_unsubscribe(&swapped), Err(LinkError::Invalid));
        assert_eq!(key().open_confirm(&unsub, sent), Err(LinkError::Invalid));
        assert_eq!(key().open_unsubscribe("u.nonsense"), Err(LinkError::Invalid));
    }
}
