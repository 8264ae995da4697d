//! Channels made through [`ChannelService`], like monitors through
//! [`super::MonitorBuilder`].

use sea_orm::DatabaseConnection;
use serde_json::{json, Value};

use crate::accounts::Principal;
use crate::channels::{
    ChannelError, ChannelInput, ChannelKind, ChannelService, ChannelView, EmailInput,
    EncryptionKey, SlackInput, WebhookInput,
};

/// A channel to create; the name is unique unless set.
#[derive(Clone)]
pub struct ChannelBuilder {
    input: ChannelInput,
    key: Option<EncryptionKey>,
}

impl ChannelBuilder {
    fn with(kind: ChannelKind) -> Self {
        let name = format!("channel {}", uuid::Uuid::new_v4().simple());
        let input = ChannelInput { name, kind, slack: None, webhook: None, email: None };
        Self { input, key: None }
    }

    /// A Slack incoming webhook at `url`.
    pub fn slack(url: &str) -> Self {
        let mut builder = Self::with(ChannelKind::Slack);
        builder.input.slack = Some(SlackInput { webhook_url: url.into() });
        builder
    }

    /// A webhook to `url`, its signing secret generated.
    pub fn webhook(url: &str) -> Self {
        let mut builder = Self::with(ChannelKind::Webhook);
        builder.input.webhook = Some(WebhookInput { url: url.into(), secret: None });
        builder
    }

    /// Email to `to`.
    pub fn email(to: &[&str]) -> Self {
        let mut builder = Self::with(ChannelKind::Email);
        let to = to.iter().map(|address| (*address).to_owned()).collect();
        builder.input.email = Some(EmailInput { to });
        builder
    }

    pub fn name(mut self, name: &str) -> Self {
        name.clone_into(&mut self.input.name);
        self
    }

    /// The webhook's signing secret, instead of a generated one.
    pub fn secret(mut self, secret: &str) -> Self {
        if let Some(webhook) = self.input.webhook.as_mut() {
            webhook.secret = Some(secret.into());
        }
        self
    }

    /// The key that seals the channel's target; a new one if not given.
    pub fn key(mut self, key: &EncryptionKey) -> Self {
        self.key = Some(key.clone());
        self
    }

    /// The body of `POST /api/v1/channels` for the same channel.
    pub fn json(&self) -> Value {
        let input = &self.input;
        let mut body = json!({ "name": input.name, "kind": input.kind.as_str() });
        if let Some(slack) = &input.slack {
            body["slack"] = json!({ "webhook_url": slack.webhook_url });
        }
        if let Some(webhook) = &input.webhook {
            body["webhook"] = json!({ "url": webhook.url });
            if let Some(secret) = &webhook.secret {
                body["webhook"]["secret"] = json!(secret);
            }
        }
        if let Some(email) = &input.email {
            body["email"] = json!({ "to": email.to });
        }
        body
    }

    /// Creates the channel through [`ChannelService::create`]; the error a
    /// client would get, for tests of refusals.
    pub async fn try_create(
        self,
        db: &DatabaseConnection,
        owner: &Principal,
    ) -> Result<ChannelView, ChannelError> {
        let key = self.key.unwrap_or_else(EncryptionKey::generate);
        let service = ChannelService::new(db.clone(), &key);
        service.create(owner, self.input).await.map(|(view, _)| view)
    }

    /// Creates the channel, panicking (the test fails) if the service refuses.
    pub async fn create(self, db: &DatabaseConnection, owner: &Principal) -> ChannelView {
        self.try_create(db, owner).await.expect("create the channel through the service")
    }
}
