//! One value at a time: names, URLs, Standard Webhooks secrets and email
//! recipients parsed with the field at fault named, and the masks that make
//! secrets safe to show.

use base64::Engine;
use rand::RngCore;

use super::ChannelError;
use crate::accounts::Email;

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

/// An incoming-webhook URL of Slack or a Slack-compatible server.
pub(super) fn slack_url(raw: &str) -> Result<String, ChannelError> {
    // http too: Slack-compatible servers (Mattermost, Rocket.Chat) often run
    // on internal networks; the outbound guard still decides who is reachable.
    Ok(parse_url("slack.webhook_url", raw, &["https", "http"])?.to_string())
}

pub(super) fn webhook_url(raw: &str) -> Result<String, ChannelError> {
    Ok(parse_url("webhook.url", raw, &["https", "http"])?.to_string())
}

/// A Standard Webhooks secret: `whsec_` and the base64 of 24 to 64 bytes.
pub(super) fn webhook_secret(raw: &str) -> Result<String, ChannelError> {
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
pub(super) fn recipients(raw: &[String]) -> Result<Vec<String>, ChannelError> {
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
