//! The queues' promises, on real SQLite, Postgres and Redis: every job is
//! handled, retries are bounded, a dead worker's job comes back, a restarted
//! Redis is survived, and the probes answer quickly.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use std::time::{Duration, Instant};

use jobs::{run_worker, Job, JobError, QueueConfig, QueueError, Queues, WorkerOptions};
use serde::{Deserialize, Serialize};
use support::{fast_config, on_each_backend, shutdown_signal, Ping, Recorder, RedisServer};

fn options(concurrency: usize, max_attempts: u32) -> WorkerOptions {
    WorkerOptions { concurrency, max_attempts, name: "test".to_owned() }
}

/// Runs a worker that records every `Ping` and succeeds; returns its stop switch.
fn spawn_recording_worker(
    queues: &Queues,
    recorder: &Recorder,
    concurrency: usize,
) -> (tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<Result<(), QueueError>>) {
    let (stop, signal) = shutdown_signal();
    let seen = recorder.clone();
    let handler = move |job: Ping| {
        let seen = seen.clone();
        async move {
            seen.record(job.id);
            Ok::<(), JobError>(())
        }
    };
    let worker = tokio::spawn(run_worker(queues.clone(), options(concurrency, 3), handler, signal));
    (stop, worker)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_pushed_job_is_handled_exactly_once() {
    on_each_backend(fast_config(), |label, queues| async move {
        let recorder = Recorder::default();
        // Two competing workers: a job claimed by one must never reach the other.
        let (stop_a, a) = spawn_recording_worker(&queues, &recorder, 8);
        let (stop_b, worker_b2) = spawn_recording_worker(&queues, &recorder, 8);
        for chunk in (0..200u32).collect::<Vec<_>>().chunks(50) {
            queues.push_many(chunk.iter().map(|&id| Ping { id }).collect()).await.unwrap();
        }
        recorder.wait_until(Duration::from_secs(60), label, |r| r.distinct() == 200).await;
        // Late duplicates would show up within a few polls.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let twice: Vec<_> = recorder.snapshot().into_iter().filter(|(_, n)| *n != 1).collect();
        assert!(twice.is_empty(), "{}: handled more than once: {twice:?}", label);
        assert_eq!(queues.depth(Ping::QUEUE).await.unwrap(), 0, "{}", label);
        let _ = (stop_a.send(()), stop_b.send(()));
        a.await.unwrap().unwrap();
        worker_b2.await.unwrap().unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_job_is_redelivered_until_it_succeeds_and_stops_after_max_attempts() {
    on_each_backend(fast_config(), |label, queues| async move {
        let recorder = Recorder::default();
        let seen = recorder.clone();
        // 1 fails twice then succeeds; 2 always asks to retry; 3 fails for good.
        let handler = move |job: Ping| {
            let seen = seen.clone();
            async move {
                let attempt = seen.record(job.id);
                match job.id {
                    1 if attempt < 3 => Err(JobError::Retry(format!("try {attempt}"))),
                    2 => Err(JobError::Retry("still down".to_owned())),
                    3 => Err(JobError::Fatal("bad target".to_owned())),
                    _ => Ok(()),
                }
            }
        };
        let (stop, signal) = shutdown_signal();
        let worker = tokio::spawn(run_worker(queues.clone(), options(4, 3), handler, signal));
        queues.push_many(vec![Ping { id: 1 }, Ping { id: 2 }, Ping { id: 3 }]).await.unwrap();
        recorder
            .wait_until(Duration::from_secs(20), label, |r| r.count(1) == 3 && r.count(2) == 3)
            .await;
        // Longer than the next backoff (2 s): a 4th delivery would have happened.
        tokio::time::sleep(Duration::from_secs(4)).await;
        let counts = (recorder.count(1), recorder.count(2), recorder.count(3));
        assert_eq!(counts, (3, 3, 1), "{}: deliveries of jobs 1, 2, 3", label);
        assert_eq!(queues.depth(Ping::QUEUE).await.unwrap(), 0, "{}", label);
        let _ = stop.send(());
        worker.await.unwrap().unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_held_by_a_killed_worker_is_redelivered_to_another() {
    on_each_backend(fast_config(), |label, queues| async move {
        // Worker A finishes job 1, then hangs on job 2 until it is killed.
        let first = Recorder::default();
        let seen = first.clone();
        let hanging = move |job: Ping| {
            let seen = seen.clone();
            async move {
                seen.record(job.id);
                if job.id == 2 {
                    std::future::pending::<()>().await;
                }
                Ok::<(), JobError>(())
            }
        };
        let worker_a = tokio::spawn(run_worker(
            queues.clone(),
            options(2, 3),
            hanging,
            std::future::pending(),
        ));
        queues.push(Ping { id: 1 }).await.unwrap();
        first.wait_until(Duration::from_secs(10), label, |r| r.count(1) == 1).await;
        queues.push(Ping { id: 2 }).await.unwrap();
        first.wait_until(Duration::from_secs(10), label, |r| r.count(2) == 1).await;
        // Killed: no graceful stop, no acknowledgement, no more heartbeats.
        worker_a.abort();
        let killed_at = Instant::now();

        let second = Recorder::default();
        let (stop, worker_b) = spawn_recording_worker(&queues, &second, 2);
        // Due after orphan_after (3 s) plus a heartbeat; apalis's own default
        // would be minutes, past this generous bound. No duration is asserted.
        second.wait_until(Duration::from_secs(60), label, |r| r.count(2) == 1).await;
        eprintln!("{label}: redelivered {:?} after the kill", killed_at.elapsed());
        // Job 1 was acknowledged by A: it must not come back with A's death.
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(second.count(1), 0, "{}: an acknowledged job was redelivered", label);
        let _ = stop.send(());
        worker_b.await.unwrap().unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_resumes_by_itself_after_redis_restarts() {
    let Some(mut redis) = RedisServer::start() else { return };
    let db = domain::testing::sqlite().await;
    let queues = Queues::connect_with(Some(&redis.url()), &db.db, fast_config()).await.unwrap();
    let recorder = Recorder::default();
    let (stop, worker) = spawn_recording_worker(&queues, &recorder, 4);
    queues.push_many((0..20).map(|id| Ping { id }).collect()).await.unwrap();
    recorder.wait_until(Duration::from_secs(20), "before restart", |r| r.distinct() == 20).await;

    // Jobs nobody consumes yet must outlive the restart (append-only file).
    queues.push_many(vec![Quiet, Quiet, Quiet]).await.unwrap();

    redis.shutdown();
    assert!(queues.push(Ping { id: 999 }).await.is_err(), "a push to a dead Redis must fail");
    tokio::time::sleep(Duration::from_secs(1)).await;
    redis.restart();

    // The first commands after the restart may still fail while the
    // connection manager reconnects: retry the push like a producer would.
    let mut accepted = false;
    for _ in 0..300 {
        if queues.push_many((20..40).map(|id| Ping { id }).collect()).await.is_ok() {
            accepted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(accepted, "Redis never accepted pushes again (300 tries)");
    recorder.wait_until(Duration::from_secs(30), "after restart", |r| r.distinct() == 40).await;
    assert_eq!(queues.depth(Quiet::QUEUE).await.unwrap(), 3, "queued jobs lost in the restart");
    let _ = stop.send(());
    worker.await.unwrap().unwrap();
}

/// The members of `queue`'s worker set in Redis (apalis-redis's key).
async fn registered_workers(
    conn: &mut redis::aio::MultiplexedConnection,
    key: &str,
) -> Vec<String> {
    redis::cmd("ZRANGE").arg(key).arg(0).arg(-1).query_async(conn).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_running_when_its_worker_loses_the_backend_goes_on_to_its_end() {
    let Some(redis) = RedisServer::start() else { return };
    let db = domain::testing::sqlite().await;
    let config = fast_config();
    let workers_key = format!("{}:{}:workers", config.namespace, Ping::QUEUE);
    let queues = Queues::connect_with(Some(&redis.url()), &db.db, config).await.unwrap();
    let recorder = Recorder::default();
    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    let (seen, gate) = (recorder.clone(), release.clone());
    // Job 1 is a delivery in flight: started, waiting for its receiver.
    let handler = move |job: Ping| {
        let (seen, gate) = (seen.clone(), gate.clone());
        async move {
            seen.record(job.id);
            if job.id == 1 {
                gate.notified().await;
                seen.record(101);
            }
            Ok::<(), JobError>(())
        }
    };
    let (stop, signal) = shutdown_signal();
    let worker = tokio::spawn(run_worker(queues.clone(), options(2, 3), handler, signal));
    queues.push(Ping { id: 1 }).await.unwrap();
    recorder.wait_until(Duration::from_secs(20), "redis", |r| r.count(1) == 1).await;

    // What a worker whose clock runs ahead does to the others: it takes them
    // for dead and drops them from the worker set. This one's next fetch
    // fails, and it starts a fresh apalis worker under a new name.
    let client = redis::Client::open(redis.url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let before = registered_workers(&mut conn, &workers_key).await;
    assert_eq!(before.len(), 1, "one worker registered: {before:?}");
    let _: i64 =
        redis::cmd("ZREM").arg(&workers_key).arg(&before[0]).query_async(&mut conn).await.unwrap();
    let mut restarted = false;
    for _ in 0..300 {
        let now = registered_workers(&mut conn, &workers_key).await;
        if now.iter().any(|name| !before.contains(name)) {
            restarted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(restarted, "the worker never registered again after losing its place");

    release.notify_one();
    recorder.wait_until(Duration::from_secs(20), "redis", |r| r.count(101) == 1).await;
    queues.push(Ping { id: 2 }).await.unwrap();
    recorder.wait_until(Duration::from_secs(20), "redis", |r| r.count(2) == 1).await;
    let _ = stop.send(());
    worker.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn depth_counts_pending_jobs_until_a_worker_takes_them() {
    on_each_backend(fast_config(), |label, queues| async move {
        assert_eq!(queues.depth(Ping::QUEUE).await.unwrap(), 0, "{}", label);
        queues.push_many((0..5).map(|id| Ping { id }).collect()).await.unwrap();
        assert_eq!(queues.depth(Ping::QUEUE).await.unwrap(), 5, "{}", label);
        assert_eq!(queues.depth(Quiet::QUEUE).await.unwrap(), 0, "{}: other queue", label);
        queues.ping().await.unwrap();

        let recorder = Recorder::default();
        let (stop, worker) = spawn_recording_worker(&queues, &recorder, 2);
        recorder.wait_until(Duration::from_secs(10), label, |r| r.distinct() == 5).await;
        assert_eq!(queues.depth(Ping::QUEUE).await.unwrap(), 0, "{}", label);
        let _ = stop.send(());
        worker.await.unwrap().unwrap();
    })
    .await;
}

#[tokio::test]
async fn connecting_to_a_closed_redis_port_fails_fast() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let db = domain::testing::sqlite().await;
    let start = Instant::now();
    let url = format!("redis://127.0.0.1:{port}");
    assert!(Queues::connect(Some(&url), &db.db).await.is_err());
    // It gives up instead of retrying forever. (Measured well under 3 s; the
    // bound is generous so a loaded machine cannot fail it.)
    assert!(start.elapsed() < Duration::from_secs(20), "took {:?}", start.elapsed());
}

#[tokio::test]
async fn ping_fails_fast_once_redis_is_gone() {
    let Some(mut redis) = RedisServer::start() else { return };
    let db = domain::testing::sqlite().await;
    let queues = Queues::connect(Some(&redis.url()), &db.db).await.unwrap();
    queues.ping().await.unwrap();
    assert_eq!(queues.name(), "redis");
    redis.shutdown();
    let start = Instant::now();
    assert!(queues.ping().await.is_err(), "ping answered without Redis");
    // It gives up instead of reconnecting forever (generous bound, see above).
    assert!(start.elapsed() < Duration::from_secs(20), "took {:?}", start.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_worker_takes_a_push_from_its_own_process_at_once() {
    // Polls and heartbeats so rare that only the in-process wake-up can
    // deliver the job before the 15 s bound: the assertion is on the path
    // taken, not on a duration a loaded machine could miss.
    let config = QueueConfig {
        namespace: fast_config().namespace,
        heartbeat: Duration::from_secs(40),
        orphan_after: Duration::from_secs(120),
        poll_interval: Duration::from_secs(120),
        ..QueueConfig::default()
    };
    on_each_backend(config, |label, queues| async move {
        let recorder = Recorder::default();
        let (stop, worker) = spawn_recording_worker(&queues, &recorder, 2);
        // Let the worker register and go idle first.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let start = Instant::now();
        queues.push(Ping { id: 7 }).await.unwrap();
        recorder.wait_until(Duration::from_secs(15), label, |r| r.count(7) == 1).await;
        eprintln!("{label}: taken {:?} after the push", start.elapsed());
        let _ = stop.send(());
        worker.await.unwrap().unwrap();
    })
    .await;
}

/// A job of a queue that no test worker consumes.
#[derive(Debug, Serialize, Deserialize)]
struct Quiet;

impl Job for Quiet {
    const QUEUE: &'static str = "quiet";
}

/// A job type of `Ping`'s queue whose payload `Ping`'s is not.
#[derive(Debug, Serialize, Deserialize)]
struct Other {
    name: String,
}

impl jobs::Job for Other {
    const QUEUE: &'static str = "ping";
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undecodable_job_is_dropped_and_the_worker_goes_on() {
    on_each_backend(fast_config(), |label, queues| async move {
        // An old payload shape left in the queue must not stall it.
        queues.push(Other { name: "old shape".to_owned() }).await.unwrap();
        let recorder = Recorder::default();
        let (stop, worker) = spawn_recording_worker(&queues, &recorder, 1);
        queues.push(Ping { id: 5 }).await.unwrap();
        recorder.wait_until(Duration::from_secs(10), label, |r| r.count(5) == 1).await;
        assert_eq!(recorder.distinct(), 1, "{}", label);
        let _ = stop.send(());
        worker.await.unwrap().unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finished_jobs_are_purged_after_their_retention() {
    let config = QueueConfig { keep_done: Duration::ZERO, ..fast_config() };
    on_each_backend(config, |label, queues| async move {
        let recorder = Recorder::default();
        let (stop, worker) = spawn_recording_worker(&queues, &recorder, 2);
        queues.push_many((0..5).map(|id| Ping { id }).collect()).await.unwrap();
        recorder.wait_until(Duration::from_secs(10), label, |r| r.distinct() == 5).await;
        let _ = stop.send(());
        worker.await.unwrap().unwrap();
        // Acknowledgements are written just after the handlers return.
        let mut purged = 0;
        for _ in 0..300 {
            if purged >= 5 {
                break;
            }
            purged += queues.purge_finished(Ping::QUEUE).await.unwrap();
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(purged, 5, "{}", label);
        assert_eq!(queues.purge_finished(Ping::QUEUE).await.unwrap(), 0, "{}", label);
    })
    .await;
}

/// The fields of the `job` spans the workers opened, and of the `job` span
/// around each event a handler logged, as a test layer captured them.
#[derive(Clone, Default)]
struct JobSpans {
    closed: std::sync::Arc<std::sync::Mutex<Vec<SpanFields>>>,
    events: std::sync::Arc<std::sync::Mutex<Vec<SpanFields>>>,
}

#[derive(Clone, Debug, Default)]
struct SpanFields(std::collections::HashMap<String, String>);

impl tracing::field::Visit for SpanFields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S> tracing_subscriber::Layer<S> for JobSpans
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if attrs.metadata().name() == "job" {
            let mut fields = SpanFields::default();
            attrs.record(&mut fields);
            ctx.span(id).unwrap().extensions_mut().insert(fields);
        }
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if let Some(fields) = ctx.span(id).unwrap().extensions_mut().get_mut::<SpanFields>() {
            values.record(fields);
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, ctx: tracing_subscriber::layer::Context<'_, S>) {
        let job = ctx.event_scope(event).and_then(|mut scope| {
            scope.find_map(|span| span.extensions().get::<SpanFields>().cloned())
        });
        if let Some(mut fields) = job {
            event.record(&mut fields); // adds the event's own `message`
            self.events.lock().unwrap().push(fields);
        }
    }

    fn on_close(&self, id: tracing::span::Id, ctx: tracing_subscriber::layer::Context<'_, S>) {
        if let Some(fields) = ctx.span(&id).unwrap().extensions_mut().remove::<SpanFields>() {
            self.closed.lock().unwrap().push(fields);
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn every_job_runs_in_a_span_with_its_queue_task_attempt_and_monitor() {
    use jobs::payloads::CheckJob;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::Layer;

    let sqlite = domain::testing::sqlite().await;
    let queues = Queues::connect_with(None, &sqlite.db, fast_config()).await.unwrap();
    // A current-thread runtime: the subscriber set here sees every task. Only
    // the queue layer's spans and this test's events are captured.
    let spans = JobSpans::default();
    let only = tracing_subscriber::filter::Targets::new()
        .with_target("jobs", tracing::Level::INFO)
        .with_target(module_path!(), tracing::Level::INFO);
    let _subscriber = tracing::subscriber::set_default(
        tracing_subscriber::registry().with(spans.clone().with_filter(only)),
    );
    let recorder = Recorder::default();
    let seen = recorder.clone();
    // The first delivery asks for a retry, so a second attempt runs.
    let handler = move |_job: CheckJob| {
        let seen = seen.clone();
        async move {
            let attempt = seen.record(1);
            tracing::info!(attempt_seen = attempt, "handled");
            if attempt == 1 {
                return Err(JobError::Retry("once more".to_owned()));
            }
            Ok(())
        }
    };
    let (stop, signal) = shutdown_signal();
    let worker = tokio::spawn(run_worker(queues.clone(), options(1, 3), handler, signal));
    let monitor_id = uuid::Uuid::new_v4();
    queues.push(CheckJob { monitor_id, slot: 1 }).await.unwrap();
    recorder.wait_until(Duration::from_secs(30), "sqlite", |r| r.count(1) == 2).await;
    let _ = stop.send(());
    worker.await.unwrap().unwrap();

    let events = spans.events.lock().unwrap().clone();
    let handled: Vec<_> = events.iter().filter(|e| e.0["message"] == "handled").collect();
    assert_eq!(handled.len(), 2, "the handler's logs are inside the job's span: {events:?}");
    for (fields, attempt) in handled.iter().zip(["1", "2"]) {
        assert_eq!(fields.0["queue"], "checks", "{fields:?}");
        assert_eq!(fields.0["attempt"], attempt, "{fields:?}");
        assert_eq!(fields.0["monitor_id"], monitor_id.to_string(), "{fields:?}");
        assert!(!fields.0["task_id"].is_empty(), "{fields:?}");
    }
    assert_ne!(handled[0].0["task_id"], handled[1].0["task_id"], "a retry is a new task");
    let closed = spans.closed.lock().unwrap().clone();
    assert!(closed.len() >= 2, "the spans closed when the jobs ended: {closed:?}");
}
