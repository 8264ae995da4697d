//! The channel service on SQLite and Postgres: what the notifier gets back
//! is what the user gave, patches keep secrets they do not replace, and
//! another key cannot open what this one sealed.

#![allow(clippy::unwrap_used)]

use domain::accounts::Role;
use domain::channels::{
    ChannelError, ChannelInput, ChannelKind, ChannelPatch, ChannelScope, ChannelService,
    EncryptionKey, Target, WebhookInput,
};
use domain::testing;
use uuid::Uuid;

fn webhook(secret: Option<&str>) -> ChannelInput {
    ChannelInput {
        name: "Pager".into(),
        kind: ChannelKind::Webhook,
        slack: None,
        webhook: Some(WebhookInput {
            url: "https://example.org/hooks/abc123".into(),
            secret: secret.map(str::to_owned),
        }),
        email: None,
    }
}

#[tokio::test]
async fn the_notifier_gets_the_decrypted_target_the_user_gave() {
    for test_db in domain::testing::all_backends().await {
        let service = ChannelService::new(test_db.db.clone(), &EncryptionKey::generate());
        let owner = testing::user(&test_db.db, Role::User).await;
        let (view, generated) = service.create(&owner, webhook(None)).await.unwrap();
        let generated = generated.expect("a generated secret");

        let channel = service.load_for_delivery(view.id).await.unwrap();
        assert_eq!(channel.name, "Pager");
        assert_eq!(channel.owner_id, owner.user_id);
        assert_eq!(
            channel.target,
            Target::Webhook { url: "https://example.org/hooks/abc123".into(), secret: generated }
        );
        assert_eq!(channel.recipient(), "https://example.org/…c123");
        assert!(matches!(
            service.load_for_delivery(Uuid::new_v4()).await,
            Err(ChannelError::NotFound)
        ));
    }
}

#[tokio::test]
async fn renaming_keeps_the_secret_and_a_new_secret_replaces_it() {
    for test_db in domain::testing::all_backends().await {
        let service = ChannelService::new(test_db.db.clone(), &EncryptionKey::generate());
        let owner = testing::user(&test_db.db, Role::User).await;
        let (view, generated) = service.create(&owner, webhook(None)).await.unwrap();
        let rename = ChannelPatch { name: Some("Renamed".into()), ..Default::default() };
        let renamed = service.update(&owner, view.id, rename).await.unwrap();
        assert_eq!(renamed.name, "Renamed");
        assert_eq!(renamed.settings, view.settings);
        let Target::Webhook { secret, .. } =
            service.load_for_delivery(view.id).await.unwrap().target
        else {
            panic!("webhook")
        };
        assert_eq!(Some(secret), generated);

        let new_secret = domain::channels::generate_webhook_secret();
        let patch = ChannelPatch {
            webhook: Some(domain::channels::WebhookPatch {
                url: None,
                secret: Some(new_secret.clone()),
            }),
            ..Default::default()
        };
        service.update(&owner, view.id, patch).await.unwrap();
        let Target::Webhook { secret, url } =
            service.load_for_delivery(view.id).await.unwrap().target
        else {
            panic!("webhook")
        };
        assert_eq!((secret, url.as_str()), (new_secret, "https://example.org/hooks/abc123"));
    }
}

#[tokio::test]
async fn another_key_cannot_open_stored_secrets() {
    let test_db = domain::testing::sqlite().await;
    let owner = testing::user(&test_db.db, Role::User).await;
    let sealed_with = ChannelService::new(test_db.db.clone(), &EncryptionKey::generate());
    let (view, _) = sealed_with.create(&owner, webhook(None)).await.unwrap();
    let other = ChannelService::new(test_db.db.clone(), &EncryptionKey::generate());
    assert!(matches!(other.load_for_delivery(view.id).await, Err(ChannelError::Undecryptable(_))));
    assert_eq!(other.get(&owner, view.id).await.unwrap().name, "Pager", "masked views still read");
}

#[tokio::test]
async fn users_see_their_own_channels_and_admins_may_see_all() {
    let test_db = domain::testing::sqlite().await;
    let service = ChannelService::new(test_db.db.clone(), &EncryptionKey::generate());
    let alice = testing::user(&test_db.db, Role::User).await;
    let bob = testing::user(&test_db.db, Role::User).await;
    let admin = testing::user(&test_db.db, Role::Admin).await;
    let (view, _) = service.create(&alice, webhook(None)).await.unwrap();
    assert!(service.list(&bob, ChannelScope::Own).await.unwrap().is_empty());
    assert!(matches!(service.list(&bob, ChannelScope::All).await, Err(ChannelError::Forbidden(_))));
    assert!(matches!(service.delete(&bob, view.id).await, Err(ChannelError::Forbidden(_))));
    assert_eq!(service.list(&admin, ChannelScope::All).await.unwrap().len(), 1);
    service.delete(&admin, view.id).await.unwrap();
    assert!(service.list(&alice, ChannelScope::Own).await.unwrap().is_empty());
}
