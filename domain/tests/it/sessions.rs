//! Session lifetimes with an injected clock, on SQLite and Postgres: the
//! absolute lifetime ends a session however often it is refreshed, and a
//! browser's reuse of a spent refresh token is forgiven only inside the
//! grace window.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, SubsecRound, Utc};
use domain::accounts::sessions::{ReusePolicy, BROWSER_GRACE};
use domain::accounts::{AccountError, AccountService, ClientInfo, Clock, SignupPolicy, TokenKeys};
use domain::entities::sessions;
use domain::testing::{self, TestDb};
use sea_orm::EntityTrait;

const PASSWORD: &str = "correct horse battery";

/// The service over `db` with a clock the test moves.
struct Fixture {
    service: AccountService,
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl Fixture {
    fn new(db: &TestDb, max_age: Duration) -> Self {
        // Whole milliseconds: the databases keep microseconds, not nanoseconds.
        let now = Arc::new(Mutex::new(Utc::now().trunc_subsecs(3)));
        let read = now.clone();
        let keys = TokenKeys::from_secret(&[7u8; 32]).unwrap();
        let service = AccountService::new(db.db.clone(), keys, SignupPolicy::Open)
            .with_session_max_age(max_age)
            .with_clock(Clock::from_fn(move || *read.lock().unwrap()));
        Self { service, now }
    }

    fn advance(&self, by: Duration) {
        *self.now.lock().unwrap() += by;
    }

    async fn sign_in(&self, email: &str) -> (String, String) {
        self.service.signup(email, PASSWORD, None, &ClientInfo::default()).await.unwrap();
        let (pair, _) = self.service.signin(email, PASSWORD, &ClientInfo::default()).await.unwrap();
        (pair.access_token, pair.refresh_token)
    }

    async fn refresh(
        &self,
        token: &str,
        policy: ReusePolicy,
    ) -> Result<(String, String), AccountError> {
        let pair = self.service.refresh(token, policy, &ClientInfo::default()).await?;
        Ok((pair.access_token, pair.refresh_token))
    }
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_lifetime_however_often_it_is_refreshed() {
    for db in testing::all_backends().await {
        let fixture = Fixture::new(&db, Duration::days(7));
        let (_, mut refresh) = fixture.sign_in("lifetime@example.org").await;
        let mut access = String::new();
        for _ in 0..2 {
            fixture.advance(Duration::days(3));
            (access, refresh) = fixture.refresh(&refresh, ReusePolicy::Strict).await.unwrap();
        }
        fixture.advance(Duration::days(1) - Duration::seconds(1));
        let principal = fixture.service.authenticate(&access).await.unwrap();

        fixture.advance(Duration::seconds(1));
        let ended = fixture.service.authenticate(&access).await;
        assert!(matches!(ended, Err(AccountError::Unauthenticated(_))), "{ended:?}");
        let refused = fixture.refresh(&refresh, ReusePolicy::Strict).await.unwrap_err();
        assert!(refused.to_string().contains("maximum age"), "{refused}");
        let session = sessions::Entity::find_by_id(principal.session().unwrap())
            .one(&db.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(session.revoked_reason.as_deref(), Some("session lifetime reached"));
    }
}

#[tokio::test]
async fn a_browser_reuse_is_forgiven_inside_the_grace_window_and_revokes_the_family_after() {
    for db in testing::all_backends().await {
        let fixture = Fixture::new(&db, Duration::days(30));
        let (_, first) = fixture.sign_in("tabs@example.org").await;
        fixture.advance(Duration::minutes(11));
        let (_, second) = fixture.refresh(&first, ReusePolicy::Grace(BROWSER_GRACE)).await.unwrap();

        // The other tab, at the very end of the window: a new token, same family.
        fixture.advance(BROWSER_GRACE);
        let (tab_access, tab_refresh) =
            fixture.refresh(&first, ReusePolicy::Grace(BROWSER_GRACE)).await.unwrap();
        fixture.service.authenticate(&tab_access).await.unwrap();

        // A moment later it is a copied token: the whole family ends.
        fixture.advance(Duration::milliseconds(1));
        let reused = fixture.refresh(&first, ReusePolicy::Grace(BROWSER_GRACE)).await.unwrap_err();
        assert!(reused.to_string().contains("already used"), "{reused}");
        assert!(fixture.service.authenticate(&tab_access).await.is_err());
        for token in [&second, &tab_refresh] {
            assert!(fixture.refresh(token, ReusePolicy::Grace(BROWSER_GRACE)).await.is_err());
        }
    }
}

#[tokio::test]
async fn the_api_forgives_no_reuse_at_all() {
    for db in testing::all_backends().await {
        let fixture = Fixture::new(&db, Duration::days(30));
        let (_, first) = fixture.sign_in("api@example.org").await;
        let (_, second) = fixture.refresh(&first, ReusePolicy::Strict).await.unwrap();
        assert!(fixture.refresh(&first, ReusePolicy::Strict).await.is_err());
        assert!(fixture.refresh(&second, ReusePolicy::Strict).await.is_err(), "family revoked");
    }
}

#[test]
fn the_grace_window_is_two_seconds() {
    assert_eq!(BROWSER_GRACE, Duration::seconds(2));
}
