//! Email over SMTP with lettre: one multipart message (plain text and HTML)
//! to the channel's recipients. The server comes from `RUNSTATE_SMTP_URL`:
//! `smtp://` (no TLS: local relays), `smtps://` (implicit TLS, port 465) or
//! `smtp+starttls://` (STARTTLS required, port 587); the sender from
//! `RUNSTATE_SMTP_FROM`.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::Message;

use super::text;
use super::{Alert, Delivered, DeliveryError, NotificationEvent};
use crate::outbound::{Outbound, OutboundError, SmtpEndpoint, SmtpSendError, SmtpTls};

/// Where and as whom email is sent.
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    username: Option<String>,
    password: Option<String>,
    pub from: Mailbox,
    /// The limit on each SMTP command.
    pub timeout: Duration,
}

// The password must not reach logs.
impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

/// Why the SMTP settings were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SmtpConfigError(String);

impl SmtpConfig {
    /// Reads `RUNSTATE_SMTP_URL` (`smtp://user:pass@host:port`, `smtps://…`,
    /// `smtp+starttls://…`) and the sender `RUNSTATE_SMTP_FROM`.
    pub fn parse(url: &str, from: &str) -> Result<Self, SmtpConfigError> {
        let bad = |why: &str| SmtpConfigError(format!("invalid RUNSTATE_SMTP_URL: {why}"));
        let parsed = url::Url::parse(url.trim()).map_err(|err| bad(&err.to_string()))?;
        let (tls, default_port) = match parsed.scheme() {
            "smtp" => (SmtpTls::None, 25),
            "smtps" => (SmtpTls::Implicit, 465),
            "smtp+starttls" => (SmtpTls::StartTls, 587),
            other => {
                return Err(bad(&format!(
                    "unknown scheme `{other}` (use smtp://, smtps:// or smtp+starttls://)"
                )))
            }
        };
        let host = parsed.host_str().filter(|h| !h.is_empty()).ok_or_else(|| bad("no host"))?;
        let username = Some(percent_decode(parsed.username())).filter(|u| !u.is_empty());
        let password = parsed.password().map(percent_decode);
        let from = from.trim().parse::<Mailbox>().map_err(|err| {
            SmtpConfigError(format!("invalid RUNSTATE_SMTP_FROM `{from}`: {err}"))
        })?;
        Ok(Self {
            host: host.trim_start_matches('[').trim_end_matches(']').to_owned(),
            port: parsed.port().unwrap_or(default_port),
            tls,
            username,
            password,
            from,
            timeout: Duration::from_secs(15),
        })
    }

    /// The same settings with another per-command timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Where the guard connects: the server, its TLS and credentials.
    pub(crate) fn endpoint(&self) -> SmtpEndpoint<'_> {
        let credentials = self.username.as_ref().map(|username| {
            Credentials::new(username.clone(), self.password.clone().unwrap_or_default())
        });
        SmtpEndpoint {
            host: &self.host,
            port: self.port,
            tls: self.tls,
            credentials,
            timeout: self.timeout,
        }
    }
}

/// Sends `alert` to `to` through `smtp`.
pub async fn send(
    out: &Outbound,
    smtp: &SmtpConfig,
    to: &[String],
    alert: &Alert,
    message_id: &str,
) -> Result<Delivered, DeliveryError> {
    let message = message(smtp, to, alert, message_id)?;
    let response = out.send_mail(smtp.endpoint(), message).await.map_err(send_error)?;
    Ok(Delivered { status_code: Some(u16::from(response.code())) })
}

/// The message: subject, plain text and HTML alternatives, a stable Message-ID.
pub fn message(
    smtp: &SmtpConfig,
    to: &[String],
    alert: &Alert,
    message_id: &str,
) -> Result<Message, DeliveryError> {
    let mut builder = Message::builder()
        .from(smtp.from.clone())
        .subject(format!("[RunState] {}", text::title(alert)))
        .message_id(Some(format!("<{message_id}@runstate>")));
    for address in to {
        let mailbox = address.parse::<Mailbox>().map_err(|err| {
            DeliveryError::permanent(format!("invalid recipient `{address}`: {err}"))
        })?;
        builder = builder.to(mailbox);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(plain(alert), html(alert)))
        .map_err(|err| DeliveryError::permanent(format!("cannot build the email: {err}")))
}

fn plain(alert: &Alert) -> String {
    let mut body = format!("{}\n\n", text::headline(alert));
    if alert.event == NotificationEvent::Test {
        body.push_str(text::TEST_BODY);
        body.push('\n');
    }
    for fact in text::facts(alert) {
        body.push_str(&format!("{}: {}\n", fact.label, fact.value));
    }
    body.push_str(&format!("\nOpen in RunState: {}\n", alert.link));
    body
}

fn html(alert: &Alert) -> String {
    let mut rows = String::new();
    for fact in text::facts(alert) {
        rows.push_str(&format!(
            "<tr><th align=\"left\" style=\"padding:4px 12px 4px 0\">{}</th><td>{}</td></tr>\n",
            escape(fact.label),
            escape(&fact.value)
        ));
    }
    let test = if alert.event == NotificationEvent::Test {
        format!("<p>{}</p>\n", escape(text::TEST_BODY))
    } else {
        String::new()
    };
    format!(
        "<!doctype html>\n<html><body style=\"font-family:sans-serif\">\n<h2>{}</h2>\n{test}\
         <table>\n{rows}</table>\n<p><a href=\"{}\">Open in RunState</a></p>\n</body></html>\n",
        escape(&text::headline(alert)),
        escape(&alert.link)
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A refusal by the guard is permanent; a failed lookup is worth a retry.
pub(super) fn send_error(err: SmtpSendError) -> DeliveryError {
    match err {
        SmtpSendError::Smtp(err) => smtp_error(err),
        SmtpSendError::Outbound(
            err @ (OutboundError::Denied { .. } | OutboundError::InvalidUrl(_)),
        ) => DeliveryError::permanent(format!("cannot reach the SMTP server ({err})")),
        SmtpSendError::Outbound(err) => {
            DeliveryError::retryable(format!("cannot reach the SMTP server ({err})"))
        }
    }
}

/// 5xx replies are permanent; 4xx replies, timeouts and broken connections are not.
fn smtp_error(err: lettre::transport::smtp::Error) -> DeliveryError {
    let status_code = err.status().map(u16::from);
    let error = format!("the SMTP server refused the message: {err}");
    if err.is_permanent() || err.is_client() {
        DeliveryError::Permanent { error, status_code }
    } else {
        DeliveryError::Retryable { error, retry_after: None, status_code }
    }
}

/// `%40` and friends in URL credentials, as operators write them.
fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_picks_tls_and_the_default_port() {
        let from = "RunState <alerts@example.org>";
        let plain = SmtpConfig::parse("smtp://127.0.0.1:2525", from).unwrap();
        assert_eq!((plain.tls, plain.port, plain.username.as_deref()), (SmtpTls::None, 2525, None));
        let implicit = SmtpConfig::parse("smtps://mail.example.org", from).unwrap();
        assert_eq!((implicit.tls, implicit.port), (SmtpTls::Implicit, 465));
        let starttls =
            SmtpConfig::parse("smtp+starttls://bot%40example.org:p%3Ass@mail.example.org", from)
                .unwrap();
        assert_eq!((starttls.tls, starttls.port), (SmtpTls::StartTls, 587));
        assert_eq!(starttls.username.as_deref(), Some("bot@example.org"));
        assert_eq!(starttls.password.as_deref(), Some("p:ss"));
        assert!(!format!("{starttls:?}").contains("p:ss"), "Debug hides the password");
    }

    #[test]
    fn bad_urls_and_senders_are_refused_with_the_setting_named() {
        let err = SmtpConfig::parse("http://mail.example.org", "a@example.org").unwrap_err();
        assert!(err.to_string().contains("RUNSTATE_SMTP_URL"), "{err}");
        let err = SmtpConfig::parse("smtp://mail.example.org", "not an address").unwrap_err();
        assert!(err.to_string().contains("RUNSTATE_SMTP_FROM"), "{err}");
    }

    #[test]
    fn the_html_part_escapes_what_it_quotes() {
        let alert = Alert {
            event: NotificationEvent::Down,
            status: "down".into(),
            cause: Some("<script>alert(1)</script>".into()),
            ..Alert::test("Home & <Away>", "http://x/?a=1&b=2")
        };
        let html = html(&alert);
        assert!(html.contains("Home &amp; &lt;Away&gt;"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("href=\"http://x/?a=1&amp;b=2\""));
    }
}
