//! One writer per process for check results of every kind: a worker hands
//! its result over and waits for the commit, and the writer records whatever
//! has queued up meanwhile in one transaction ([`record_results`]). Under
//! load batches grow by themselves; a lone result is written at once, so
//! nothing waits for a batch to fill and a status change is never delayed.
//!
//! Each kind (each [`Step`]: HTTP/TCP results, runner listings, …) has its
//! own lane, started with its first result, since one transaction records
//! one kind; a new kind needs no code here.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use domain::pipeline::{record_results, Recorded, Step};
use sea_orm::DatabaseConnection;
use tokio::sync::{mpsc, oneshot};

/// Results per transaction at most.
const MAX_BATCH: usize = 256;
/// Results waiting for a lane before senders wait too (back-pressure).
const QUEUE: usize = 4096;

type Reply = oneshot::Sender<Result<Recorded, String>>;
type Lane<K> = mpsc::Sender<(K, Reply)>;

/// The handle workers share.
#[derive(Clone)]
pub struct ResultWriter {
    db: DatabaseConnection,
    /// One `Lane<K>` per kind, by the kind's type.
    lanes: Arc<Mutex<HashMap<TypeId, Box<dyn Any + Send>>>>,
}

impl ResultWriter {
    /// A writer recording into `db`; its lanes start with their first result.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db, lanes: Arc::default() }
    }

    /// Records `result`; returns once it is committed (or failed).
    pub async fn record<K: Step + 'static>(&self, result: K) -> Result<Recorded, String> {
        let lane = self.lane::<K>().ok_or("the result writer has no lane for this kind")?;
        let (reply, answer) = oneshot::channel();
        lane.send((result, reply)).await.map_err(|_| "the result writer stopped".to_owned())?;
        answer.await.map_err(|_| "the result writer stopped".to_owned())?
    }

    /// `K`'s lane, its writer task started on first use.
    fn lane<K: Step + 'static>(&self) -> Option<Lane<K>> {
        let mut lanes = self.lanes.lock().unwrap_or_else(PoisonError::into_inner);
        let lane = lanes.entry(TypeId::of::<K>()).or_insert_with(|| {
            let (tx, rx) = mpsc::channel::<(K, Reply)>(QUEUE);
            tokio::spawn(write(self.db.clone(), rx));
            Box::new(tx)
        });
        lane.downcast_ref::<Lane<K>>().cloned()
    }
}

/// Writes batches of one kind until every handle is gone.
async fn write<K: Step + 'static>(db: DatabaseConnection, mut queue: mpsc::Receiver<(K, Reply)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (results, replies): (Vec<K>, Vec<Reply>) = batch.drain(..).unzip();
        metrics::histogram!(crate::metrics::RESULT_BATCH_SIZE).record(results.len() as f64);
        match record_results(&db, &results).await {
            Ok(recorded) => {
                for (reply, recorded) in replies.into_iter().zip(recorded) {
                    let _ = reply.send(Ok(recorded)); // the job may have been cancelled
                }
            }
            Err(err) => {
                let message = err.to_string();
                for reply in replies {
                    let _ = reply.send(Err(message.clone()));
                }
            }
        }
    }
}
