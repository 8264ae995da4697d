//! Replay protection for Slack commands: a verified signature is remembered
//! until its timestamp leaves the five-minute window, and the same signature
//! presented again inside the window is refused. Shared by every process
//! through the database (`slack_seen_signatures`).

use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use super::signature::MAX_SKEW_SECS;
use crate::entities::slack_seen_signatures as seen;

/// Records `signature` (of a request stamped `timestamp`) as answered;
/// `false` when it was already, i.e. this is a replay. `now` is unix seconds.
pub async fn first_use(
    db: &impl ConnectionTrait,
    signature: &str,
    timestamp: i64,
    now: i64,
) -> Result<bool, DbErr> {
    // Signatures whose window has passed can go: a replay of them is stale.
    seen::Entity::delete_many().filter(seen::Column::ExpiresAt.lt(now)).exec(db).await?;
    let key = hex::encode(Sha256::digest(signature.trim().as_bytes()));
    let inserted = seen::Entity::insert(seen::ActiveModel {
        signature: Set(key),
        expires_at: Set(timestamp + MAX_SKEW_SECS + 1),
    })
    .on_conflict(OnConflict::column(seen::Column::Signature).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}
