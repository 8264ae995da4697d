//! The account service: sign-up, sign-in, refresh, sign-out and who a token
//! belongs to. Administration lives in `admin.rs`.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, SqlErr,
};
use serde::Serialize;
use uuid::Uuid;

use super::sessions::{self, ReusePolicy};
use super::throttle::SigninThrottle;
use super::tokens::{TokenKeys, ACCESS_TTL_SECS};
use super::{invitations, AccountError, Email, Password, PasswordHasher, Role};
use crate::entities::users;

/// Who may create an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignupPolicy {
    Open,
    Invite,
    Closed,
}

/// Where a request came from, for throttling and the audit log.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// An access token and a refresh token, as the API returns them.
#[derive(Debug, Clone, Serialize)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

/// A user as the user sees themself (and as the RunState contract shows).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UserView {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

impl From<&users::Model> for UserView {
    fn from(user: &users::Model) -> Self {
        Self {
            id: user.id,
            email: user.email.clone(),
            role: Role::from_stored(&user.role),
            created_at: user.created_at,
        }
    }
}

/// An authenticated caller: the token was valid, the user is enabled and the
/// session is live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: Uuid,
    pub email: String,
    pub role: Role,
    pub session_id: Uuid,
}

impl Principal {
    /// Whether the caller is an administrator.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Where the service reads the time of sessions from: the system clock, or
/// a test's own.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self(Arc::new(Utc::now))
    }

    /// A clock that reads `now` (tests move time with it).
    pub fn from_fn(now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        Self(Arc::new(now))
    }

    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

/// The account service; cheap to clone.
#[derive(Clone)]
pub struct AccountService {
    pub(super) db: DatabaseConnection,
    pub(super) hasher: PasswordHasher,
    keys: TokenKeys,
    pub(super) throttle: Arc<SigninThrottle>,
    policy: SignupPolicy,
    /// A session ends this long after sign-in, however often it is used.
    pub(super) max_age: chrono::Duration,
    pub(super) clock: Clock,
}

impl AccountService {
    /// A service over `db`, signing tokens with `keys`.
    pub fn new(db: DatabaseConnection, keys: TokenKeys, policy: SignupPolicy) -> Self {
        Self {
            db,
            hasher: PasswordHasher::new(),
            keys,
            throttle: Arc::new(SigninThrottle::default()),
            policy,
            max_age: sessions::DEFAULT_MAX_AGE,
            clock: Clock::system(),
        }
    }

    /// The same service with sessions ending `max_age` after sign-in.
    pub fn with_session_max_age(mut self, max_age: chrono::Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// The same service reading session times from `clock`.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Creates a USER account, as the sign-up policy allows.
    pub async fn signup(
        &self,
        email: &str,
        password: &str,
        invitation: Option<&str>,
    ) -> Result<UserView, AccountError> {
        let email = Email::parse(email)?;
        let password = Password::parse(password)?;
        match self.policy {
            SignupPolicy::Open => self.insert_user(&email, &password, Role::User).await,
            SignupPolicy::Closed => Err(AccountError::SignupClosed),
            SignupPolicy::Invite => {
                let token = invitation.ok_or(AccountError::InvitationRequired)?;
                invitations::redeem(self, token, &email, &password).await
            }
        }
    }

    /// Inserts a user; a duplicate email (any case) is `EmailTaken`.
    pub(super) async fn insert_user(
        &self,
        email: &Email,
        password: &Password,
        role: Role,
    ) -> Result<UserView, AccountError> {
        let hash = self.hasher.hash(password).await?;
        insert_user_row(&self.db, email, hash, role).await
    }

    /// Hashes a password (for callers that insert in their own transaction).
    pub(super) async fn hash(&self, password: &Password) -> Result<String, AccountError> {
        self.hasher.hash(password).await
    }

    /// Checks credentials and starts a session. Unknown email and wrong
    /// password give the same error after the same work.
    pub async fn signin(
        &self,
        email: &str,
        password: &str,
        client: &ClientInfo,
    ) -> Result<(TokenPair, UserView), AccountError> {
        let now = Instant::now();
        let account_key = email.trim().to_lowercase();
        let client_key = client.ip.clone().unwrap_or_default();
        for result in [
            self.throttle.per_client.check(&client_key, now),
            self.throttle.per_account.check(&account_key, now),
        ] {
            result.map_err(|retry_after_secs| AccountError::Throttled { retry_after_secs })?;
        }
        self.throttle.per_client.hit(&client_key, now);

        let user = users::Entity::find()
            .filter(users::Column::Email.eq(account_key.as_str()))
            .one(&self.db)
            .await?;
        let verified =
            self.hasher.verify(password, user.as_ref().map(|u| u.password_hash.as_str())).await;
        let Some(user) = user.filter(|_| verified) else {
            self.throttle.per_account.hit(&account_key, now);
            return Err(AccountError::WrongCredentials);
        };
        if user.disabled {
            return Err(AccountError::Disabled);
        }
        self.throttle.per_account.reset(&account_key);
        let (session_id, refresh_token) =
            sessions::start(&self.db, user.id, client, self.max_age, self.clock.now()).await?;
        let pair = self.pair(&user, session_id, refresh_token)?;
        Ok((pair, UserView::from(&user)))
    }

    /// Rotates a refresh token into a new pair.
    pub async fn refresh(
        &self,
        refresh_token: &str,
        policy: ReusePolicy,
        client: &ClientInfo,
    ) -> Result<TokenPair, AccountError> {
        let rotated = sessions::rotate(
            &self.db,
            refresh_token,
            policy,
            self.max_age,
            client,
            self.clock.now(),
        )
        .await?;
        let user = users::Entity::find_by_id(rotated.user_id)
            .one(&self.db)
            .await?
            .ok_or(AccountError::Unauthenticated("the account no longer exists"))?;
        if user.disabled {
            return Err(AccountError::Disabled);
        }
        self.pair(&user, rotated.session_id, rotated.refresh_token)
    }

    /// Ends the session a refresh token belongs to (spent or not).
    pub async fn logout(&self, refresh_token: &str) -> Result<(), AccountError> {
        let session = sessions::session_of(&self.db, refresh_token)
            .await?
            .ok_or(AccountError::Unauthenticated("the refresh token is invalid"))?;
        sessions::revoke(&self.db, session.id, "logout", self.clock.now()).await
    }

    /// Ends the session of an authenticated caller (browser sign-out).
    pub async fn end_session(&self, principal: &Principal) -> Result<(), AccountError> {
        sessions::revoke(&self.db, principal.session_id, "logout", self.clock.now()).await
    }

    /// Who an access token belongs to, checked against the live user and
    /// session: disabling, a role change or sign-out take effect at once.
    pub async fn authenticate(&self, access_token: &str) -> Result<Principal, AccountError> {
        let claims = self.keys.verify(access_token)?;
        let ended = AccountError::Unauthenticated("the session has ended; sign in again");
        let user = users::Entity::find_by_id(claims.sub).one(&self.db).await?.ok_or(ended)?;
        if user.disabled || user.token_version != claims.ver {
            return Err(AccountError::Unauthenticated("the session has ended; sign in again"));
        }
        let session = crate::entities::sessions::Entity::find_by_id(claims.sid)
            .one(&self.db)
            .await?
            .filter(|s| s.revoked_at.is_none() && s.user_id == user.id)
            .filter(|s| !sessions::too_old(s.created_at, self.max_age, self.clock.now()));
        if session.is_none() {
            return Err(AccountError::Unauthenticated("the session has ended; sign in again"));
        }
        Ok(Principal {
            user_id: user.id,
            email: user.email,
            role: Role::from_stored(&user.role),
            session_id: claims.sid,
        })
    }

    /// The caller's own account.
    pub async fn me(&self, principal: &Principal) -> Result<UserView, AccountError> {
        let user = users::Entity::find_by_id(principal.user_id)
            .one(&self.db)
            .await?
            .ok_or(AccountError::UserNotFound)?;
        Ok(UserView::from(&user))
    }

    fn pair(
        &self,
        user: &users::Model,
        session_id: Uuid,
        refresh_token: String,
    ) -> Result<TokenPair, AccountError> {
        let role = Role::from_stored(&user.role);
        // The system clock, not `self.clock`: the JWT library checks `exp`
        // and `nbf` against it.
        let access_token =
            self.keys.issue(user.id, role, session_id, user.token_version, Utc::now())?;
        Ok(TokenPair {
            access_token,
            refresh_token,
            token_type: "Bearer",
            expires_in: ACCESS_TTL_SECS,
        })
    }
}

/// Inserts a user row; the unique email index turns a race into `EmailTaken`.
pub(super) async fn insert_user_row(
    db: &impl sea_orm::ConnectionTrait,
    email: &Email,
    password_hash: String,
    role: Role,
) -> Result<UserView, AccountError> {
    let now = Utc::now();
    let user = users::ActiveModel {
        id: Set(Uuid::new_v4()),
        email: Set(email.as_str().to_owned()),
        password_hash: Set(password_hash),
        role: Set(role.as_str().to_owned()),
        disabled: Set(false),
        token_version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|err| match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => AccountError::EmailTaken,
        _ => AccountError::Database(err),
    })?;
    Ok(UserView::from(&user))
}
