//! What the subscribers' side keeps, and for how long: recorded events
//! (with their deliveries) and finished confirmation mails go after the
//! outage retention, and so do subscriptions that never became or are no
//! longer active (an address nobody confirmed, or one that left, is not
//! kept for ever). Events can go long before that without being recorded
//! again: a notice later than a day is never recorded (`events`).

use chrono::{DateTime, Utc};
use kinds::SubscriberState;
use sea_orm::sea_query::Condition;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entities::{
    status_page_deliveries as deliveries, status_page_events as events,
    status_page_subscribers as subscribers,
};

/// Deletes at most `batch` rows of each kind older than `before`; returns
/// how many rows went in all (an event's deliveries go with it, by cascade,
/// and are not counted).
pub async fn prune_batch<C: ConnectionTrait>(
    db: &C,
    before: DateTime<Utc>,
    batch: u64,
) -> Result<u64, DbErr> {
    let old_events: Vec<Uuid> = events::Entity::find()
        .select_only()
        .column(events::Column::Id)
        .filter(events::Column::OccurredAt.lt(before))
        .order_by_asc(events::Column::OccurredAt)
        .limit(batch)
        .into_tuple()
        .all(db)
        .await?;
    let mut pruned =
        delete(db, events::Entity::delete_many(), events::Column::Id, old_events).await?;

    let old_mails: Vec<Uuid> = deliveries::Entity::find()
        .select_only()
        .column(deliveries::Column::Id)
        .filter(deliveries::Column::EventId.is_null())
        .filter(deliveries::Column::CreatedAt.lt(before))
        .filter(deliveries::Column::Status.is_not_in(super::deliveries::OPEN))
        .limit(batch)
        .into_tuple()
        .all(db)
        .await?;
    pruned +=
        delete(db, deliveries::Entity::delete_many(), deliveries::Column::Id, old_mails).await?;

    let gone: Vec<Uuid> = subscribers::Entity::find()
        .select_only()
        .column(subscribers::Column::Id)
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(subscribers::Column::State.eq(SubscriberState::Pending))
                        .add(subscribers::Column::CreatedAt.lt(before)),
                )
                .add(
                    Condition::all()
                        .add(subscribers::Column::State.eq(SubscriberState::Unsubscribed))
                        .add(subscribers::Column::UnsubscribedAt.lt(before)),
                ),
        )
        .limit(batch)
        .into_tuple()
        .all(db)
        .await?;
    pruned += delete(db, subscribers::Entity::delete_many(), subscribers::Column::Id, gone).await?;
    Ok(pruned)
}

async fn delete<C, E, Col>(
    db: &C,
    query: sea_orm::DeleteMany<E>,
    id: Col,
    ids: Vec<Uuid>,
) -> Result<u64, DbErr>
where
    C: ConnectionTrait,
    E: EntityTrait,
    Col: ColumnTrait,
{
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(query.filter(id.is_in(ids)).exec(db).await?.rows_affected)
}
