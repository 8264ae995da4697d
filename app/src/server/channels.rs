//! Channels for pages: list, create or change from the form's text, delete,
//! and a test message through the server's outbound clients.

use domain::channels::{
    ChannelDisplay, ChannelInput, ChannelKind, ChannelPatch, ChannelScope, ChannelView, EmailInput,
    SlackInput, SlackPatch, WebhookInput, WebhookPatch,
};

use super::{channel_service, parse_id, ports, signed_in};
use crate::dto::{ChannelCreated, ChannelForm, ChannelItem, TestOutcome};
use crate::error::AppError;

/// The caller's channels, masked.
pub async fn list() -> Result<Vec<ChannelItem>, AppError> {
    let caller = signed_in()?;
    let channels = channel_service()?.list(&caller, ChannelScope::Own).await?;
    Ok(channels.into_iter().map(item).collect())
}

fn item(view: ChannelView) -> ChannelItem {
    let (target, secret) = match view.settings {
        ChannelDisplay::Slack { webhook_url } => (webhook_url, None),
        ChannelDisplay::Webhook { url, secret } => (url, Some(secret)),
        ChannelDisplay::Email { to } => (to.join(", "), None),
    };
    ChannelItem { id: view.id.to_string(), name: view.name, kind: view.kind, target, secret }
}

fn some(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

fn recipients(text: &str) -> Vec<String> {
    text.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Creates a channel from the form, or changes one (blank fields stay).
pub async fn save(form: ChannelForm) -> Result<ChannelCreated, AppError> {
    let caller = signed_in()?;
    let service = channel_service()?;
    if form.id.trim().is_empty() {
        let kind = form
            .kind
            .trim()
            .parse::<ChannelKind>()
            .map_err(|_| AppError::invalid("kind", "Kind must be Slack, webhook or email"))?;
        let input = ChannelInput {
            name: form.name.clone(),
            kind,
            slack: (kind == ChannelKind::Slack)
                .then(|| SlackInput { webhook_url: form.url.trim().to_owned() }),
            webhook: (kind == ChannelKind::Webhook).then(|| WebhookInput {
                url: form.url.trim().to_owned(),
                secret: some(&form.secret),
            }),
            email: (kind == ChannelKind::Email).then(|| EmailInput { to: recipients(&form.to) }),
        };
        let (view, secret) = service.create(&caller, input).await?;
        return Ok(ChannelCreated { channel: item(view), secret });
    }
    let id = parse_id(&form.id, "channel")?;
    let current = service.get(&caller, id).await?;
    let patch = ChannelPatch {
        name: some(&form.name),
        kind: None,
        slack: (current.kind == ChannelKind::Slack)
            .then(|| SlackPatch { webhook_url: some(&form.url) }),
        webhook: (current.kind == ChannelKind::Webhook)
            .then(|| WebhookPatch { url: some(&form.url), secret: some(&form.secret) }),
        email: (current.kind == ChannelKind::Email && !form.to.trim().is_empty())
            .then(|| EmailInput { to: recipients(&form.to) }),
    };
    let view = service.update(&caller, id, patch).await?;
    Ok(ChannelCreated { channel: item(view), secret: None })
}

/// Deletes one of the caller's channels.
pub async fn delete(id: String) -> Result<(), AppError> {
    let caller = signed_in()?;
    channel_service()?.delete(&caller, parse_id(&id, "channel")?).await?;
    Ok(())
}

/// Sends a test message through the server's outbound client.
pub async fn test(id: String) -> Result<TestOutcome, AppError> {
    let caller = signed_in()?;
    let channel = channel_service()?.delivery_for(&caller, parse_id(&id, "channel")?).await?;
    Ok(ports()?.0.send_test(channel).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_split_on_commas_semicolons_and_lines() {
        assert_eq!(recipients("a@x.org, b@x.org;\nc@x.org,"), ["a@x.org", "b@x.org", "c@x.org"]);
    }
}
