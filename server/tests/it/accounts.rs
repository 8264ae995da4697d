//! The RunState v1 account contract, on SQLite and on Postgres + Redis:
//! sign-up, sign-in, tokens, refresh rotation, logout, roles, the browser
//! cookie session and its cross-site guard, throttling and the audit log.

#![allow(clippy::unwrap_used)]

use crate::support;

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use support::{spawn_all, spawn_each, spawn_sqlite, Spawn, ADMIN_EMAIL, JWT_SECRET};

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn signup_is_201_and_a_duplicate_email_in_any_case_is_409() {
    for app in spawn_all().await {
        let (status, body) = app
            .post(
                "/api/v1/signup",
                json!({"email": "Alice@Example.org", "password": PASSWORD}),
                None,
            )
            .await;
        assert_eq!(status, 201, "{}: {body}", app.backend);
        assert_eq!(body["success"], true);
        assert_eq!(body["data"]["email"], "alice@example.org");
        assert_eq!(body["data"]["role"], "USER");
        assert!(uuid::Uuid::parse_str(body["data"]["id"].as_str().unwrap()).is_ok());

        let (status, body) = app
            .post(
                "/api/v1/signup",
                json!({"email": "ALICE@example.org", "password": PASSWORD}),
                None,
            )
            .await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["success"], false);
        assert_eq!(body["code"], "conflict");
    }
}

#[tokio::test]
async fn signup_refuses_a_bad_email_or_weak_password_with_the_rule() {
    let app = spawn_sqlite(Spawn::default()).await;
    let (status, body) = app
        .post("/api/v1/signup", json!({"email": "not-an-email", "password": PASSWORD}), None)
        .await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("invalid email"), "{body}");

    let (status, body) = app
        .post("/api/v1/signup", json!({"email": "bob@example.org", "password": "short"}), None)
        .await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("at least 8 characters"), "{body}");

    let (status, body) =
        app.post("/api/v1/signup", json!({"email": "bob@example.org"}), None).await;
    assert_eq!(status, 400, "a missing field is a 400: {body}");
    assert_eq!(body["success"], false);

    let response = app
        .client
        .post(app.url("/api/v1/signup"))
        .header("content-type", "application/json")
        .body("{\"email\": \"bob@")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("malformed JSON"), "{body}");
}

#[tokio::test]
async fn signin_returns_a_token_pair_that_opens_me() {
    for app in spawn_all().await {
        app.signup("carol@example.org", PASSWORD).await;
        let (status, body) = app
            .post(
                "/api/v1/signin",
                json!({"email": "CAROL@example.org", "password": PASSWORD}),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let access = body["data"]["access_token"].as_str().unwrap();
        assert!(
            body["data"]["refresh_token"].as_str().unwrap().len() >= 43,
            "256-bit refresh token"
        );
        let (status, me) = app.get("/api/v1/me", Some(access)).await;
        assert_eq!(status, 200, "{me}");
        assert_eq!(me["data"]["email"], "carol@example.org");
        assert_eq!(me["data"]["role"], "USER");
    }
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_401() {
    let app = spawn_sqlite(Spawn::default()).await;
    app.signup("dave@example.org", PASSWORD).await;
    let (s1, wrong) = app
        .post("/api/v1/signin", json!({"email": "dave@example.org", "password": "nope-nope"}), None)
        .await;
    let (s2, unknown) = app
        .post("/api/v1/signin", json!({"email": "eve@example.org", "password": "nope-nope"}), None)
        .await;
    assert_eq!((s1, s2), (401, 401));
    assert_eq!(wrong["error"], unknown["error"]);
}

fn forge(claims: Value, alg: Algorithm, secret: &[u8]) -> String {
    encode(&Header::new(alg), &claims, &EncodingKey::from_secret(secret)).unwrap()
}

#[tokio::test]
async fn me_is_401_without_a_valid_token() {
    let app = spawn_sqlite(Spawn::default()).await;
    let id = app.signup("frank@example.org", PASSWORD).await;
    let (access, _) = app.signin("frank@example.org", PASSWORD).await;
    let sid: String = {
        use base64::Engine;
        let payload = access.split('.').nth(1).unwrap();
        let claims: Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap(),
        )
        .unwrap();
        claims["sid"].as_str().unwrap().to_owned()
    };
    let now = chrono::Utc::now().timestamp();
    let claims = |iss: &str, aud: &str, iat: i64, exp: i64| json!({"sub": id, "role": "ADMIN", "sid": sid, "ver": 0, "iss": iss, "aud": aud, "iat": iat, "nbf": iat, "exp": exp});
    let good = forge(
        claims("runstate", "runstate-api", now, now + 600),
        Algorithm::HS256,
        JWT_SECRET.as_bytes(),
    );
    assert_eq!(app.get("/api/v1/me", Some(&good)).await.0, 200, "the forging itself must be right");

    let mut tampered = access.clone();
    tampered.replace_range(tampered.len() - 4.., "AAAA");
    let alg_none = {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.",
            b64.encode(br#"{"alg":"none","typ":"JWT"}"#),
            b64.encode(claims("runstate", "runstate-api", now, now + 600).to_string())
        )
    };
    let cases = [
        (
            "expired",
            forge(
                claims("runstate", "runstate-api", now - 3600, now - 1200),
                Algorithm::HS256,
                JWT_SECRET.as_bytes(),
            ),
        ),
        (
            "wrong issuer",
            forge(
                claims("someone-else", "runstate-api", now, now + 600),
                Algorithm::HS256,
                JWT_SECRET.as_bytes(),
            ),
        ),
        (
            "wrong audience",
            forge(
                claims("runstate", "other-api", now, now + 600),
                Algorithm::HS256,
                JWT_SECRET.as_bytes(),
            ),
        ),
        (
            "wrong key",
            forge(
                claims("runstate", "runstate-api", now, now + 600),
                Algorithm::HS256,
                b"a-different-secret-a-different-secret",
            ),
        ),
        ("tampered", tampered),
        ("alg none", alg_none),
        ("malformed", "not.a.jwt".to_owned()),
    ];
    let (status, body) = app.get("/api/v1/me", None).await;
    assert_eq!(status, 401, "no token: {body}");
    assert_eq!(body["success"], false);
    let response = app
        .client
        .get(app.url("/api/v1/me"))
        .header("authorization", "Basic Zm9vOmJhcg==")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401, "a non-bearer scheme");
    for (name, token) in cases {
        let (status, body) = app.get("/api/v1/me", Some(&token)).await;
        assert_eq!(status, 401, "{name}: {body}");
        assert_eq!(body["code"], "unauthorized", "{name}");
    }
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_token_revokes_its_family() {
    for app in spawn_all().await {
        app.signup("grace@example.org", PASSWORD).await;
        let (_, first) = app.signin("grace@example.org", PASSWORD).await;
        let (status, body) =
            app.post("/api/v1/auth/refresh", json!({"refresh_token": first}), None).await;
        assert_eq!(status, 200, "{body}");
        let second = body["data"]["refresh_token"].as_str().unwrap().to_owned();
        let access = body["data"]["access_token"].as_str().unwrap().to_owned();
        assert_ne!(second, first);
        assert_eq!(app.get("/api/v1/me", Some(&access)).await.0, 200);

        let (status, body) =
            app.post("/api/v1/auth/refresh", json!({"refresh_token": first}), None).await;
        assert_eq!(status, 401, "reuse must be refused: {body}");
        let (status, _) =
            app.post("/api/v1/auth/refresh", json!({"refresh_token": second}), None).await;
        assert_eq!(status, 401, "the family must be revoked after reuse on {}", app.backend);
        assert_eq!(app.get("/api/v1/me", Some(&access)).await.0, 401, "its access tokens end too");

        let reuses = domain::entities::audit_log::Entity::find()
            .filter(domain::entities::audit_log::Column::Action.eq("auth.refresh_token_reused"))
            .count(&app.db.db)
            .await
            .unwrap();
        assert_eq!(reuses, 1, "the reuse is audited");
    }
}

#[tokio::test]
async fn logout_revokes_the_family() {
    for app in spawn_all().await {
        app.signup("heidi@example.org", PASSWORD).await;
        let (access, refresh) = app.signin("heidi@example.org", PASSWORD).await;
        let (status, body) =
            app.post("/api/v1/auth/logout", json!({"refresh_token": refresh}), None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["success"], true);
        assert_eq!(
            app.post("/api/v1/auth/refresh", json!({"refresh_token": refresh}), None).await.0,
            401
        );
        assert_eq!(app.get("/api/v1/me", Some(&access)).await.0, 401);
        let (status, _) =
            app.post("/api/v1/auth/logout", json!({"refresh_token": "made-up"}), None).await;
        assert_eq!(status, 401);
    }
}

#[tokio::test]
async fn admin_routes_are_403_for_users_and_an_array_for_admins() {
    for app in spawn_all().await {
        app.signup("ivan@example.org", PASSWORD).await;
        let (user, _) = app.signin("ivan@example.org", PASSWORD).await;
        let (status, body) = app.get("/api/v1/admin/users", Some(&user)).await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["code"], "forbidden");
        assert_eq!(app.get("/api/v1/admin/users", None).await.0, 401);

        let admin = app.admin_token().await;
        let (status, body) = app.get("/api/v1/admin/users", Some(&admin)).await;
        assert_eq!(status, 200, "{body}");
        let users = body["data"].as_array().unwrap();
        assert_eq!(users.len(), 2);
        for user in users {
            for field in ["id", "email", "role", "created_at"] {
                assert!(!user[field].is_null(), "{field} missing in {user}");
            }
        }
        assert!(users.iter().any(|u| u["email"] == ADMIN_EMAIL && u["role"] == "ADMIN"));
    }
}

#[tokio::test]
async fn disabling_a_user_or_changing_their_role_ends_their_sessions() {
    for app in spawn_all().await {
        let id = app.signup("judy@example.org", PASSWORD).await;
        let (access, refresh) = app.signin("judy@example.org", PASSWORD).await;
        let admin = app.admin_token().await;

        let patch = |body: Value| {
            let req = app
                .client
                .patch(app.url(&format!("/api/v1/admin/users/{id}")))
                .bearer_auth(&admin)
                .json(&body);
            async move {
                let response = req.send().await.unwrap();
                (response.status().as_u16(), response.json::<Value>().await.unwrap())
            }
        };
        let (status, body) = patch(json!({"role": "ADMIN"})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["role"], "ADMIN");
        assert_eq!(
            app.get("/api/v1/me", Some(&access)).await.0,
            401,
            "a role change ends sessions"
        );
        assert_eq!(
            app.post("/api/v1/auth/refresh", json!({"refresh_token": refresh}), None).await.0,
            401
        );

        let (access, _) = app.signin("judy@example.org", PASSWORD).await;
        let (status, body) = patch(json!({"disabled": true})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["disabled"], true);
        assert_eq!(
            app.get("/api/v1/me", Some(&access)).await.0,
            401,
            "a disabled user's token stops working"
        );
        let (status, _) = app
            .post(
                "/api/v1/signin",
                json!({"email": "judy@example.org", "password": PASSWORD}),
                None,
            )
            .await;
        assert_eq!(status, 403, "a disabled user cannot sign in");

        let (status, body) = patch(json!({"role": "ROOT"})).await;
        assert_eq!(status, 400, "an unknown role: {body}");
        let audited = domain::entities::audit_log::Entity::find()
            .filter(domain::entities::audit_log::Column::Action.eq("admin.user_updated"))
            .count(&app.db.db)
            .await
            .unwrap();
        assert_eq!(audited, 2);
    }
}

#[tokio::test]
async fn the_last_admin_cannot_be_demoted_and_admins_cannot_delete_themselves() {
    let app = spawn_sqlite(Spawn::default()).await;
    let admin = app.admin_token().await;
    let (_, me) = app.get("/api/v1/me", Some(&admin)).await;
    let id = me["data"]["id"].as_str().unwrap();
    let response = app
        .client
        .patch(app.url(&format!("/api/v1/admin/users/{id}")))
        .bearer_auth(&admin)
        .json(&json!({"role": "USER"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
    let response = app
        .client
        .delete(app.url(&format!("/api/v1/admin/users/{id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
}

#[tokio::test]
async fn deleting_a_user_is_audited_and_unknown_ids_are_404() {
    for app in spawn_all().await {
        let id = app.signup("ken@example.org", PASSWORD).await;
        let admin = app.admin_token().await;
        let response = app
            .client
            .delete(app.url(&format!("/api/v1/admin/users/{id}")))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let (status, _) = app
            .post("/api/v1/signin", json!({"email": "ken@example.org", "password": PASSWORD}), None)
            .await;
        assert_eq!(status, 401);
        let response = app
            .client
            .delete(app.url(&format!("/api/v1/admin/users/{id}")))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404);
        let response = app
            .client
            .delete(app.url("/api/v1/admin/users/not-a-uuid"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let audited = domain::entities::audit_log::Entity::find()
            .filter(domain::entities::audit_log::Column::Action.eq("admin.user_deleted"))
            .count(&app.db.db)
            .await
            .unwrap();
        assert_eq!(audited, 1);
    }
}

#[tokio::test]
async fn signin_is_rate_limited_per_account_with_retry_after() {
    let app = spawn_sqlite(Spawn::default()).await;
    app.signup("liam@example.org", PASSWORD).await;
    for _ in 0..5 {
        let (status, _) = app
            .post(
                "/api/v1/signin",
                json!({"email": "liam@example.org", "password": "wrong-one"}),
                None,
            )
            .await;
        assert_eq!(status, 401);
    }
    let response = app
        .client
        .post(app.url("/api/v1/signin"))
        .json(&json!({"email": "liam@example.org", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429, "even the right password waits out the lock");
    let retry: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=300).contains(&retry));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "rate_limited");
}

#[tokio::test]
async fn signin_is_rate_limited_per_client_address() {
    // The limit counts per minute of the clock. A run whose attempts straddle
    // a minute is not judged; it starts again as another client (another
    // X-Forwarded-For from the trusted proxy), so no attempt races the boundary.
    let app = spawn_sqlite(Spawn {
        args: vec!["--trusted-proxies".into(), "127.0.0.1/32".into()],
        ..Default::default()
    })
    .await;
    let minute = || chrono::Utc::now().timestamp().div_euclid(60);
    for client in 1..=3 {
        let started = minute();
        let mut statuses = Vec::new();
        for i in 0..21 {
            let email = format!("nobody{i}@example.org");
            let response = app
                .client
                .post(app.url("/api/v1/signin"))
                .header("x-forwarded-for", format!("198.51.100.{client}"))
                .json(&json!({"email": email, "password": "whatever1"}))
                .send()
                .await
                .unwrap();
            statuses.push(response.status().as_u16());
        }
        if minute() != started {
            continue; // the window turned during the run: another client, another run
        }
        assert!(statuses[..20].iter().all(|s| *s == 401), "{statuses:?}");
        assert_eq!(statuses[20], 429, "{statuses:?}");
        return;
    }
    panic!("three runs of 21 sign-ins each straddled a minute");
}

#[tokio::test]
async fn signup_policy_closed_and_invite_only() {
    let closed = spawn_sqlite(Spawn {
        args: vec!["--signup".into(), "closed".into()],
        ..Default::default()
    })
    .await;
    let (status, _) = closed
        .post("/api/v1/signup", json!({"email": "mia@example.org", "password": PASSWORD}), None)
        .await;
    assert_eq!(status, 403);

    for app in
        spawn_each(Spawn { args: vec!["--signup".into(), "invite".into()], ..Default::default() })
            .await
    {
        let (status, _) = app
            .post("/api/v1/signup", json!({"email": "mia@example.org", "password": PASSWORD}), None)
            .await;
        assert_eq!(status, 403, "no invitation");
        let admin = app.admin_token().await;
        let (status, body) = app
            .post("/api/v1/admin/invitations", json!({"email": "mia@example.org"}), Some(&admin))
            .await;
        assert_eq!(status, 201, "{body}");
        let token = body["data"]["token"].as_str().unwrap();
        let (status, _) = app
            .post(
                "/api/v1/signup",
                json!({"email": "other@example.org", "password": PASSWORD, "invitation": token}),
                None,
            )
            .await;
        assert_eq!(status, 403, "an invitation bound to another email");
        let (status, body) = app
            .post(
                "/api/v1/signup",
                json!({"email": "Mia@example.org", "password": PASSWORD, "invitation": token}),
                None,
            )
            .await;
        assert_eq!(status, 201, "{body}");
        let (status, _) = app
            .post(
                "/api/v1/signup",
                json!({"email": "mia2@example.org", "password": PASSWORD, "invitation": token}),
                None,
            )
            .await;
        assert_eq!(status, 403, "an invitation is single-use");
    }
}

/// The cookie header a browser would send after a sign-in.
fn cookie_header(set_cookies: &[String]) -> String {
    set_cookies
        .iter()
        .map(|c| c.split(';').next().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test]
async fn a_cookie_session_refreshes_itself_and_cross_site_posts_are_refused() {
    let app = spawn_sqlite(Spawn::default()).await;
    app.signup("nina@example.org", PASSWORD).await;
    // The refresh cookie alone (an expired access cookie is simply absent).
    let (_, refresh) = app.signin("nina@example.org", PASSWORD).await;
    let response = app
        .client
        .get(app.url("/api/v1/me"))
        .header("cookie", format!("rs_refresh={refresh}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "the session refreshed transparently");
    let set: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(set.len(), 2, "{set:?}");
    assert!(set.iter().all(|c| c.contains("HttpOnly") && c.contains("SameSite=Lax")));
    let cookies = cookie_header(&set);

    let cross_site = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("cookie", &cookies)
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"refresh_token": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    let no_origin = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("cookie", &cookies)
        .json(&json!({"refresh_token": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(no_origin.status(), 403, "a cookie-carrying POST without Origin is refused");
    let same_origin = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("cookie", &cookies)
        .header("origin", format!("http://{}", app.addr))
        .json(&json!({"refresh_token": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        same_origin.status(),
        401,
        "same-origin passes the guard (then the token is unknown)"
    );
}
