//! Access tokens: short-lived HS256 JWTs with issuer, audience, expiry and
//! not-before checked, and only one algorithm accepted.

use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{AccountError, Role};

const ISSUER: &str = "runstate";
const AUDIENCE: &str = "runstate-api";
/// Clock skew tolerated between processes, in seconds.
const LEEWAY_SECS: u64 = 30;
/// How long an access token lives: short, since it cannot be revoked early
/// except through the user's token version.
pub const ACCESS_TTL_SECS: i64 = 600;

/// What an access token says.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// The user id.
    pub sub: Uuid,
    pub role: Role,
    /// The refresh-token family (session) this token was issued from.
    pub sid: Uuid,
    /// The user's token version at issue time.
    pub ver: i32,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}

/// The signing key, derived from a secret that is configured or generated.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl TokenKeys {
    /// Keys from a secret of at least 32 bytes.
    pub fn from_secret(secret: &[u8]) -> Result<Self, AccountError> {
        if secret.len() < 32 {
            return Err(AccountError::invalid(
                "jwt_secret",
                "the JWT secret must be at least 32 bytes long",
            ));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        })
    }

    /// Signs an access token for a user's session, valid from `now`.
    pub fn issue(
        &self,
        user: Uuid,
        role: Role,
        session: Uuid,
        version: i32,
        now: DateTime<Utc>,
    ) -> Result<String, AccountError> {
        let claims = Claims {
            sub: user,
            role,
            sid: session,
            ver: version,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: now.timestamp() + ACCESS_TTL_SECS,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AccountError::Internal(format!("cannot sign token: {e}")))
    }

    /// Checks signature, algorithm, issuer, audience and times.
    pub fn verify(&self, token: &str) -> Result<Claims, AccountError> {
        decode::<Claims>(token, &self.decoding, &self.validation).map(|data| data.claims).map_err(
            |err| {
                AccountError::Unauthenticated(match err.kind() {
                    ErrorKind::ExpiredSignature => "the access token has expired",
                    ErrorKind::ImmatureSignature => "the access token is not valid yet",
                    _ => "the access token is invalid",
                })
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use chrono::Duration;

    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn keys() -> TokenKeys {
        TokenKeys::from_secret(SECRET).expect("keys")
    }

    fn issue_at(now: DateTime<Utc>) -> String {
        keys().issue(Uuid::new_v4(), Role::User, Uuid::new_v4(), 0, now).expect("token")
    }

    fn sign(claims: &serde_json::Value, alg: Algorithm, secret: &[u8]) -> String {
        encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret)).expect("sign")
    }

    fn claims_json(iss: &str, aud: &str) -> serde_json::Value {
        let now = Utc::now().timestamp();
        serde_json::json!({
            "sub": Uuid::new_v4(), "role": "ADMIN", "sid": Uuid::new_v4(), "ver": 0,
            "iss": iss, "aud": aud, "iat": now, "nbf": now, "exp": now + 600
        })
    }

    #[test]
    fn a_fresh_token_verifies_and_carries_its_claims() {
        let user = Uuid::new_v4();
        let token = keys().issue(user, Role::Admin, Uuid::new_v4(), 3, Utc::now()).expect("token");
        let claims = keys().verify(&token).expect("valid");
        assert_eq!(claims.sub, user);
        assert_eq!(claims.role, Role::Admin);
        assert_eq!(claims.ver, 3);
        assert_eq!(claims.exp - claims.iat, ACCESS_TTL_SECS);
    }

    #[test]
    fn expired_and_future_tokens_are_refused_beyond_the_leeway() {
        let expired = issue_at(Utc::now() - Duration::seconds(ACCESS_TTL_SECS + 60));
        assert!(keys().verify(&expired).is_err());
        let future = issue_at(Utc::now() + Duration::seconds(120));
        assert!(keys().verify(&future).is_err());
        let slightly_ahead = issue_at(Utc::now() + Duration::seconds(5));
        assert!(keys().verify(&slightly_ahead).is_ok(), "small clock skew is tolerated");
    }

    #[test]
    fn wrong_issuer_audience_key_or_algorithm_is_refused() {
        assert!(keys()
            .verify(&sign(&claims_json("evil", AUDIENCE), Algorithm::HS256, SECRET))
            .is_err());
        assert!(keys()
            .verify(&sign(&claims_json(ISSUER, "other"), Algorithm::HS256, SECRET))
            .is_err());
        let other_key = b"another-secret-another-secret-xx";
        assert!(keys()
            .verify(&sign(&claims_json(ISSUER, AUDIENCE), Algorithm::HS256, other_key))
            .is_err());
        assert!(keys()
            .verify(&sign(&claims_json(ISSUER, AUDIENCE), Algorithm::HS512, SECRET))
            .is_err());
        assert!(keys()
            .verify(&sign(&claims_json(ISSUER, AUDIENCE), Algorithm::HS256, SECRET))
            .is_ok());
    }

    #[test]
    fn alg_none_and_tampered_tokens_are_refused() {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = b64.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = b64.encode(claims_json(ISSUER, AUDIENCE).to_string());
        assert!(keys().verify(&format!("{header}.{payload}.")).is_err());

        let token = issue_at(Utc::now());
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let mut claims: serde_json::Value =
            serde_json::from_slice(&b64.decode(&parts[1]).expect("b64")).expect("json");
        claims["role"] = "ADMIN".into();
        parts[1] = b64.encode(claims.to_string());
        assert!(keys().verify(&parts.join(".")).is_err());
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(TokenKeys::from_secret(b"short").is_err());
    }
}
