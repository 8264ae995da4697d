//! The account service: sign-up, sign-in, refresh, sign-out and who a token
//! belongs to. Administration lives in `admin.rs`.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, SqlErr,
};
use uuid::Uuid;

use super::sessions::{self, ReusePolicy};
use super::throttle::{account_client_key, AccountLimits};
use super::tokens::{TokenKeys, ACCESS_TTL_SECS};
use super::{invitations, AccountError, Email, Password, PasswordHasher, Role};
use crate::clock::Clock;
use crate::entities::users;
use crate::ratelimit::{Limit, RateLimiter, RetryAfter};

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

impl ClientInfo {
    /// The key limits count this client under (`unknown` without an address).
    pub fn key(&self) -> &str {
        self.ip.as_deref().unwrap_or("unknown")
    }
}

/// An access token and a refresh token, as the API returns them.
#[derive(Debug, Clone)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

/// A user as the user sees themself (and as the RunState contract shows).
#[derive(Debug, Clone, PartialEq, Eq)]
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
            role: user.role,
            created_at: user.created_at,
        }
    }
}

/// An authenticated caller: the token was valid, the user is enabled and the
/// session (or API token) is live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: Uuid,
    pub email: String,
    pub role: Role,
    pub credential: Credential,
}

/// What the caller signed in with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// A browser or API sign-in: its session (refresh-token family).
    Session(Uuid),
    /// An API token (`rs_…`) and what it may do.
    ApiToken { id: Uuid, scope: kinds::TokenScope },
}

impl Principal {
    /// The caller's session, for what only a signed-in person may do
    /// (passwords, sessions, API tokens): an API token cannot manage
    /// credentials, or a leaked read token could mint itself a write one.
    pub fn session(&self) -> Result<Uuid, AccountError> {
        match self.credential {
            Credential::Session(id) => Ok(id),
            Credential::ApiToken { .. } => Err(AccountError::Forbidden(
                "an API token cannot manage passwords, sessions or tokens; sign in",
            )),
        }
    }

    /// The API token's scope, when the caller used one.
    pub fn token_scope(&self) -> Option<kinds::TokenScope> {
        match self.credential {
            Credential::Session(_) => None,
            Credential::ApiToken { scope, .. } => Some(scope),
        }
    }

    /// Whether the caller is an administrator.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The proof that the caller is an administrator, if they are.
    pub fn as_admin(&self) -> Option<AdminGrant> {
        self.is_admin().then(|| AdminGrant(self.clone()))
    }
}

/// Proof that a caller holds the ADMIN role, from [`Principal::as_admin`]
/// only: reads across every user's data (the admin overview) take it, so
/// they cannot be reached without the role check.
///
/// ```compile_fail
/// # fn forge(p: domain::accounts::Principal) -> domain::accounts::AdminGrant {
/// domain::accounts::AdminGrant(p)
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct AdminGrant(Principal);

impl AdminGrant {
    /// The administrator.
    pub fn caller(&self) -> &Principal {
        &self.0
    }
}

/// The account service; cheap to clone.
#[derive(Clone)]
pub struct AccountService {
    pub(super) db: DatabaseConnection,
    pub(super) hasher: PasswordHasher,
    keys: TokenKeys,
    pub(super) limiter: RateLimiter,
    pub(super) limits: AccountLimits,
    policy: SignupPolicy,
    /// A session ends this long after sign-in, however often it is used.
    pub(super) max_age: chrono::Duration,
    pub(super) clock: Clock,
}

impl AccountService {
    /// A service over `db`, signing tokens with `keys`.
    pub fn new(db: DatabaseConnection, keys: TokenKeys, policy: SignupPolicy) -> Self {
        Self {
            limiter: RateLimiter::new(db.clone(), Clock::system()),
            db,
            hasher: PasswordHasher::new(),
            keys,
            limits: AccountLimits::default(),
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

    /// The same service reading the time from `clock`: the limits' windows
    /// and the sessions' ages.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.limiter = RateLimiter::new(self.db.clone(), clock.clone());
        self.clock = clock;
        self
    }

    /// The same service with other sign-up and sign-in limits.
    pub fn with_limits(mut self, limits: AccountLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The password hasher, behind its gate (shared by other password users).
    pub fn hasher(&self) -> &PasswordHasher {
        &self.hasher
    }

    /// The same service hashing with `hasher` (e.g. behind another gate).
    pub fn with_hasher(mut self, hasher: PasswordHasher) -> Self {
        self.hasher = hasher;
        self
    }

    /// Counts one event against `limit`; `Throttled` beyond it.
    pub(super) async fn take(&self, limit: &Limit, key: &str) -> Result<(), AccountError> {
        self.limiter.take(limit, key).await?.map_err(throttled)
    }

    /// Creates a USER account, as the sign-up policy allows. Every attempt
    /// counts against the client's sign-up limit; an invitation is checked
    /// before any password is hashed.
    pub async fn signup(
        &self,
        email: &str,
        password: &str,
        invitation: Option<&str>,
        client: &ClientInfo,
    ) -> Result<UserView, AccountError> {
        if self.policy == SignupPolicy::Closed {
            return Err(AccountError::SignupClosed);
        }
        self.take(&self.limits.signup_per_client, client.key()).await?;
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
        let limits = &self.limits;
        let account = email.trim().to_lowercase();
        let pair_key = account_client_key(&account, client.key());
        self.take(&limits.signin_per_client, client.key()).await?;
        self.limiter
            .check(&limits.signin_per_account_client, &pair_key)
            .await?
            .map_err(throttled)?;
        // Many failures on one account from anywhere slow it down for every
        // client, the owner's too, but never lock anyone out.
        if self.limiter.count(&limits.signin_per_account, &account).await?
            >= limits.signin_per_account.limit
        {
            tokio::time::sleep(limits.slow_down).await;
        }

        let user = users::Entity::find()
            .filter(users::Column::Email.eq(account.as_str()))
            .one(&self.db)
            .await?;
        let verified =
            self.hasher.verify(password, user.as_ref().map(|u| u.password_hash.as_str())).await?;
        let Some(user) = user.filter(|_| verified) else {
            self.limiter.hit(&limits.signin_per_account_client, &pair_key).await?;
            self.limiter.hit(&limits.signin_per_account, &account).await?;
            return Err(AccountError::WrongCredentials);
        };
        if user.disabled {
            return Err(AccountError::Disabled);
        }
        self.limiter.reset(&limits.signin_per_account_client, &pair_key).await?;
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
        sessions::revoke(&self.db, principal.session()?, "logout", self.clock.now()).await
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
            role: user.role,
            credential: Credential::Session(claims.sid),
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
        let role = user.role;
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

/// A rate limit's refusal, as the account error.
pub(super) fn throttled(RetryAfter(retry_after_secs): RetryAfter) -> AccountError {
    AccountError::Throttled { retry_after_secs }
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
        role: Set(role),
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
