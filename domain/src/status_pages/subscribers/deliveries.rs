//! Subscribers' deliveries, handed out to be sent: each attempt takes a
//! lease (by the database's clock) so a crashed sender's delivery is tried
//! again and two senders never send one twice; the outcome is written
//! after. A delivery whose subscriber left meanwhile is suppressed.

use chrono::{DateTime, Duration, Utc};
use kinds::{DeliveryStatus, SubscriberState};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::entities::status_page_deliveries as deliveries;
use crate::entities::status_page_events as events;
use crate::entities::status_page_subscribers as subscribers;
use crate::entities::status_pages as pages;
pub use crate::pipeline::notifications::Outcome;

/// What a delivery carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The double opt-in mail.
    Confirm,
    /// One of the page's notices.
    Event,
}

impl Purpose {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::Event => "event",
        }
    }
}

/// One delivery to attempt now, with what it needs.
#[derive(Debug, Clone)]
pub struct DeliveryWork {
    pub delivery: deliveries::Model,
    pub purpose: Purpose,
    pub subscriber: subscribers::Model,
    /// The notice, for [`Purpose::Event`].
    pub event: Option<events::Model>,
    pub page_slug: String,
    pub page_title: String,
}

pub(super) const OPEN: [DeliveryStatus; 3] =
    [DeliveryStatus::Pending, DeliveryStatus::Retrying, DeliveryStatus::Sending];

/// Takes up to `limit` due deliveries, each for `lease`; deliveries whose
/// subscriber no longer wants them are suppressed instead.
pub async fn claim_due(
    db: &DatabaseConnection,
    lease: Duration,
    limit: u64,
) -> Result<Vec<DeliveryWork>, DbErr> {
    let now = crate::db::now(db).await?;
    let ids: Vec<Uuid> = deliveries::Entity::find()
        .select_only()
        .column(deliveries::Column::Id)
        .filter(deliveries::Column::Status.is_in(OPEN))
        .filter(deliveries::Column::NextAttemptAt.lte(now))
        .order_by_asc(deliveries::Column::NextAttemptAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    let mut work = Vec::with_capacity(ids.len());
    for id in ids {
        let taken = deliveries::Entity::update_many()
            .col_expr(deliveries::Column::Status, Expr::value(DeliveryStatus::Sending))
            .col_expr(deliveries::Column::Attempts, Expr::col(deliveries::Column::Attempts).add(1))
            .col_expr(deliveries::Column::NextAttemptAt, Expr::value(now + lease))
            .filter(deliveries::Column::Id.eq(id))
            .filter(deliveries::Column::Status.is_in(OPEN))
            .filter(deliveries::Column::NextAttemptAt.lte(now))
            .exec(db)
            .await?;
        if taken.rows_affected == 0 {
            continue; // another sender took it
        }
        if let Some(item) = load(db, id).await? {
            work.push(item);
        }
    }
    Ok(work)
}

/// The delivery with its subscriber, notice and page, or `None` after
/// suppressing it when nobody should receive it any more.
async fn load(db: &DatabaseConnection, id: Uuid) -> Result<Option<DeliveryWork>, DbErr> {
    let Some(delivery) = deliveries::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let subscriber = subscribers::Entity::find_by_id(delivery.subscriber_id).one(db).await?;
    let purpose = if delivery.purpose == Purpose::Confirm.as_str() {
        Purpose::Confirm
    } else {
        Purpose::Event
    };
    let event = match delivery.event_id {
        Some(event) => events::Entity::find_by_id(event).one(db).await?,
        None => None,
    };
    let wanted = match (&subscriber, purpose) {
        (Some(s), Purpose::Confirm) => s.state == SubscriberState::Pending,
        (Some(s), Purpose::Event) => s.state == SubscriberState::Active && event.is_some(),
        (None, _) => false,
    };
    let page = match &subscriber {
        Some(s) => pages::Entity::find_by_id(s.page_id).one(db).await?,
        None => None,
    };
    match (subscriber, page) {
        (Some(subscriber), Some(page)) if wanted => Ok(Some(DeliveryWork {
            delivery,
            purpose,
            subscriber,
            event,
            page_slug: page.slug,
            page_title: page.title,
        })),
        _ => {
            set_status(db, id, DeliveryStatus::Suppressed, None).await?;
            Ok(None)
        }
    }
}

/// Records how an attempt ended.
pub async fn finish(db: &DatabaseConnection, id: Uuid, outcome: &Outcome) -> Result<(), DbErr> {
    let now = crate::db::now(db).await?;
    let (status, next, error, sent) = match outcome {
        Outcome::Delivered => (DeliveryStatus::Delivered, None, None, Some(now)),
        Outcome::Retry { error, after } => {
            (DeliveryStatus::Retrying, Some(now + *after), Some(crate::text::remote(error)), None)
        }
        Outcome::Failed { error } => {
            (DeliveryStatus::Failed, None, Some(crate::text::remote(error)), None)
        }
    };
    deliveries::Entity::update_many()
        .col_expr(deliveries::Column::Status, Expr::value(status))
        .col_expr(deliveries::Column::NextAttemptAt, Expr::value(next))
        .col_expr(deliveries::Column::LastError, Expr::value(error))
        .col_expr(deliveries::Column::SentAt, Expr::value(sent))
        .filter(deliveries::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

async fn set_status<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    status: DeliveryStatus,
    next: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    deliveries::Entity::update_many()
        .col_expr(deliveries::Column::Status, Expr::value(status))
        .col_expr(deliveries::Column::NextAttemptAt, Expr::value(next))
        .filter(deliveries::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Suppresses a subscriber's deliveries not sent yet (it left).
pub(super) async fn drop_unsent<C: ConnectionTrait>(db: &C, subscriber: Uuid) -> Result<(), DbErr> {
    deliveries::Entity::update_many()
        .col_expr(deliveries::Column::Status, Expr::value(DeliveryStatus::Suppressed))
        .col_expr(deliveries::Column::NextAttemptAt, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(deliveries::Column::SubscriberId.eq(subscriber))
        .filter(
            deliveries::Column::Status.is_in([DeliveryStatus::Pending, DeliveryStatus::Retrying]),
        )
        .exec(db)
        .await
        .map(|_| ())
}
