//! API tokens with an injected clock, on SQLite and Postgres: an expired
//! token is refused like an unknown one, `last_used_at` moves at most once
//! a minute, only the hash is stored, a disabled owner's tokens stop, and
//! an admin token of a demoted admin keeps only what a user may do.

#![allow(clippy::unwrap_used)]

use chrono::{Duration, SubsecRound, Utc};
use domain::accounts::api_tokens::TokenRequest;
use domain::accounts::{
    AccountError, AccountService, ClientInfo, Credential, Role, SignupPolicy, TokenKeys,
};
use domain::clock::ManualClock;
use domain::entities::{api_tokens, users};
use domain::testing;
use kinds::TokenScope;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

fn request(scope: TokenScope, days: Option<i64>) -> TokenRequest {
    TokenRequest { name: "script".into(), scope, expires_in_days: days }
}

#[tokio::test]
async fn expiry_last_use_hashing_and_the_owner_decide_what_a_token_does() {
    for test_db in testing::all_backends().await {
        let db = &test_db.db;
        let clock = ManualClock::at(Utc::now().trunc_subsecs(3));
        let keys = TokenKeys::from_secret(&[7u8; 32]).unwrap();
        let service =
            AccountService::new(db.clone(), keys, SignupPolicy::Open).with_clock(clock.clock());
        let owner = testing::user(db, Role::Admin).await;
        let client = ClientInfo::default();

        let made = service
            .create_api_token(&owner, request(TokenScope::Admin, Some(30)), &client)
            .await
            .unwrap();
        let row = api_tokens::Entity::find_by_id(made.view.id).one(db).await.unwrap().unwrap();
        assert_ne!(row.token_hash, made.secret, "only the hash is stored");
        assert!(!row.token_hash.contains(&made.secret[3..]));

        let caller = service.authenticate_api_token(&made.secret).await.unwrap();
        let minted = service.create_api_token(&caller, request(TokenScope::Read, None), &client);
        assert!(matches!(minted.await, Err(AccountError::Forbidden(_))), "a token makes no token");
        assert_eq!(caller.user_id, owner.user_id);
        assert_eq!(caller.role, Role::Admin, "an admin token of an admin acts as the admin");
        assert!(matches!(caller.credential, Credential::ApiToken { scope: TokenScope::Admin, .. }));
        let first_use = last_used(db, made.view.id).await;
        clock.advance(Duration::seconds(30));
        service.authenticate_api_token(&made.secret).await.unwrap();
        assert_eq!(last_used(db, made.view.id).await, first_use, "not rewritten within a minute");
        clock.advance(Duration::seconds(31));
        service.authenticate_api_token(&made.secret).await.unwrap();
        assert!(last_used(db, made.view.id).await > first_use);

        // Demoted: the admin token acts as a user, with write scope.
        users::Entity::update_many()
            .col_expr(users::Column::Role, Expr::value(Role::User))
            .filter(users::Column::Id.eq(owner.user_id))
            .exec(db)
            .await
            .unwrap();
        let demoted = service.authenticate_api_token(&made.secret).await.unwrap();
        assert_eq!(demoted.role, Role::User);
        assert_eq!(demoted.token_scope(), Some(TokenScope::Write));

        // Thirty days on: expired, refused like any bad token.
        clock.advance(Duration::days(30));
        let refused = service.authenticate_api_token(&made.secret).await.unwrap_err();
        assert!(matches!(refused, AccountError::Unauthenticated(_)), "{refused:?}");

        // A disabled owner's tokens stop at once.
        let forever = service
            .create_api_token(&owner, request(TokenScope::Read, None), &client)
            .await
            .unwrap();
        service.authenticate_api_token(&forever.secret).await.unwrap();
        users::Entity::update_many()
            .col_expr(users::Column::Disabled, Expr::value(true))
            .filter(users::Column::Id.eq(owner.user_id))
            .exec(db)
            .await
            .unwrap();
        assert!(service.authenticate_api_token(&forever.secret).await.is_err());
    }
}

async fn last_used(db: &sea_orm::DatabaseConnection, id: uuid::Uuid) -> chrono::DateTime<Utc> {
    api_tokens::Entity::find_by_id(id).one(db).await.unwrap().unwrap().last_used_at.unwrap()
}

#[tokio::test]
async fn requests_racing_for_the_last_token_slots_never_pass_the_cap() {
    use domain::accounts::api_tokens::MAX_TOKENS_PER_USER;
    for test_db in testing::all_backends().await {
        let db = &test_db.db;
        let keys = TokenKeys::from_secret(&[7u8; 32]).unwrap();
        let service = AccountService::new(db.clone(), keys, SignupPolicy::Open);
        let owner = testing::user(db, Role::User).await;
        let client = ClientInfo::default();
        for _ in 0..MAX_TOKENS_PER_USER - 5 {
            service
                .create_api_token(&owner, request(TokenScope::Read, None), &client)
                .await
                .unwrap();
        }
        // 20 at once for the last 5 slots.
        let racing = (0..20).map(|_| {
            let (service, owner, client) = (service.clone(), owner.clone(), client.clone());
            tokio::spawn(async move {
                service.create_api_token(&owner, request(TokenScope::Read, None), &client).await
            })
        });
        let mut made = 0;
        for task in racing.collect::<Vec<_>>() {
            match task.await.unwrap() {
                Ok(_) => made += 1,
                Err(AccountError::Forbidden(_)) => {}
                Err(other) => panic!("{}: {other:?}", test_db.url),
            }
        }
        let live = api_tokens::Entity::find()
            .filter(api_tokens::Column::UserId.eq(owner.user_id))
            .all(db)
            .await
            .unwrap()
            .len();
        assert_eq!((made, live as u64), (5, MAX_TOKENS_PER_USER));
    }
}
