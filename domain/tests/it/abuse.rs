//! Abuse bounds in the domain: shared rate limits, the password-hashing gate,
//! quotas and fair claiming, on every backend the run has.

#![allow(clippy::unwrap_used)]

use chrono::{Duration, TimeZone, Utc};
use domain::clock::ManualClock;
use domain::ratelimit::{prune, Limit, RateLimiter, RetryAfter};

const LIMIT: Limit = Limit::new("test", 3, 60);

#[tokio::test]
async fn a_key_is_refused_beyond_its_limit_until_the_window_ends() {
    for test_db in domain::testing::all_backends().await {
        let clock = ManualClock::at(Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 10).unwrap());
        let limiter = RateLimiter::new(test_db.db.clone(), clock.clock());
        for _ in 0..3 {
            assert_eq!(limiter.take(&LIMIT, "k").await.unwrap(), Ok(()));
        }
        assert_eq!(limiter.take(&LIMIT, "k").await.unwrap(), Err(RetryAfter(50)));
        assert_eq!(limiter.check(&LIMIT, "k").await.unwrap(), Err(RetryAfter(50)));
        assert_eq!(limiter.check(&LIMIT, "other").await.unwrap(), Ok(()), "keys apart");
        clock.advance(Duration::seconds(50));
        assert_eq!(limiter.check(&LIMIT, "k").await.unwrap(), Ok(()), "a new window");
        limiter.hit(&LIMIT, "k").await.unwrap();
        limiter.reset(&LIMIT, "k").await.unwrap();
        assert_eq!(limiter.count(&LIMIT, "k").await.unwrap(), 0);
    }
}

#[tokio::test]
async fn two_limiters_on_one_database_share_their_counts() {
    for test_db in domain::testing::all_backends().await {
        let clock = ManualClock::at(Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap());
        let one = RateLimiter::new(test_db.db.clone(), clock.clock());
        let other = RateLimiter::new(test_db.db.clone(), clock.clock());
        one.hit(&LIMIT, "k").await.unwrap();
        other.hit(&LIMIT, "k").await.unwrap();
        one.hit(&LIMIT, "k").await.unwrap();
        assert!(other.check(&LIMIT, "k").await.unwrap().is_err());
        clock.advance(Duration::days(2));
        assert_eq!(prune(&test_db.db, clock.clock().now()).await.unwrap(), 1);
    }
}

mod accounts {
    use std::time::{Duration, Instant};

    use domain::accounts::gate::HashGate;
    use domain::accounts::throttle::AccountLimits;
    use domain::accounts::TokenKeys;
    use domain::accounts::{
        AccountError, AccountService, ClientInfo, PasswordHasher, SignupPolicy,
    };
    use domain::ratelimit::Limit;

    fn service(db: &domain::DatabaseConnection, policy: SignupPolicy) -> AccountService {
        let keys = TokenKeys::from_secret(b"test-secret-test-secret-test-secret-0123").unwrap();
        AccountService::new(db.clone(), keys, policy)
    }

    fn client(ip: &str) -> ClientInfo {
        ClientInfo { ip: Some(ip.into()), user_agent: None }
    }

    #[tokio::test]
    async fn an_invitation_is_checked_before_any_password_is_hashed() {
        let test_db = domain::testing::sqlite().await;
        // One hashing slot, no queue: any hash while it is held is refused.
        let hasher = PasswordHasher::new().with_gate(HashGate::new(1, 0));
        let _held = hasher.gate().enter().await.unwrap();
        let invite = service(&test_db.db, SignupPolicy::Invite).with_hasher(hasher.clone());
        let err = invite
            .signup("eve@example.org", "long enough", Some("inv_forged"), &client("192.0.2.1"))
            .await
            .unwrap_err();
        assert!(matches!(err, AccountError::InvitationRequired), "{err:?}");
        // The same gate does stand in front of an open sign-up's hash.
        let open = service(&test_db.db, SignupPolicy::Open).with_hasher(hasher);
        let err = open
            .signup("eve@example.org", "long enough", None, &client("192.0.2.1"))
            .await
            .unwrap_err();
        assert!(matches!(err, AccountError::Busy { .. }), "{err:?}");
    }

    #[tokio::test]
    async fn many_failures_slow_an_account_down_but_never_lock_its_owner_out() {
        for test_db in domain::testing::all_backends().await {
            let limits = AccountLimits {
                signin_per_account_client: Limit::new("signin.account_client", 2, 300),
                signin_per_account: Limit::new("signin.account", 3, 900),
                slow_down: Duration::from_secs(2),
                ..AccountLimits::default()
            };
            let accounts = service(&test_db.db, SignupPolicy::Open).with_limits(limits);
            let owner = client("198.51.100.7");
            accounts.signup("olga@example.org", "the right one", None, &owner).await.unwrap();
            for attacker in ["203.0.113.1", "203.0.113.2"] {
                for _ in 0..2 {
                    let err = accounts
                        .signin("olga@example.org", "a wrong one", &client(attacker))
                        .await
                        .unwrap_err();
                    assert!(matches!(err, AccountError::WrongCredentials), "{err:?}");
                }
                let err = accounts
                    .signin("olga@example.org", "the right one", &client(attacker))
                    .await
                    .unwrap_err();
                assert!(matches!(err, AccountError::Throttled { .. }), "attacker blocked: {err:?}");
            }
            let started = Instant::now();
            accounts
                .signin("Olga@example.org", "the right one", &owner)
                .await
                .expect("the owner signs in from their own client");
            assert!(started.elapsed() >= Duration::from_secs(2), "but is slowed down");
        }
    }
}

mod claiming {
    use chrono::{Duration, Utc};
    use domain::accounts::Role;
    use domain::entities::{monitors, users};
    use domain::pipeline::claim_due;
    use domain::DatabaseConnection;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    use uuid::Uuid;

    /// A monitor of `owner` due `ago` seconds ago: a past due time the
    /// service never sets, hence the row by hand.
    async fn due_monitor(db: &DatabaseConnection, owner: Uuid, ago: i64) -> Uuid {
        let id = Uuid::now_v7();
        let due = domain::pipeline::scheduling::to_millis(Utc::now() - Duration::seconds(ago));
        monitors::ActiveModel {
            id: Set(id),
            owner_id: Set(owner),
            name: Set("site".into()),
            kind: Set(kinds::MonitorKind::Http),
            target: Set(format!("https://example.org/{id}")),
            config: Set(r#"{"url":"https://example.org/"}"#.into()),
            interval_seconds: Set(60),
            timeout_ms: Set(1000),
            confirmations: Set(1),
            recoveries: Set(1),
            paused: Set(false),
            next_check_at: Set(due),
            created_at: Set(due),
            updated_at: Set(due),
            secret: Set(None),
        }
        .insert(db)
        .await
        .unwrap();
        id
    }

    #[tokio::test]
    async fn one_users_backlog_does_not_delay_another_users_check() {
        for test_db in domain::testing::all_backends().await {
            let db = &test_db.db;
            let busy = domain::testing::user(db, Role::User).await.user_id;
            let quiet = domain::testing::user(db, Role::User).await.user_id;
            for i in 0..30 {
                due_monitor(db, busy, 100 + i).await;
            }
            // Due after every one of the backlog's monitors.
            let lone = due_monitor(db, quiet, 1).await;
            let claimed = claim_due(db, Utc::now(), 5).await.unwrap();
            assert_eq!(claimed.len(), 5);
            assert!(
                claimed.iter().any(|c| c.monitor_id == lone),
                "the quiet user's monitor is in the first round on {}",
                test_db.url
            );
        }
    }

    #[tokio::test]
    async fn a_disabled_users_monitors_are_not_claimed_until_re_enabled() {
        for test_db in domain::testing::all_backends().await {
            let db = &test_db.db;
            let owner = domain::testing::user(db, Role::User).await.user_id;
            let id = due_monitor(db, owner, 5).await;
            let set_disabled = |disabled: bool| {
                users::Entity::update_many()
                    .col_expr(users::Column::Disabled, Expr::value(disabled))
                    .filter(users::Column::Id.eq(owner))
                    .exec(db)
            };
            set_disabled(true).await.unwrap();
            assert!(claim_due(db, Utc::now(), 100).await.unwrap().is_empty());
            set_disabled(false).await.unwrap();
            let claimed = claim_due(db, Utc::now(), 100).await.unwrap();
            assert_eq!(claimed.iter().map(|c| c.monitor_id).collect::<Vec<_>>(), [id]);
        }
    }
}

mod quotas {
    use domain::accounts::Role;
    use domain::channels::EncryptionKey;
    use domain::monitors::{HttpSpec, MonitorError, MonitorInput, MonitorService, Write};
    use domain::quotas::{Quota, Quotas};

    fn input(interval: Option<i64>) -> MonitorInput {
        MonitorInput {
            http: Some(HttpSpec::get("https://example.org/").unwrap().into()),
            interval_seconds: interval,
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn a_user_meets_the_monitor_quota_and_the_minimum_interval_and_admins_do_not() {
        for test_db in domain::testing::all_backends().await {
            let db = &test_db.db;
            let quotas = Quotas { monitors: 2, min_interval_secs: 30, ..Quotas::default() };
            let service =
                MonitorService::new(db.clone(), &EncryptionKey::generate()).with_quotas(quotas);
            let user = domain::testing::user(db, Role::User).await;
            let admin = domain::testing::user(db, Role::Admin).await;
            match service.create(&user, input(Some(10))).await.unwrap_err() {
                MonitorError::Invalid(spec) => {
                    assert_eq!(spec.field, "interval_seconds");
                    assert!(spec.message.contains("at least 30 seconds"), "{}", spec.message);
                }
                other => panic!("expected the interval refused, got {other:?}"),
            }
            let first = service.create(&user, input(None)).await.unwrap();
            service.create(&user, input(Some(30))).await.unwrap();
            match service.create(&user, input(None)).await.unwrap_err() {
                MonitorError::Quota(quota) => {
                    assert_eq!((quota.quota, quota.limit), (Quota::Monitors, 2));
                    assert!(quota.to_string().contains("--max-monitors-per-user"));
                }
                other => panic!("expected the quota, got {other:?}"),
            }
            let patch = MonitorInput { interval_seconds: Some(5), ..Default::default() };
            let first = service.authorize(&user, first.id, Write).await.unwrap();
            assert!(service.update(first, patch).await.is_err(), "no way round by patch");
            for _ in 0..3 {
                service.create(&admin, input(Some(5))).await.expect("admins are exempt");
            }
        }
    }
}

mod disabled_owner {
    use domain::accounts::Role;
    use domain::channels::{
        ChannelError, ChannelInput, ChannelKind, ChannelService, EncryptionKey, WebhookInput,
    };
    use domain::entities::users;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    #[tokio::test]
    async fn a_disabled_owners_channels_send_nothing_until_re_enabled() {
        for test_db in domain::testing::all_backends().await {
            let db = &test_db.db;
            let service = ChannelService::new(db.clone(), &EncryptionKey::generate());
            let owner = domain::testing::user(db, Role::User).await;
            let input = ChannelInput {
                name: "Pager".into(),
                kind: ChannelKind::Webhook,
                slack: None,
                webhook: Some(WebhookInput {
                    url: "https://example.org/hook".into(),
                    secret: None,
                }),
                email: None,
            };
            let (view, _) = service.create(&owner, input).await.unwrap();
            let set_disabled = |disabled: bool| {
                users::Entity::update_many()
                    .col_expr(users::Column::Disabled, Expr::value(disabled))
                    .filter(users::Column::Id.eq(owner.user_id))
                    .exec(db)
            };
            set_disabled(true).await.unwrap();
            match service.load_for_delivery(view.id).await {
                Err(ChannelError::Forbidden(reason)) => {
                    assert!(reason.contains("owner is disabled"), "{reason}")
                }
                other => panic!("expected a refusal naming the disabled owner, got {other:?}"),
            }
            set_disabled(false).await.unwrap();
            assert!(service.load_for_delivery(view.id).await.is_ok());
        }
    }
}

mod remote_text {
    use chrono::Utc;
    use domain::accounts::Role;
    use domain::entities::{checks, monitor_state, notifications};
    use domain::monitors::Status;
    use domain::pipeline::notifications::{finish_attempt, Outcome};
    use domain::pipeline::{record_result, record_results, CheckResult};
    use domain::text::REMOTE_TEXT_MAX;
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    use uuid::Uuid;

    /// What a hostile target might answer: long, with a forged log line.
    fn hostile() -> String {
        format!("502 from upstream\nINFO admin signed in{}", "A".repeat(20_000))
    }

    fn result(monitor_id: Uuid, slot: i64) -> CheckResult {
        CheckResult {
            monitor_id,
            slot,
            checked_at: Utc::now(),
            status: Status::Down,
            latency_ms: None,
            http_status: Some(502),
            error: Some(hostile()),
            region: "default".into(),
            // A version string is the server's to make up; an excerpt is
            // bounded where it is made, and again where it is stored.
            http: Some(domain::probe::HttpFacts {
                http_version: Some(hostile()),
                excerpt: Some(hostile()),
                ..Default::default()
            }),
        }
    }

    fn bounded(stored: Option<String>) {
        let stored = stored.expect("an error is stored");
        assert!(stored.chars().count() <= REMOTE_TEXT_MAX, "{} characters", stored.len());
        assert!(!stored.contains('\n'), "on one line");
    }

    #[tokio::test]
    async fn remote_text_is_cut_before_it_is_stored() {
        for test_db in domain::testing::all_backends().await {
            let db = &test_db.db;
            let owner = domain::testing::user(db, Role::User).await;
            let monitor = domain::testing::http_monitor(db, &owner, "hostile").await;
            record_result(db, &result(monitor, 1_000)).await.unwrap();
            record_results(db, &[result(monitor, 2_000)]).await.unwrap();
            for check in checks::Entity::find().all(db).await.unwrap() {
                bounded(check.error);
                assert!(check.http_version.is_some_and(|v| v.chars().count() <= 8));
                let excerpt = check.excerpt.expect("the excerpt is kept");
                assert!(excerpt.len() <= domain::probe::EXCERPT_MAX, "{} bytes", excerpt.len());
            }
            let state = monitor_state::Entity::find_by_id(monitor).one(db).await.unwrap().unwrap();
            bounded(state.last_error);

            // A delivery in flight, by hand: the attempt's error is what is checked.
            let id = Uuid::now_v7();
            notifications::ActiveModel {
                id: Set(id),
                monitor_id: Set(monitor),
                incident_id: Set(None),
                channel_id: Set(None),
                event: Set(kinds::NotificationEvent::Down),
                prev_status: Set(None),
                current_status: Set(Some("down".into())),
                channel: Set(kinds::ChannelKind::Webhook),
                recipient: Set("hook".into()),
                delivery_status: Set(kinds::DeliveryStatus::Sending),
                attempts: Set(1),
                last_error: Set(None),
                region: Set("default".into()),
                created_at: Set(Utc::now()),
                next_attempt_at: Set(None),
                sent_at: Set(None),
                detail: Set(None),
            }
            .insert(db)
            .await
            .unwrap();
            finish_attempt(db, id, &Outcome::Failed { error: hostile() }).await.unwrap();
            let row = notifications::Entity::find_by_id(id).one(db).await.unwrap().unwrap();
            bounded(row.last_error);
        }
    }
}
