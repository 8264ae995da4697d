//! One writer per process for check results: the check worker hands its
//! result over and waits for the commit, and the writer records whatever has
//! queued up meanwhile in one transaction ([`record_results`]). Under load
//! batches grow by themselves; a lone result is written at once, so nothing
//! waits for a batch to fill and a status change is never delayed.

use std::sync::{Arc, OnceLock};

use domain::pipeline::{record_results, CheckResult, Recorded};
use sea_orm::DatabaseConnection;
use tokio::sync::{mpsc, oneshot};

/// Results per transaction at most.
const MAX_BATCH: usize = 256;
/// Results waiting for the writer before senders wait too (back-pressure).
const QUEUE: usize = 4096;

type Reply = oneshot::Sender<Result<Recorded, String>>;

/// The handle workers share; the writer task starts with the first result.
#[derive(Clone)]
pub struct ResultWriter {
    db: DatabaseConnection,
    sender: Arc<OnceLock<mpsc::Sender<(CheckResult, Reply)>>>,
}

impl ResultWriter {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db, sender: Arc::new(OnceLock::new()) }
    }

    /// Records `result`; returns once it is committed (or failed).
    pub async fn record(&self, result: CheckResult) -> Result<Recorded, String> {
        let sender = self.sender.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            tokio::spawn(write(self.db.clone(), rx));
            tx
        });
        let (reply, answer) = oneshot::channel();
        sender.send((result, reply)).await.map_err(|_| "the result writer stopped".to_owned())?;
        answer.await.map_err(|_| "the result writer stopped".to_owned())?
    }
}

/// Writes batches until every handle is gone.
async fn write(db: DatabaseConnection, mut queue: mpsc::Receiver<(CheckResult, Reply)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (results, replies): (Vec<CheckResult>, Vec<Reply>) = batch.drain(..).unzip();
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
