//! Slack's request signing, version 0: `X-Slack-Signature` is `v0=` and the
//! hex of HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`), and
//! `X-Slack-Request-Timestamp` must be within five minutes of now (either
//! way) so a captured request cannot be replayed later.
//! <https://api.slack.com/authentication/verifying-requests-from-slack>

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::clock::Clock;

/// How far a request's timestamp may be from now, in seconds.
pub const MAX_SKEW_SECS: i64 = 5 * 60;

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the request lacks X-Slack-Signature or X-Slack-Request-Timestamp")]
    Missing,
    #[error("X-Slack-Request-Timestamp is not a unix time")]
    BadTimestamp,
    #[error("the request timestamp is more than five minutes from now")]
    Stale,
    #[error("the signature does not match")]
    Mismatch,
    #[error("this signed request was already answered; a replay is refused")]
    Replayed,
}

/// The timestamp, if it is a unix time within [`MAX_SKEW_SECS`] of the
/// clock's now.
pub fn check_timestamp(timestamp: &str, clock: &Clock) -> Result<i64, SignatureError> {
    let at: i64 = timestamp.trim().parse().map_err(|_| SignatureError::BadTimestamp)?;
    if clock.now().timestamp().abs_diff(at) > MAX_SKEW_SECS.unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    Ok(at)
}

/// Whether `signature` is the v0 signature of `body` at `timestamp` under
/// `secret`; compared in constant time. The timestamp's age is not checked
/// here: see [`check_timestamp`].
pub fn verify(secret: &[u8], timestamp: &str, body: &[u8], signature: &str) -> bool {
    let Some(given) = signature.trim().strip_prefix("v0=").and_then(|h| hex::decode(h).ok()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return false;
    };
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    let expected = mac.finalize().into_bytes();
    given.len() == expected.len() && bool::from(expected.as_slice().ct_eq(&given))
}

/// The v0 signature of `body` at `timestamp` under `secret`.
pub fn sign(secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mac) => mac,
        // HMAC takes keys of any length; this arm cannot be reached.
        Err(_) => return String::new(),
    };
    mac.update(format!("v0:{timestamp}:").as_bytes());
    mac.update(body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    /// A clock stopped at `secs` unix seconds.
    fn at_unix(secs: i64) -> Clock {
        ManualClock::at(chrono::DateTime::from_timestamp(secs, 0).unwrap()).clock()
    }

    // The example of Slack's "Verifying requests from Slack".
    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const TIMESTAMP: &str = "1531420618";
    const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const SIGNATURE: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    #[test]
    fn slacks_published_example_verifies() {
        assert!(verify(SECRET.as_bytes(), TIMESTAMP, BODY.as_bytes(), SIGNATURE));
        assert_eq!(sign(SECRET.as_bytes(), TIMESTAMP, BODY.as_bytes()), SIGNATURE);
        // At the moment Slack signed it, the timestamp was fresh.
        let a_minute_later = at_unix(1_531_420_618 + 60);
        assert_eq!(check_timestamp(TIMESTAMP, &a_minute_later), Ok(1_531_420_618));
    }

    #[test]
    fn a_changed_byte_a_wrong_secret_or_a_bad_signature_fail() {
        let mut body = BODY.as_bytes().to_vec();
        body[10] ^= 1;
        assert!(!verify(SECRET.as_bytes(), TIMESTAMP, &body, SIGNATURE));
        assert!(!verify(b"another-secret", TIMESTAMP, BODY.as_bytes(), SIGNATURE));
        assert!(!verify(SECRET.as_bytes(), "1531420619", BODY.as_bytes(), SIGNATURE));
        assert!(!verify(SECRET.as_bytes(), TIMESTAMP, BODY.as_bytes(), &SIGNATURE[3..]));
        assert!(!verify(SECRET.as_bytes(), TIMESTAMP, BODY.as_bytes(), "v0=zz"));
        assert!(!verify(SECRET.as_bytes(), TIMESTAMP, BODY.as_bytes(), &SIGNATURE[..40]));
    }

    #[test]
    fn timestamps_more_than_five_minutes_away_either_way_are_stale() {
        let now = 1_700_000_000;
        let clock = at_unix(now);
        let check = |at: i64| check_timestamp(&at.to_string(), &clock);
        // Exactly at the boundary, either way, is still fresh; one second past is not.
        assert_eq!(check(now - MAX_SKEW_SECS), Ok(now - MAX_SKEW_SECS));
        assert_eq!(check(now + MAX_SKEW_SECS), Ok(now + MAX_SKEW_SECS));
        assert_eq!(check(now - MAX_SKEW_SECS - 1), Err(SignatureError::Stale));
        assert_eq!(check(now + MAX_SKEW_SECS + 1), Err(SignatureError::Stale));
        assert_eq!(check(now), Ok(now));
        assert_eq!(check_timestamp(" 1700000000 ", &clock), Ok(now));
        assert_eq!(check_timestamp("yesterday", &clock), Err(SignatureError::BadTimestamp));
    }
}
