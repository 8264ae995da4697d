//! The "last admin" guard under concurrency: two admins demoting each other
//! (or disabling, or deleting) at the same moment leave one admin, never
//! none. The race is real on Postgres; SQLite runs writers one at a time.

#![allow(clippy::unwrap_used)]

use domain::accounts::{
    AccountError, AccountService, ClientInfo, Role, SignupPolicy, TokenKeys, UserChanges,
};
use domain::entities::users;
use domain::testing;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// Rounds of the race: each one is two fresh admins demoting each other.
const ROUNDS: usize = 25;

async fn enabled_admins(db: &sea_orm::DatabaseConnection) -> u64 {
    users::Entity::find()
        .filter(users::Column::Role.eq("ADMIN"))
        .filter(users::Column::Disabled.eq(false))
        .count(db)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_parallel_demotions_of_the_last_two_admins_leave_one() {
    for test_db in testing::all_backends().await {
        let db = &test_db.db;
        let service = AccountService::new(
            db.clone(),
            TokenKeys::from_secret(&[3u8; 32]).unwrap(),
            SignupPolicy::Closed,
        );
        let mut refused = 0;
        for round in 0..ROUNDS {
            let a = testing::user(db, Role::Admin).await;
            let b = testing::user(db, Role::Admin).await;
            let change = if round % 2 == 0 {
                UserChanges { role: Some(Role::User), disabled: None }
            } else {
                UserChanges { role: None, disabled: Some(true) }
            };
            let (first, second) = {
                let (s1, s2) = (service.clone(), service.clone());
                let (a1, b1, c1, c2) = (a.clone(), b.clone(), change.clone(), change.clone());
                let one = tokio::spawn(async move {
                    s1.update_user(&a1, b1.user_id, c1, &ClientInfo::default()).await
                });
                let two = tokio::spawn(async move {
                    s2.update_user(&b, a.user_id, c2, &ClientInfo::default()).await
                });
                (one.await.unwrap(), two.await.unwrap())
            };
            let outcomes = [first.is_ok(), second.is_ok()];
            assert_eq!(
                outcomes.iter().filter(|ok| **ok).count(),
                1,
                "{}: {first:?} {second:?}",
                test_db.url
            );
            let error = first.err().or(second.err()).unwrap();
            assert!(matches!(error, AccountError::Conflict(_)), "{error:?}");
            refused += 1;
            assert_eq!(enabled_admins(db).await, 1, "round {round}");
            // The survivor is the last admin; the next round adds two more,
            // so demote the survivor through the guard-free path: make it a user.
            users::Entity::update_many()
                .col_expr(users::Column::Role, sea_orm::sea_query::Expr::value("USER"))
                .filter(users::Column::Role.eq("ADMIN"))
                .exec(db)
                .await
                .unwrap();
        }
        assert_eq!(refused, ROUNDS);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_admins_deleting_each_other_at_once_leave_one() {
    for test_db in testing::all_backends().await {
        let db = &test_db.db;
        let service = AccountService::new(
            db.clone(),
            TokenKeys::from_secret(&[3u8; 32]).unwrap(),
            SignupPolicy::Closed,
        );
        for _ in 0..10 {
            let a = testing::user(db, Role::Admin).await;
            let b = testing::user(db, Role::Admin).await;
            let (s1, s2, a1, b1) = (service.clone(), service.clone(), a.clone(), b.clone());
            let one = tokio::spawn(async move {
                s1.delete_user(&a1, b1.user_id, &ClientInfo::default()).await
            });
            let two =
                tokio::spawn(
                    async move { s2.delete_user(&b, a.user_id, &ClientInfo::default()).await },
                );
            let (first, second) = (one.await.unwrap(), two.await.unwrap());
            assert_eq!(
                [first.is_ok(), second.is_ok()].iter().filter(|ok| **ok).count(),
                1,
                "{first:?} {second:?}"
            );
            assert_eq!(enabled_admins(db).await, 1);
            users::Entity::delete_many()
                .filter(users::Column::Role.eq("ADMIN"))
                .exec(db)
                .await
                .unwrap();
        }
    }
}
