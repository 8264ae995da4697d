//! Taking subscriptions, confirming and ending them, and the owner's list.
//!
//! A visitor learns nothing about other subscribers: subscribing an address
//! that is pending, active or unknown answers the same, and an active
//! address is left as it is (nobody can change another person's choices
//! without their mailbox). Confirmation mails are limited per address and
//! per client, so the form cannot be used to flood a mailbox.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use kinds::{DeliveryStatus, SubscriberKind, SubscriberState};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

use super::deliveries::Purpose;
use super::tokens::LinkKey;
use super::SubscriberError;
use crate::accounts::Email;
use crate::channels::crypto::Sealer;
use crate::channels::EncryptionKey;
use crate::clock::Clock;
use crate::entities::status_page_components as components;
use crate::entities::status_page_deliveries as deliveries;
use crate::entities::status_page_subscribers as subscribers;
use crate::entities::status_pages as pages;
use crate::monitors::{Access, Write};
use crate::ratelimit::{Limit, RateLimiter};
use crate::status_pages::{PageRef, StatusPageService};

/// Confirmation mails per address, and subscription requests per client, per hour.
const PER_ADDRESS: Limit = Limit::new("status_page.subscribe.address", 3, 3600);
const PER_CLIENT: Limit = Limit::new("status_page.subscribe.client", 10, 3600);
/// Subscribers listed or exported per page, at most.
pub const LIST_LIMIT: u64 = 10_000;
/// The longest webhook URL.
const MAX_URL: usize = 2048;

/// A subscription as the page's owner sees it (never a webhook's secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriberView {
    pub id: Uuid,
    pub kind: SubscriberKind,
    pub address: String,
    /// `None`: the whole page.
    pub component_ids: Option<Vec<Uuid>>,
    pub state: SubscriberState,
    pub created_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub unsubscribed_at: Option<DateTime<Utc>>,
}

impl From<subscribers::Model> for SubscriberView {
    fn from(m: subscribers::Model) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            component_ids: parse_ids(m.component_ids.as_deref()),
            address: m.address,
            state: m.state,
            created_at: m.created_at,
            confirmed_at: m.confirmed_at,
            unsubscribed_at: m.unsubscribed_at,
        }
    }
}

/// A confirmed or ended subscription, for the page that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub page_slug: String,
    pub page_title: String,
    pub state: SubscriberState,
}

/// A webhook waiting for its test delivery: the caller posts it, signed
/// with `secret`, and activates the subscription when it is answered 2xx.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingWebhook {
    pub id: Uuid,
    pub url: String,
    pub secret: String,
    pub page_slug: String,
    pub page_title: String,
}

/// Subscriptions to status pages; cheap to clone.
#[derive(Clone)]
pub struct SubscriberService {
    pages: StatusPageService,
    clock: Clock,
    limiter: RateLimiter,
    links: LinkKey,
    sealer: std::sync::Arc<Sealer>,
}

impl std::fmt::Debug for SubscriberService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubscriberService").finish_non_exhaustive()
    }
}

/// One published page, as a subscription sees it.
struct Page {
    id: Uuid,
    slug: String,
    title: String,
}

impl SubscriberService {
    /// Subscriptions to `pages`' pages, links signed with `links`, webhook
    /// secrets sealed with `key`, time from `clock`.
    pub fn new(
        pages: StatusPageService,
        links: LinkKey,
        key: &EncryptionKey,
        clock: Clock,
    ) -> Self {
        let limiter = RateLimiter::new(pages.db().clone(), clock.clone());
        Self { pages, clock, limiter, links, sealer: std::sync::Arc::new(Sealer::new(key)) }
    }

    fn db(&self) -> &DatabaseConnection {
        self.pages.db()
    }

    /// The key links are signed with (the mails need it).
    pub fn links(&self) -> &LinkKey {
        &self.links
    }

    /// The clock confirmations are read by.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The published page at `slug`, if `pass` opens it.
    async fn page(&self, slug: &str, pass: Option<&str>) -> Result<Page, SubscriberError> {
        self.pages.public_for(slug, pass).await?;
        let row = pages::Entity::find()
            .filter(pages::Column::Slug.eq(slug))
            .filter(pages::Column::Published.eq(true))
            .one(self.db())
            .await?
            .ok_or(SubscriberError::NotFound)?;
        Ok(Page { id: row.id, slug: row.slug, title: row.title })
    }

    /// Whether the published page at `slug` opens with `pass` (`NotFound`,
    /// `Locked` otherwise).
    pub async fn check_open(&self, slug: &str, pass: Option<&str>) -> Result<(), SubscriberError> {
        self.page(slug, pass).await.map(|_| ())
    }

    /// Counts one request from `client` (and to `address`), refusing it past the limits.
    async fn throttle(&self, client: &str, address: Option<&str>) -> Result<(), SubscriberError> {
        let mut keys = vec![(&PER_CLIENT, client)];
        keys.extend(address.map(|a| (&PER_ADDRESS, a)));
        for (limit, key) in keys {
            if let Err(wait) = self.limiter.take(limit, key).await? {
                return Err(SubscriberError::Throttled { retry_after_secs: wait.0 });
            }
        }
        Ok(())
    }

    /// Subscribes `email` to page `slug` (all components, or `components`),
    /// for a visitor holding `pass`, from `client`. A new or pending address
    /// is sent a confirmation mail; an active one is left alone. The answer
    /// is the same either way.
    pub async fn subscribe_email(
        &self,
        slug: &str,
        pass: Option<&str>,
        email: &str,
        components: Option<&[Uuid]>,
        client: &str,
    ) -> Result<(), SubscriberError> {
        let page = self.page(slug, pass).await?;
        let email = Email::parse(email)
            .map_err(|err| SubscriberError::invalid("email", err.to_string()))?;
        let chosen = self.chosen(page.id, components).await?;
        self.throttle(client, Some(email.as_str())).await?;
        let now = self.clock.now();
        let txn = self.db().begin().await?;
        let existing = find(&txn, page.id, SubscriberKind::Email, email.as_str()).await?;
        let id = match existing {
            Some(row) if row.state == SubscriberState::Active => {
                txn.commit().await?;
                return Ok(());
            }
            Some(row) => {
                let id = row.id;
                let mut active = row.into_active_model();
                active.state = Set(SubscriberState::Pending);
                active.component_ids = Set(chosen);
                active.unsubscribed_at = Set(None);
                active.update(&txn).await?;
                id
            }
            None => {
                let id = Uuid::now_v7();
                insert(&txn, id, page.id, SubscriberKind::Email, email.as_str(), None, chosen, now)
                    .await?;
                id
            }
        };
        queue(&txn, id, None, Purpose::Confirm, now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Confirms the subscription a confirmation `token` names; following
    /// the link again changes nothing.
    pub async fn confirm(&self, token: &str) -> Result<Subscription, SubscriberError> {
        let id = self.links.open_confirm(token, self.clock.now())?;
        let row = subscribers::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(SubscriberError::BadLink)?;
        let page = page_of(self.db(), row.page_id).await?;
        let state = match row.state {
            SubscriberState::Active => SubscriberState::Active,
            // Unsubscribed since: the old link does not bring it back.
            SubscriberState::Unsubscribed => return Err(SubscriberError::Expired),
            SubscriberState::Pending => {
                let mut active = row.into_active_model();
                active.state = Set(SubscriberState::Active);
                active.confirmed_at = Set(Some(self.clock.now()));
                active.update(self.db()).await?;
                SubscriberState::Active
            }
        };
        Ok(Subscription { page_slug: page.slug, page_title: page.title, state })
    }

    /// Ends the subscription an unsubscribe `token` names; idempotent.
    /// Deliveries not sent yet are dropped.
    pub async fn unsubscribe(&self, token: &str) -> Result<Subscription, SubscriberError> {
        let id = self.links.open_unsubscribe(token)?;
        let row = subscribers::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(SubscriberError::BadLink)?;
        let page = page_of(self.db(), row.page_id).await?;
        if row.state != SubscriberState::Unsubscribed {
            let txn = self.db().begin().await?;
            let mut active = row.into_active_model();
            active.state = Set(SubscriberState::Unsubscribed);
            active.unsubscribed_at = Set(Some(self.clock.now()));
            active.update(&txn).await?;
            super::deliveries::drop_unsent(&txn, id).await?;
            txn.commit().await?;
        }
        Ok(Subscription {
            page_slug: page.slug,
            page_title: page.title,
            state: SubscriberState::Unsubscribed,
        })
    }

    /// Starts subscribing webhook `url` to page `slug`: validated, counted
    /// against the client, stored pending with a new secret. The caller
    /// sends the test delivery and then calls [`Self::activate_webhook`].
    pub async fn begin_webhook(
        &self,
        slug: &str,
        pass: Option<&str>,
        url: &str,
        components: Option<&[Uuid]>,
        client: &str,
    ) -> Result<PendingWebhook, SubscriberError> {
        let page = self.page(slug, pass).await?;
        let url = webhook_url(url)?;
        let chosen = self.chosen(page.id, components).await?;
        self.throttle(client, None).await?;
        let secret = crate::channels::generate_webhook_secret();
        let now = self.clock.now();
        let txn = self.db().begin().await?;
        let id = match find(&txn, page.id, SubscriberKind::Webhook, &url).await? {
            Some(row) if row.state == SubscriberState::Active => {
                return Err(SubscriberError::AlreadySubscribed)
            }
            Some(row) => {
                let id = row.id;
                let mut active = row.into_active_model();
                active.state = Set(SubscriberState::Pending);
                active.component_ids = Set(chosen);
                active.secret = Set(Some(self.seal(id, &secret)?));
                active.unsubscribed_at = Set(None);
                active.update(&txn).await?;
                id
            }
            None => {
                let id = Uuid::now_v7();
                let sealed = self.seal(id, &secret)?;
                let kind = SubscriberKind::Webhook;
                insert(&txn, id, page.id, kind, &url, Some(sealed), chosen, now).await?;
                id
            }
        };
        txn.commit().await?;
        Ok(PendingWebhook { id, url, secret, page_slug: page.slug, page_title: page.title })
    }

    /// Activates a webhook whose test delivery was answered 2xx.
    pub async fn activate_webhook(&self, id: Uuid) -> Result<(), SubscriberError> {
        let row = subscribers::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(SubscriberError::NotFound)?;
        if row.state == SubscriberState::Pending {
            let mut active = row.into_active_model();
            active.state = Set(SubscriberState::Active);
            active.confirmed_at = Set(Some(self.clock.now()));
            active.update(self.db()).await?;
        }
        Ok(())
    }

    /// The secret a webhook subscriber's deliveries are signed with.
    pub fn webhook_secret(&self, row: &subscribers::Model) -> Result<String, SubscriberError> {
        let sealed = row.secret.as_deref().ok_or(SubscriberError::NotFound)?;
        let bytes = self
            .sealer
            .open(sealed, row.id.as_bytes())
            .map_err(|err| SubscriberError::Internal(err.to_string()))?;
        String::from_utf8(bytes).map_err(|_| SubscriberError::Internal("not UTF-8".into()))
    }

    fn seal(&self, id: Uuid, secret: &str) -> Result<String, SubscriberError> {
        self.sealer
            .seal(secret.as_bytes(), id.as_bytes())
            .map_err(|err| SubscriberError::Internal(err.to_string()))
    }

    /// The page's subscribers, newest first (at most [`LIST_LIMIT`]).
    pub async fn list(
        &self,
        page: &PageRef<impl Access>,
    ) -> Result<Vec<SubscriberView>, SubscriberError> {
        use sea_orm::QuerySelect;
        let rows = subscribers::Entity::find()
            .filter(subscribers::Column::PageId.eq(page.view().id))
            .order_by_desc(subscribers::Column::CreatedAt)
            .order_by_desc(subscribers::Column::Id)
            .limit(LIST_LIMIT)
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(SubscriberView::from).collect())
    }

    /// Removes a subscriber of the page (it is sent nothing more).
    pub async fn remove(&self, page: &PageRef<Write>, id: Uuid) -> Result<(), SubscriberError> {
        let done = subscribers::Entity::delete_many()
            .filter(subscribers::Column::Id.eq(id))
            .filter(subscribers::Column::PageId.eq(page.view().id))
            .exec(self.db())
            .await?;
        if done.rows_affected == 0 {
            return Err(SubscriberError::NotFound);
        }
        Ok(())
    }

    /// The page's subscribers as CSV (RFC 4180), with a header row.
    pub async fn csv(&self, page: &PageRef<impl Access>) -> Result<String, SubscriberError> {
        let mut out = String::from(
            "id,kind,address,components,state,created_at,confirmed_at,unsubscribed_at\r\n",
        );
        let at = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
        for s in self.list(page).await? {
            let components = s
                .component_ids
                .map(|ids| ids.iter().map(Uuid::to_string).collect::<Vec<_>>().join(" "))
                .unwrap_or_default();
            let fields = [
                s.id.to_string(),
                s.kind.as_str().to_owned(),
                s.address,
                components,
                s.state.as_str().to_owned(),
                s.created_at.to_rfc3339(),
                at(s.confirmed_at),
                at(s.unsubscribed_at),
            ];
            let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&row.join(","));
            out.push_str("\r\n");
        }
        Ok(out)
    }

    /// The chosen components, checked to be the page's: `None` for the
    /// whole page (nothing chosen).
    async fn chosen(
        &self,
        page_id: Uuid,
        ids: Option<&[Uuid]>,
    ) -> Result<Option<String>, SubscriberError> {
        let Some(ids) = ids.filter(|ids| !ids.is_empty()) else {
            return Ok(None);
        };
        let known: HashSet<Uuid> = components::Entity::find()
            .filter(components::Column::PageId.eq(page_id))
            .all(self.db())
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        let mut chosen: Vec<Uuid> = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            if !known.contains(id) {
                let field = format!("component_ids[{i}]");
                return Err(SubscriberError::invalid(field, "not a component of this page"));
            }
            if !chosen.contains(id) {
                chosen.push(*id);
            }
        }
        Ok(Some(serde_json::to_string(&chosen).unwrap_or_else(|_| "[]".into())))
    }
}

/// A component id list as stored.
pub(super) fn parse_ids(raw: Option<&str>) -> Option<Vec<Uuid>> {
    raw.map(|raw| serde_json::from_str(raw).unwrap_or_default())
}

/// An `http(s)://` URL of at most [`MAX_URL`] characters.
fn webhook_url(raw: &str) -> Result<String, SubscriberError> {
    let raw = raw.trim();
    let invalid = |why: &str| SubscriberError::invalid("webhook_url", why);
    if raw.chars().count() > MAX_URL {
        return Err(invalid("must be at most 2048 characters"));
    }
    let url = url::Url::parse(raw).map_err(|err| invalid(&format!("not a URL: {err}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("must be an http:// or https:// URL with a host"));
    }
    Ok(url.to_string())
}

/// One CSV field, quoted when it must be; a leading `=`, `+`, `-` or `@`
/// is prefixed with `'` so a spreadsheet never runs it as a formula.
fn csv_field(raw: &str) -> String {
    let safe = if raw.starts_with(['=', '+', '-', '@']) { format!("'{raw}") } else { raw.into() };
    if safe.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

async fn find<C: sea_orm::ConnectionTrait>(
    db: &C,
    page: Uuid,
    kind: SubscriberKind,
    address: &str,
) -> Result<Option<subscribers::Model>, sea_orm::DbErr> {
    subscribers::Entity::find()
        .filter(subscribers::Column::PageId.eq(page))
        .filter(subscribers::Column::Kind.eq(kind))
        .filter(subscribers::Column::Address.eq(address))
        .one(db)
        .await
}

#[allow(clippy::too_many_arguments, reason = "one row's columns")]
async fn insert<C: sea_orm::ConnectionTrait>(
    db: &C,
    id: Uuid,
    page: Uuid,
    kind: SubscriberKind,
    address: &str,
    secret: Option<String>,
    component_ids: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    subscribers::ActiveModel {
        id: Set(id),
        page_id: Set(page),
        kind: Set(kind),
        address: Set(address.to_owned()),
        secret: Set(secret),
        component_ids: Set(component_ids),
        state: Set(SubscriberState::Pending),
        created_at: Set(now),
        confirmed_at: Set(None),
        unsubscribed_at: Set(None),
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Writes one delivery to send now.
pub(super) async fn queue<C: sea_orm::ConnectionTrait>(
    db: &C,
    subscriber: Uuid,
    event: Option<Uuid>,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    deliveries::ActiveModel {
        id: Set(Uuid::now_v7()),
        subscriber_id: Set(subscriber),
        event_id: Set(event),
        purpose: Set(purpose.as_str().to_owned()),
        status: Set(DeliveryStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(Some(now)),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
    }
    .insert(db)
    .await
    .map(|_| ())
}

async fn page_of<C: sea_orm::ConnectionTrait>(db: &C, id: Uuid) -> Result<Page, SubscriberError> {
    let row = pages::Entity::find_by_id(id).one(db).await?.ok_or(SubscriberError::BadLink)?;
    Ok(Page { id: row.id, slug: row.slug, title: row.title })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("a@example.org"), "a@example.org");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("@SUM(1)"), "'@SUM(1)");
    }

    #[test]
    fn webhook_urls_are_http_with_a_host() {
        assert!(webhook_url("https://hooks.example.org/x").is_ok());
        for bad in ["ftp://x.org/", "not a url", "http://", "javascript:alert(1)"] {
            let err = webhook_url(bad).unwrap_err();
            assert!(
                matches!(err, SubscriberError::Invalid { ref field, .. } if field == "webhook_url"),
                "{bad}"
            );
        }
    }
}
