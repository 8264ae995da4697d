//! Recording many check results in one transaction: one commit (one fsync on
//! Postgres, one turn of SQLite's single writer) for a whole batch instead of
//! one per check, with the same guarantees as [`record_result`].
//!
//! The batch path takes the common case only: the first result of each
//! monitor in the batch, not recorded before, whose monitor exists. Anything
//! else (a second result of one monitor, a redelivery, a deleted monitor)
//! and every result of a batch that lost a state race is recorded one at a
//! time afterwards by [`record_result`], which knows those cases.

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::results::{advance, check_id, check_row, record_result, CheckResult, Recorded};
use crate::entities::{checks, monitor_state, monitors};

/// Records `results`; the answer has one entry per result, in order.
pub async fn record_results(
    db: &DatabaseConnection,
    results: &[CheckResult],
) -> Result<Vec<Recorded>, DbErr> {
    let bounded: Vec<CheckResult> = results.iter().cloned().map(CheckResult::bounded).collect();
    let results = bounded.as_slice();
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
            None => record_result(db, result).await?,
        });
    }
    Ok(out)
}

/// Indexes of the first result of each monitor.
fn fast_path(results: &[CheckResult]) -> Vec<usize> {
    let mut seen = HashSet::new();
    (0..results.len()).filter(|&i| seen.insert(results[i].monitor_id)).collect()
}

/// Records the results at `indexes` in one transaction. Per index: the
/// outcome, or `None` to leave it to the one-at-a-time path. `None` overall:
/// a state race was lost and nothing was written.
async fn try_batch(
    db: &DatabaseConnection,
    results: &[CheckResult],
    indexes: &[usize],
) -> Result<Option<Vec<Option<Recorded>>>, DbErr> {
    let ids: Vec<Uuid> = indexes.iter().map(|&i| results[i].monitor_id).collect();
    let monitors: HashMap<Uuid, monitors::Model> = monitors::Entity::find()
        .filter(monitors::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let txn = crate::db::begin_write(db).await?;
    let check_ids: Vec<Uuid> =
        indexes.iter().map(|&i| check_id(results[i].monitor_id, results[i].slot)).collect();
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
        .filter_map(|(&i, _)| monitors.get(&results[i].monitor_id).map(|m| (i, m)))
        .collect();
    if fresh.is_empty() {
        txn.rollback().await?;
        return Ok(Some(vec![None; indexes.len()]));
    }
    checks::Entity::insert_many(fresh.iter().map(|(i, _)| check_row(&results[*i])))
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
    let mut outcomes: HashMap<usize, Recorded> = HashMap::with_capacity(fresh.len());
    for (index, monitor) in fresh {
        let result = &results[index];
        let recorded = match states.get(&result.monitor_id) {
            None => Recorded { gone: true, ..Default::default() },
            Some(state) if state.last_check_seq >= result.slot || monitor.paused => {
                Recorded { stale: true, ..Default::default() }
            }
            Some(state) => match advance(&txn, monitor, state, result).await? {
                Some(change) => Recorded { change, ..Default::default() },
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
