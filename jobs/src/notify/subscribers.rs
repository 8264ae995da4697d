//! What status page subscribers receive (decision 128): the confirmation
//! mail of the double opt-in, and each notice by email or by webhook. Every
//! notice mail has an unsubscribe link and the RFC 8058 one-click headers
//! (`List-Unsubscribe` + `List-Unsubscribe-Post`), so a mail client's
//! "unsubscribe" button works without a visit; webhook bodies carry the
//! same link, and are signed per Standard Webhooks like our channels.

use chrono::{DateTime, SecondsFormat, Utc};
use domain::entities::status_page_events as events;
use domain::status_pages::subscribers::{DeliveryWork, LinkKey, PageEventKind, Purpose};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::Message;
use serde_json::{json, Value};

use super::{Delivered, DeliveryError, SmtpConfig, SMTP_NOT_CONFIGURED};
use crate::outbound::Outbound;

/// Where links in subscribers' mails point.
#[derive(Debug, Clone)]
pub struct Links<'a> {
    /// The server's public URL (`--public-url`), without a trailing slash.
    pub base: &'a str,
    pub key: &'a LinkKey,
}

impl Links<'_> {
    /// The page's public address.
    pub fn page(&self, slug: &str) -> String {
        format!("{}/status/{slug}", self.base.trim_end_matches('/'))
    }

    /// The confirmation link of subscriber `id`, for a request made at `sent`.
    pub fn confirm(&self, slug: &str, id: uuid::Uuid, sent: DateTime<Utc>) -> String {
        let token = self.key.confirm_token(id, sent);
        format!("{}/subscription/confirm?token={token}", self.page(slug))
    }

    /// The unsubscribe link of subscriber `id` (also the one-click target).
    pub fn unsubscribe(&self, slug: &str, id: uuid::Uuid) -> String {
        let token = self.key.unsubscribe_token(id);
        format!("{}/subscription/unsubscribe?token={token}", self.page(slug))
    }
}

/// Sends one delivery: by email or to a webhook with its `secret`.
pub async fn send(
    out: &Outbound,
    smtp: Option<&SmtpConfig>,
    links: &Links<'_>,
    work: &DeliveryWork,
    secret: Option<&str>,
) -> Result<Delivered, DeliveryError> {
    use domain::status_pages::subscribers::SubscriberKind;
    match work.subscriber.kind {
        SubscriberKind::Email => {
            let smtp = smtp.ok_or_else(|| DeliveryError::permanent(SMTP_NOT_CONFIGURED))?;
            let message = mail(smtp, links, work)?;
            let response =
                out.send_mail(smtp.endpoint(), message).await.map_err(super::email::send_error)?;
            Ok(Delivered { status_code: Some(u16::from(response.code())) })
        }
        SubscriberKind::Webhook => {
            let secret = secret.ok_or_else(|| DeliveryError::permanent("no signing secret"))?;
            let body = match (&work.event, work.purpose) {
                (Some(event), Purpose::Event) => event_payload(links, work, event),
                _ => return Err(DeliveryError::permanent("webhooks are not sent confirmations")),
            };
            let message_id = format!("msg_{}", work.delivery.id.simple());
            post(out, &work.subscriber.address, secret, &message_id, &body).await
        }
    }
}

/// The signed test delivery a webhook must answer 2xx before it is subscribed.
pub async fn send_test(
    out: &Outbound,
    links: &Links<'_>,
    subscriber: uuid::Uuid,
    url: &str,
    secret: &str,
    page_slug: &str,
    page_title: &str,
) -> Result<Delivered, DeliveryError> {
    let body = json!({
        "type": "status_page.subscription_test",
        "timestamp": Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        "data": {
            "page": page(links, page_slug, page_title),
            "subscriber_id": subscriber,
            "unsubscribe_url": links.unsubscribe(page_slug, subscriber),
        },
    });
    let message_id = format!("msg_test_{}", uuid::Uuid::now_v7().simple());
    post(out, url, secret, &message_id, &body).await
}

async fn post(
    out: &Outbound,
    url: &str,
    secret: &str,
    message_id: &str,
    body: &Value,
) -> Result<Delivered, DeliveryError> {
    let body = serde_json::to_vec(body)
        .map_err(|err| DeliveryError::permanent(format!("cannot encode the body: {err}")))?;
    let timestamp = Utc::now().timestamp();
    let signature = super::webhook::sign(secret, message_id, timestamp, &body)?;
    let request = out
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("webhook-id", message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body);
    super::http::send(request).await
}

fn page(links: &Links<'_>, slug: &str, title: &str) -> Value {
    json!({ "slug": slug, "title": title, "url": links.page(slug) })
}

/// `status_page.` and the event's word, e.g. `status_page.incident_published`.
pub fn event_type(kind: PageEventKind) -> String {
    format!("status_page.{}", kind.as_str())
}

/// A notice's webhook body; the same on every retry.
pub fn event_payload(links: &Links<'_>, work: &DeliveryWork, event: &events::Model) -> Value {
    let components: Option<Vec<uuid::Uuid>> =
        event.component_ids.as_deref().and_then(|raw| serde_json::from_str(raw).ok());
    json!({
        "type": event_type(event.kind),
        "timestamp": event.occurred_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "data": {
            "page": page(links, &work.page_slug, &work.page_title),
            "event": event.kind.as_str(),
            "title": event.title,
            "body": event.body,
            "component_ids": components,
            "unsubscribe_url": links.unsubscribe(&work.page_slug, work.subscriber.id),
        },
    })
}

/// How a notice is named in a subject line.
fn label(kind: PageEventKind) -> &'static str {
    match kind {
        PageEventKind::IncidentPublished => "Incident",
        PageEventKind::IncidentUpdated => "Update",
        PageEventKind::IncidentResolved => "Resolved",
        PageEventKind::MaintenanceScheduled => "Maintenance scheduled",
        PageEventKind::MaintenanceStarted => "Maintenance started",
        PageEventKind::MaintenanceEnded => "Maintenance ended",
    }
}

/// The mail of one delivery: a confirmation, or a notice with its
/// unsubscribe link and headers.
pub fn mail(
    smtp: &SmtpConfig,
    links: &Links<'_>,
    work: &DeliveryWork,
) -> Result<Message, DeliveryError> {
    let to = work.subscriber.address.parse::<Mailbox>().map_err(|err| {
        DeliveryError::permanent(format!("invalid recipient `{}`: {err}", work.subscriber.address))
    })?;
    let builder = Message::builder()
        .from(smtp.from.clone())
        .to(to)
        .message_id(Some(format!("<spd_{}@runstate>", work.delivery.id.simple())));
    let slug = &work.page_slug;
    let (subject, plain, html, builder) = match (&work.event, work.purpose) {
        (_, Purpose::Confirm) => {
            let link = links.confirm(slug, work.subscriber.id, work.delivery.created_at);
            let plain = format!(
                "Someone, hopefully you, asked for notices from the status page \"{title}\" \
                 to be sent to this address.\n\nTo confirm, open this link (it works for 24 \
                 hours):\n{link}\n\nIf you did not ask for this, ignore this mail: nothing \
                 more will be sent.\n",
                title = work.page_title
            );
            let html = format!(
                "<p>Someone, hopefully you, asked for notices from the status page \
                 <strong>{title}</strong> to be sent to this address.</p>\n<p><a \
                 href=\"{href}\">Confirm the subscription</a> (the link works for 24 \
                 hours).</p>\n<p>If you did not ask for this, ignore this mail: nothing more \
                 will be sent.</p>\n",
                title = escape(&work.page_title),
                href = escape(&link)
            );
            (format!("Confirm your subscription to {}", work.page_title), plain, html, builder)
        }
        (Some(event), Purpose::Event) => {
            let unsubscribe = links.unsubscribe(slug, work.subscriber.id);
            let page_url = links.page(slug);
            let plain = format!(
                "{label}: {title}\n\n{body}\n\nStatus page: {page_url}\n\nTo stop these \
                 mails: {unsubscribe}\n",
                label = label(event.kind),
                title = event.title,
                body = event.body
            );
            let html = format!(
                "<h2>{label}: {title}</h2>\n{body}\n<p><a href=\"{page}\">Status page</a></p>\n\
                 <p style=\"color:#666;font-size:small\"><a href=\"{unsub}\">Unsubscribe</a></p>\n",
                label = label(event.kind),
                title = escape(&event.title),
                body = domain::status_pages::incidents::markdown::to_html(&event.body),
                page = escape(&page_url),
                unsub = escape(&unsubscribe)
            );
            let builder = one_click(builder, &unsubscribe);
            let subject = format!("[{}] {}: {}", work.page_title, label(event.kind), event.title);
            (subject, plain, html, builder)
        }
        (None, Purpose::Event) => return Err(DeliveryError::permanent("the notice is gone")),
    };
    let html = format!(
        "<!doctype html>\n<html><body style=\"font-family:sans-serif\">\n{html}</body></html>\n"
    );
    builder
        .subject(subject)
        .multipart(MultiPart::alternative_plain_html(plain, html))
        .map_err(|err| DeliveryError::permanent(format!("cannot build the email: {err}")))
}

/// RFC 8058's headers. Written as they are, never RFC 2047-encoded (an
/// encoded URL is no URL to a mail client); a link that is not plain
/// printable ASCII (a strange `--public-url`) gets none.
fn one_click(
    builder: lettre::message::MessageBuilder,
    link: &str,
) -> lettre::message::MessageBuilder {
    if !link.bytes().all(|b| b.is_ascii_graphic()) {
        return builder;
    }
    let header = |name: &'static str, value: String| {
        HeaderValue::dangerous_new_pre_encoded(
            HeaderName::new_from_ascii_str(name),
            value.clone(),
            value,
        )
    };
    builder
        .raw_header(header("List-Unsubscribe", format!("<{link}>")))
        .raw_header(header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click".to_owned()))
}

fn escape(text: &str) -> String {
    domain::status_pages::incidents::markdown::escape(text)
}
