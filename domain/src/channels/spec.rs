//! What a channel is made of: its kind, the input users send, the parsed
//! delivery target (secret, stored encrypted) and its masked display (stored
//! in clear). Parsing names the field at fault.

use base64::Engine;
use rand::RngCore;
use serde::{Deserialize, Serialize};

use super::ChannelError;
use crate::accounts::Email;

/// Where a channel delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    Slack,
    Webhook,
    Email,
}

impl ChannelKind {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Slack => "slack",
            Self::Webhook => "webhook",
            Self::Email => "email",
        }
    }

    /// Reads a stored kind.
    pub fn from_stored(raw: &str) -> Option<Self> {
        match raw {
            "slack" => Some(Self::Slack),
            "webhook" => Some(Self::Webhook),
            "email" => Some(Self::Email),
            _ => None,
        }
    }
}

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

/// The longest name accepted.
pub const MAX_NAME_CHARS: usize = 100;
/// The longest URL accepted.
pub const MAX_URL_LEN: usize = 2048;
/// The most email recipients of one channel.
pub const MAX_RECIPIENTS: usize = 10;
/// The prefix of Standard Webhooks secrets.
pub const SECRET_PREFIX: &str = "whsec_";

/// A channel name: trimmed, 1 to 100 characters, no control characters.
pub fn channel_name(raw: &str) -> Result<String, ChannelError> {
    let name = raw.trim();
    let chars = name.chars().count();
    if chars == 0 {
        return Err(ChannelError::invalid("name", "must not be empty"));
    }
    if chars > MAX_NAME_CHARS {
        return Err(ChannelError::invalid(
            "name",
            format!("must be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(ChannelError::invalid("name", "must not contain control characters"));
    }
    Ok(name.to_owned())
}

fn parse_url(field: &str, raw: &str, schemes: &[&str]) -> Result<url::Url, ChannelError> {
    let raw = raw.trim();
    if raw.len() > MAX_URL_LEN {
        return Err(ChannelError::invalid(field, format!("must be at most {MAX_URL_LEN} bytes")));
    }
    let want = schemes.iter().map(|s| format!("{s}://")).collect::<Vec<_>>().join(" or ");
    let url = url::Url::parse(raw)
        .map_err(|err| ChannelError::invalid(field, format!("is not a valid URL ({err})")))?;
    if !schemes.contains(&url.scheme()) {
        return Err(ChannelError::invalid(field, format!("must be a {want} URL")));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ChannelError::invalid(field, "must name a host"));
    }
    Ok(url)
}

/// Slack only accepts incoming webhooks over HTTPS.
fn slack_url(raw: &str) -> Result<String, ChannelError> {
    Ok(parse_url("slack.webhook_url", raw, &["https"])?.to_string())
}

fn webhook_url(raw: &str) -> Result<String, ChannelError> {
    Ok(parse_url("webhook.url", raw, &["https", "http"])?.to_string())
}

/// A Standard Webhooks secret: `whsec_` and the base64 of 24 to 64 bytes.
fn webhook_secret(raw: &str) -> Result<String, ChannelError> {
    let field = "webhook.secret";
    let raw = raw.trim();
    let encoded = raw.strip_prefix(SECRET_PREFIX).ok_or_else(|| {
        ChannelError::invalid(field, format!("must start with `{SECRET_PREFIX}`"))
    })?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).map_err(|_| {
        ChannelError::invalid(field, format!("must be `{SECRET_PREFIX}` followed by base64"))
    })?;
    if !(24..=64).contains(&bytes.len()) {
        return Err(ChannelError::invalid(
            field,
            format!("must encode 24 to 64 bytes (it encodes {})", bytes.len()),
        ));
    }
    Ok(raw.to_owned())
}

/// A new signing secret of 32 random bytes.
pub fn generate_webhook_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// 1 to 10 valid addresses, normalised; duplicates are dropped.
fn recipients(raw: &[String]) -> Result<Vec<String>, ChannelError> {
    if raw.is_empty() {
        return Err(ChannelError::invalid("email.to", "must list at least one address"));
    }
    if raw.len() > MAX_RECIPIENTS {
        return Err(ChannelError::invalid(
            "email.to",
            format!("must list at most {MAX_RECIPIENTS} addresses"),
        ));
    }
    let mut to: Vec<String> = Vec::with_capacity(raw.len());
    for (i, address) in raw.iter().enumerate() {
        let email = Email::parse(address)
            .map_err(|err| ChannelError::invalid(format!("email.to[{i}]"), err.to_string()))?;
        if !to.iter().any(|seen| seen == email.as_str()) {
            to.push(email.as_str().to_owned());
        }
    }
    Ok(to)
}

/// Scheme and host, then `…` and the last 4 characters when the rest is
/// long enough that 4 of them give nothing away.
pub fn mask_url(raw: &str) -> String {
    let Ok(url) = url::Url::parse(raw) else {
        return "…".to_owned();
    };
    let host = url.host_str().unwrap_or_default();
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let origin = format!("{}://{host}{port}", url.scheme());
    let tail = &url[url::Position::BeforePath..];
    let chars: Vec<char> = tail.chars().collect();
    if chars.len() > 8 {
        let last: String = chars[chars.len() - 4..].iter().collect();
        format!("{origin}/…{last}")
    } else {
        format!("{origin}/…")
    }
}

/// `whsec_…` and the last 4 characters.
pub fn mask_secret(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let last: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("{SECRET_PREFIX}…{last}")
}

#[cfg(test)]
#[path = "spec_tests.rs"]
mod tests;
