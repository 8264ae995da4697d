//! What a channel is made of: its kind, the input users send, the parsed
//! delivery target (secret, stored encrypted) and its masked display (stored
//! in clear). Parsing names the field at fault.

use serde::{Deserialize, Serialize};

use super::fields::{
    generate_webhook_secret, mask_secret, mask_url, recipients, slack_url, webhook_secret,
    webhook_url,
};
use super::ChannelError;

/// Where a channel delivers: one definition, shared with the browser (`kinds`).
pub use kinds::ChannelKind;

/// A new channel as a user describes it: the block matching `kind` is required.
#[derive(Debug, Clone)]
pub struct ChannelInput {
    pub name: String,
    pub kind: ChannelKind,
    pub slack: Option<SlackInput>,
    pub webhook: Option<WebhookInput>,
    pub email: Option<EmailInput>,
}

/// A Slack incoming webhook.
#[derive(Debug, Clone)]
pub struct SlackInput {
    pub webhook_url: String,
}

/// A generic webhook; the signing secret is generated when absent.
#[derive(Debug, Clone)]
pub struct WebhookInput {
    pub url: String,
    pub secret: Option<String>,
}

/// Email recipients.
#[derive(Debug, Clone)]
pub struct EmailInput {
    pub to: Vec<String>,
}

/// Changes to a channel; absent fields stay. A value equal to its masked
/// display also stays, so clients may send back what they read.
#[derive(Debug, Clone, Default)]
pub struct ChannelPatch {
    pub name: Option<String>,
    /// Accepted when it names the current kind (clients may send back what they read).
    pub kind: Option<ChannelKind>,
    pub slack: Option<SlackPatch>,
    pub webhook: Option<WebhookPatch>,
    pub email: Option<EmailInput>,
}

/// Changes to a Slack channel.
#[derive(Debug, Clone, Default)]
pub struct SlackPatch {
    pub webhook_url: Option<String>,
}

/// Changes to a webhook channel: a new URL, a new signing secret, or both.
#[derive(Debug, Clone, Default)]
pub struct WebhookPatch {
    pub url: Option<String>,
    pub secret: Option<String>,
}

/// Where and how to deliver, in full: stored only encrypted.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Target {
    Slack { webhook_url: String },
    Webhook { url: String, secret: String },
    Email { to: Vec<String> },
}

// Secrets must not reach logs through `{:?}`.
impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Target({:?})", self.display())
    }
}

/// A target as it may be shown: URLs and secrets masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ChannelDisplay {
    Slack { webhook_url: String },
    Webhook { url: String, secret: String },
    Email { to: Vec<String> },
}

impl Target {
    /// The channel kind this target belongs to.
    pub fn kind(&self) -> ChannelKind {
        match self {
            Self::Slack { .. } => ChannelKind::Slack,
            Self::Webhook { .. } => ChannelKind::Webhook,
            Self::Email { .. } => ChannelKind::Email,
        }
    }

    /// The masked form, safe to store in clear and to return.
    pub fn display(&self) -> ChannelDisplay {
        match self {
            Self::Slack { webhook_url } => {
                ChannelDisplay::Slack { webhook_url: mask_url(webhook_url) }
            }
            Self::Webhook { url, secret } => {
                ChannelDisplay::Webhook { url: mask_url(url), secret: mask_secret(secret) }
            }
            Self::Email { to } => ChannelDisplay::Email { to: to.clone() },
        }
    }

    /// Parses a new channel's block. Returns the target and, when the webhook
    /// secret was generated here, that secret (to show once).
    pub fn parse(input: &ChannelInput) -> Result<(Self, Option<String>), ChannelError> {
        let kind = input.kind.as_str();
        for (block, given) in [
            (ChannelKind::Slack, input.slack.is_some()),
            (ChannelKind::Webhook, input.webhook.is_some()),
            (ChannelKind::Email, input.email.is_some()),
        ] {
            if given && block != input.kind {
                return Err(ChannelError::invalid(
                    block.as_str(),
                    format!("only the `{kind}` block may be given for a {kind} channel"),
                ));
            }
        }
        let missing = || ChannelError::invalid(kind, format!("is required when kind is {kind}"));
        match input.kind {
            ChannelKind::Slack => {
                let slack = input.slack.as_ref().ok_or_else(missing)?;
                Ok((Self::Slack { webhook_url: slack_url(&slack.webhook_url)? }, None))
            }
            ChannelKind::Webhook => {
                let hook = input.webhook.as_ref().ok_or_else(missing)?;
                let url = webhook_url(&hook.url)?;
                match &hook.secret {
                    Some(secret) => {
                        Ok((Self::Webhook { url, secret: webhook_secret(secret)? }, None))
                    }
                    None => {
                        let secret = generate_webhook_secret();
                        Ok((Self::Webhook { url, secret: secret.clone() }, Some(secret)))
                    }
                }
            }
            ChannelKind::Email => {
                let email = input.email.as_ref().ok_or_else(missing)?;
                Ok((Self::Email { to: recipients(&email.to)? }, None))
            }
        }
    }

    /// Applies a patch's blocks; a block for another kind is refused.
    pub fn patched(&self, patch: &ChannelPatch) -> Result<Self, ChannelError> {
        let kind = self.kind();
        if patch.kind.is_some_and(|asked| asked != kind) {
            return Err(ChannelError::invalid(
                "kind",
                format!("this is a {} channel; its kind cannot change", kind.as_str()),
            ));
        }
        let wrong = |block: ChannelKind| {
            ChannelError::invalid(
                block.as_str(),
                format!("this is a {} channel; its kind cannot change", kind.as_str()),
            )
        };
        // A masked value sent back unchanged keeps the stored one.
        let changed = |new: &Option<String>, masked: String| {
            new.as_ref().filter(|value| value.as_str() != masked).cloned()
        };
        match self {
            Self::Slack { webhook_url } => {
                if patch.webhook.is_some() {
                    return Err(wrong(ChannelKind::Webhook));
                }
                if patch.email.is_some() {
                    return Err(wrong(ChannelKind::Email));
                }
                let new = patch
                    .slack
                    .as_ref()
                    .and_then(|slack| changed(&slack.webhook_url, mask_url(webhook_url)));
                Ok(Self::Slack {
                    webhook_url: match new {
                        Some(url) => slack_url(&url)?,
                        None => webhook_url.clone(),
                    },
                })
            }
            Self::Webhook { url, secret } => {
                if patch.slack.is_some() {
                    return Err(wrong(ChannelKind::Slack));
                }
                if patch.email.is_some() {
                    return Err(wrong(ChannelKind::Email));
                }
                let hook = patch.webhook.clone().unwrap_or_default();
                let new_url = changed(&hook.url, mask_url(url));
                let new_secret = changed(&hook.secret, mask_secret(secret));
                Ok(Self::Webhook {
                    url: match new_url {
                        Some(new) => webhook_url(&new)?,
                        None => url.clone(),
                    },
                    secret: match new_secret {
                        Some(new) => webhook_secret(&new)?,
                        None => secret.clone(),
                    },
                })
            }
            Self::Email { to } => {
                if patch.slack.is_some() {
                    return Err(wrong(ChannelKind::Slack));
                }
                if patch.webhook.is_some() {
                    return Err(wrong(ChannelKind::Webhook));
                }
                Ok(Self::Email {
                    to: match &patch.email {
                        Some(email) => recipients(&email.to)?,
                        None => to.clone(),
                    },
                })
            }
        }
    }
}

#[cfg(test)]
#[path = "spec_tests.rs"]
mod tests;
