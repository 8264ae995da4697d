//! Parsed credentials: an [`Email`] is normalised, a [`Password`] meets the
//! policy, a [`Role`] is one of two. Parse, don't validate.

use std::fmt;
use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;

use super::gate::{HashGate, BUSY_RETRY_AFTER_SECS};
use super::AccountError;

/// A syntactically valid email address, trimmed and lower-cased so that
/// uniqueness is case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Parses and normalises an address; the error names the rule broken.
    pub fn parse(raw: &str) -> Result<Self, AccountError> {
        let email = raw.trim().to_lowercase();
        let invalid = |why: &str| AccountError::invalid("email", format!("invalid email: {why}"));
        if email.is_empty() {
            return Err(invalid("it is empty"));
        }
        // Counted in characters, as the API's schema (`maxLength`) counts them.
        if email.chars().count() > 254 {
            return Err(invalid("it is longer than 254 characters"));
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return Err(invalid("it has no @"));
        };
        if local.is_empty() || local.chars().count() > 64 {
            return Err(invalid("the part before @ must be 1 to 64 characters"));
        }
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if !domain_ok {
            return Err(invalid("the domain after @ is not valid"));
        }
        if email.chars().any(|c| c.is_whitespace() || c.is_control()) || local.contains('@') {
            return Err(invalid("it contains spaces or control characters"));
        }
        Ok(Self(email))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that meets the policy: 8 to 128 characters.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;

    /// Checks the policy; the error names the rule.
    pub fn parse(raw: &str) -> Result<Self, AccountError> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(AccountError::invalid(
                "password",
                format!("password too weak: it must have at least {} characters", Self::MIN_CHARS),
            ));
        }
        if chars > Self::MAX_CHARS {
            return Err(AccountError::invalid(
                "password",
                format!("password too long: it must have at most {} characters", Self::MAX_CHARS),
            ));
        }
        if raw.trim().is_empty() {
            return Err(AccountError::invalid(
                "password",
                "password too weak: it cannot be only spaces",
            ));
        }
        Ok(Self(raw.to_owned()))
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A user's role: one definition, shared with the browser (`kinds`).
pub use kinds::Role;

/// Hashes `password` with a fresh salt into its PHC string.
fn hash_with_new_salt(
    argon: &Argon2<'_>,
    password: &[u8],
) -> Result<String, argon2::password_hash::Error> {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let salt = SaltString::encode_b64(&bytes)?;
    argon2::PasswordHasher::hash_password(argon, password, &salt).map(|h| h.to_string())
}

/// Argon2id hashing, off the async runtime (each hash takes tens of ms),
/// through a [`HashGate`] that bounds how many run and wait at once.
#[derive(Clone)]
pub struct PasswordHasher {
    argon: Arc<Argon2<'static>>,
    /// A hash of a random password: unknown emails are verified against it so
    /// they take as long as wrong passwords.
    dummy_hash: Arc<str>,
    gate: HashGate,
}

impl PasswordHasher {
    /// OWASP's Argon2id parameters: 19 MiB, 2 passes, 1 lane.
    pub fn new() -> Self {
        let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let dummy = uuid::Uuid::new_v4().to_string();
        let dummy_hash = hash_with_new_salt(&argon, dummy.as_bytes()).unwrap_or_default();
        Self { argon: Arc::new(argon), dummy_hash: dummy_hash.into(), gate: HashGate::default() }
    }

    /// The same hasher behind another gate.
    pub fn with_gate(mut self, gate: HashGate) -> Self {
        self.gate = gate;
        self
    }

    /// The gate every hash and verification passes.
    pub fn gate(&self) -> &HashGate {
        &self.gate
    }

    async fn enter(&self) -> Result<super::gate::HashSlot, AccountError> {
        self.gate
            .enter()
            .await
            .map_err(|_| AccountError::Busy { retry_after_secs: BUSY_RETRY_AFTER_SECS })
    }

    /// Hashes a password into its PHC string.
    pub async fn hash(&self, password: &Password) -> Result<String, AccountError> {
        let _slot = self.enter().await?;
        let argon = self.argon.clone();
        let password = password.0.clone();
        tokio::task::spawn_blocking(move || {
            hash_with_new_salt(&argon, password.as_bytes())
                .map_err(|e| AccountError::Internal(format!("hashing failed: {e}")))
        })
        .await
        .map_err(|e| AccountError::Internal(format!("hashing task failed: {e}")))?
    }

    /// Whether `password` matches `stored`; with `None`, checks against the
    /// dummy hash and answers false, spending the same time. `Busy` when the
    /// gate is full.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, AccountError> {
        let _slot = self.enter().await?;
        let argon = self.argon.clone();
        let known = stored.is_some();
        let stored = stored.map_or_else(|| self.dummy_hash.to_string(), str::to_owned);
        let password = password.to_owned();
        let matched = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&stored)
                .map(|hash| argon.verify_password(password.as_bytes(), &hash).is_ok())
                .unwrap_or(false)
        })
        .await
        .unwrap_or(false);
        Ok(known && matched)
    }
}

impl Default for PasswordHasher {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_so_uniqueness_ignores_case() {
        let email = Email::parse("  Alice.Smith@Example.ORG ").expect("valid");
        assert_eq!(email.as_str(), "alice.smith@example.org");
    }

    #[test]
    fn invalid_emails_are_refused_with_the_rule() {
        for raw in [
            "",
            "alice",
            "@example.org",
            "alice@",
            "alice@example",
            "a b@example.org",
            "alice@-x.org",
            "alice@x..org",
        ] {
            let err = Email::parse(raw).expect_err(raw);
            assert!(err.to_string().starts_with("invalid email"), "{raw}: {err}");
        }
    }

    #[test]
    fn passwords_must_have_8_to_128_characters() {
        assert!(Password::parse("1234567").is_err());
        assert!(Password::parse("12345678").is_ok());
        assert!(Password::parse(&"x".repeat(128)).is_ok());
        let err = Password::parse(&"x".repeat(129)).expect_err("too long");
        assert!(err.to_string().contains("at most 128"));
        // Characters, not bytes: eight accented letters are enough.
        assert!(Password::parse("éééééééé").is_ok());
    }

    #[test]
    fn roles_round_trip_and_unknown_is_refused() {
        assert_eq!(Role::Admin.as_str().parse(), Ok(Role::Admin));
        assert!("root".parse::<Role>().is_err());
        assert_eq!(serde_json::to_string(&Role::Admin).expect("json"), "\"ADMIN\"");
    }

    #[tokio::test]
    async fn hashes_verify_only_their_own_password() {
        let hasher = PasswordHasher::new();
        let password = Password::parse("correct horse").expect("valid");
        let hash = hasher.hash(&password).await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(hasher.verify("correct horse", Some(&hash)).await.expect("verify"));
        assert!(!hasher.verify("wrong horse", Some(&hash)).await.expect("verify"));
        assert!(!hasher.verify("correct horse", None).await.expect("verify"));
    }

    #[tokio::test]
    async fn hashing_and_verifying_are_refused_when_the_gate_is_full() {
        let hasher = PasswordHasher::new().with_gate(HashGate::new(1, 0));
        let _held = hasher.gate().enter().await.expect("the only slot");
        let password = Password::parse("correct horse").expect("valid");
        let busy = |r: &AccountError| matches!(r, AccountError::Busy { .. });
        assert!(busy(&hasher.hash(&password).await.expect_err("busy")));
        assert!(busy(&hasher.verify("correct horse", None).await.expect_err("busy")));
    }
}
