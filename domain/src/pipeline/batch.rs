//! Recording many results of one kind in one transaction: one commit (one
//! fsync on Postgres, one turn of SQLite's single writer) for a whole batch
//! instead of one per check, with the skeleton's guarantees
//! ([`super::recording`]): the same steps, the same stale guard, the same
//! compare-and-swap.
//!
//! The batch path takes the common case only: the first result of each
//! monitor in the batch, not recorded before, whose monitor exists. Anything
//! else (a second result of one monitor, a redelivery, a deleted monitor)
//! and every result of a batch that lost a state race is recorded one at a
//! time afterwards by [`record`], which knows those cases.

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::recording::{advance, check_id, check_row, is_stale, record, Recorded, Step};
use crate::entities::{checks, monitor_state, monitors};

/// Records `results`; the answer has one entry per result, in order.
pub async fn record_results<K: Step>(
    db: &DatabaseConnection,
    results: &[K],
) -> Result<Vec<Recorded>, DbErr> {
    let mut answers: Vec<Option<Recorded>> = vec![None; results.len()];
    let fast = fast_path(results);
    if !fast.is_empty() {
        if let Some(recorded) = try_batch(db, results, &fast).await? {
            for (index, outcome) in fast.iter().zip(recorded) {
                answers[*index] = outcome;
            }
        }
    }
    let mut out = Vec::with_capacity(results.len());
    for (result, answer) in results.iter().zip(answers) {
        out.push(match answer {
            Some(recorded) => recorded,
            None => record(db, result).await?,
        });
    }
    Ok(out)
}

/// Indexes of the first result of each monitor.
fn fast_path<K: Step>(results: &[K]) -> Vec<usize> {
    let mut seen = HashSet::new();
    (0..results.len()).filter(|&i| seen.insert(results[i].monitor_id())).collect()
}

/// Records the results at `indexes` in one transaction. Per index: the
/// outcome, or `None` to leave it to the one-at-a-time path. `None` overall:
/// a state race was lost and nothing was written.
async fn try_batch<K: Step>(
    db: &DatabaseConnection,
    results: &[K],
    indexes: &[usize],
) -> Result<Option<Vec<Option<Recorded>>>, DbErr> {
    let ids: Vec<Uuid> = indexes.iter().map(|&i| results[i].monitor_id()).collect();
    let monitors: HashMap<Uuid, monitors::Model> = monitors::Entity::find()
        .filter(monitors::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let txn = crate::db::begin_write(db).await?;
    let check_ids: Vec<Uuid> =
        indexes.iter().map(|&i| check_id(results[i].monitor_id(), results[i].slot())).collect();
    let recorded: HashSet<Uuid> = checks::Entity::find()
        .select_only()
        .column(checks::Column::Id)
        .filter(checks::Column::Id.is_in(check_ids.clone()))
        .into_tuple::<Uuid>()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    // Fresh: not recorded before, monitor present. The rest go one by one.
    let fresh: Vec<(usize, &monitors::Model)> = indexes
        .iter()
        .zip(&check_ids)
        .filter(|(_, id)| !recorded.contains(id))
        .filter_map(|(&i, _)| monitors.get(&results[i].monitor_id()).map(|m| (i, m)))
        .collect();
    if fresh.is_empty() {
        txn.rollback().await?;
        return Ok(Some(vec![None; indexes.len()]));
    }
    // Each step observes before any check row is written, as on its own.
    let mut observed = Vec::with_capacity(fresh.len());
    for (index, monitor) in fresh {
        let result = &results[index];
        let seen = result.observe(&txn, monitor).await?;
        let check = result.check(&seen);
        observed.push((index, monitor, seen, check));
    }
    checks::Entity::insert_many(
        observed.iter().map(|(i, _, _, check)| check_row(&results[*i], check)),
    )
    .on_conflict(OnConflict::column(checks::Column::Id).do_nothing().to_owned())
    .exec_without_returning(&txn)
    .await?;
    let states: HashMap<Uuid, monitor_state::Model> = monitor_state::Entity::find()
        .filter(monitor_state::Column::MonitorId.is_in(ids))
        .all(&txn)
        .await?
        .into_iter()
        .map(|s| (s.monitor_id, s))
        .collect();
    let mut outcomes: HashMap<usize, Recorded> = HashMap::with_capacity(observed.len());
    for (index, monitor, seen, check) in observed {
        let result = &results[index];
        let recorded = match states.get(&result.monitor_id()) {
            None => Recorded::gone(),
            Some(state) if is_stale(monitor, state, result.slot()) => Recorded::stale(),
            Some(state) => match advance(&txn, result, monitor, state, seen, &check).await? {
                Some(changes) => Recorded { changes, ..Default::default() },
                None => {
                    txn.rollback().await?;
                    return Ok(None);
                }
            },
        };
        outcomes.insert(index, recorded);
    }
    txn.commit().await?;
    Ok(Some(indexes.iter().map(|i| outcomes.remove(i)).collect()))
}
