//! The durable, fast write path for tracking events.
//!
//! - **Clicks and opens** (the redirect and the pixel) are appended to the
//!   click log ([`super::log`]) with one `write(2)` and answered as soon as
//!   it returns. The loader task moves the log into the database in large
//!   transactions, recording how far it got in the same transaction (on
//!   PostgreSQL in two steps, see [`Loader`]), and replays whatever is left
//!   when the server starts.
//! - **Page events** (spotlight visits, items, downloads, portal views) are
//!   group-committed: a request hands its event to one writer task and
//!   waits; the writer stores every event waiting at that moment in one
//!   transaction and then answers them all. The page needs the database's
//!   answer (was this the first visit?).
//!
//! Either way a request is answered only once its event is durable, so a
//! `kill -9` can lose a request that was never answered, never a click
//! whose 302 was sent. `docs/tracking.md` explains the design.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, TransactionTrait};
use sea_orm::sqlx::PgPool;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot, watch, Notify};

use super::events::EventKind;
use super::log::{EventLog, Position};
use super::store::{self, Marks, Rows};
use super::timing::TimingRules;
use crate::config::Config;
use crate::entities::setting;
use crate::error::{AppError, Result};

/// Most events taken into one batch.
const MAX_BATCH: usize = 2_000;
/// Most log lines the loader writes in one transaction.
const LOAD_BATCH: usize = 5_000;
/// How long the loader lets clicks gather after a small batch: fewer,
/// larger transactions cost the database less per click.
const GATHER: Duration = Duration::from_millis(20);
/// Requests that may wait for the recorder before new ones are turned away.
const QUEUE: usize = 20_000;

/// One event as a handler saw it. Short field names and no empty fields:
/// this is also the click log's line format.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NewEvent {
    #[serde(rename = "k")]
    pub kind: EventKind,
    #[serde(rename = "ch")]
    pub channel: String,
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    pub announcement_id: Option<i32>,
    #[serde(rename = "c", default, skip_serializing_if = "Option::is_none")]
    pub collateral_id: Option<i32>,
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    pub recipient_id: Option<i32>,
    #[serde(rename = "u", default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i32>,
    #[serde(rename = "l", default, skip_serializing_if = "Option::is_none")]
    pub link_id: Option<i32>,
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub short_link_id: Option<i32>,
    #[serde(rename = "cl")]
    pub client: super::Client,
    #[serde(rename = "t")]
    pub occurred_at: DateTime<Utc>,
    /// Count once per employee, item and day (portal views): a repeat is dropped.
    #[serde(rename = "once", default, skip_serializing_if = "std::ops::Not::not")]
    pub once_per_day: bool,
}

impl NewEvent {
    /// Redirects and pixels need no answer from the database.
    fn goes_to_log(&self) -> bool {
        matches!(self.kind, EventKind::Click | EventKind::Open)
    }
}

struct Job {
    event: NewEvent,
    done: oneshot::Sender<Result<bool, String>>,
}

/// Cheap to clone; every clone feeds the same writer task.
#[derive(Clone)]
pub struct Recorder {
    jobs: mpsc::Sender<Job>,
    log: EventLog,
    loaded: watch::Receiver<Position>,
    wake_loader: Arc<Notify>,
}

impl Recorder {
    /// Opens the click log in `dir`, loads what an earlier run left in it,
    /// and starts the writer and the loader.
    pub async fn start(db: DatabaseConnection, config: Arc<Config>, server_id: &str, stopped: watch::Receiver<bool>) -> anyhow::Result<Recorder> {
        let dir = config.click_log_dir();
        let log = EventLog::open(&dir).map_err(|error| anyhow::anyhow!("cannot open the click log in {}: {error}", dir.display()))?;
        let mut loader = Loader {
            db: db.clone(),
            log: log.clone(),
            key: format!("click_log:{server_id}"),
            rows_key: format!("click_log_rows:{server_id}"),
            marks: Marks::default(),
            at: Position::default(),
            rows_at: None,
            buffers: Buffers::default(),
            rules: config.tracking.clone(),
        };
        loader.read_positions().await?;
        while loader.load_some().await? > 0 {}
        let (loaded_tx, loaded) = watch::channel(loader.at);
        let wake_loader = Arc::new(Notify::new());
        let rules = config.tracking.clone();
        spawn_loader(loader, config, wake_loader.clone(), loaded_tx, stopped)?;
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(db, rules, queue));
        Ok(Recorder { jobs, log, loaded, wake_loader })
    }

    /// Stores the event; returns once it is durable. `true` means this was
    /// the recipient's first (human) visit of their spotlight page.
    pub async fn record(&self, event: NewEvent) -> Result<bool> {
        if event.goes_to_log() {
            // One short write(2) into the kernel's page cache: no waiting on
            // other requests or on the database.
            return match self.log.append(&[&event]) {
                Ok(_) => {
                    self.wake_loader.notify_one();
                    Ok(false)
                }
                Err(error) => {
                    tracing::warn!(%error, "the click log could not be written");
                    Err(AppError::Unavailable)
                }
            };
        }
        let (done, committed) = oneshot::channel();
        self.jobs.try_send(Job { event, done }).map_err(|_| AppError::Unavailable)?;
        match committed.await {
            Ok(Ok(first)) => Ok(first),
            Ok(Err(error)) => {
                tracing::warn!(%error, "tracking events could not be stored");
                Err(AppError::Unavailable)
            }
            Err(_) => Err(AppError::Unavailable),
        }
    }

    /// Waits (briefly) until every click this server logged so far is in the
    /// database, so a report shows the clicks its reader just made.
    pub async fn settled(&self) {
        let target = self.log.written();
        self.wake_loader.notify_one();
        let mut loaded = self.loaded.clone();
        let _ = tokio::time::timeout(Duration::from_secs(5), loaded.wait_for(|at| *at >= target)).await;
    }
}

/// The group commit of page events.
async fn write_batches(db: DatabaseConnection, rules: TimingRules, mut queue: mpsc::Receiver<Job>) {
    let mut marks = Marks::default();
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        // Let requests that are already being handled join this batch:
        // fewer, larger transactions.
        tokio::task::yield_now().await;
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let events: Vec<&NewEvent> = batch.iter().map(|job| &job.event).collect();
        let outcome = commit(&db, &mut marks, &rules, &events).await;
        if outcome.is_err() {
            // The transaction rolled back; the marks it set may not exist.
            marks = Marks::default();
        }
        answer(batch.drain(..).collect(), outcome.map_err(|error| error.to_string()));
    }
}

fn answer(jobs: Vec<Job>, outcome: Result<Vec<bool>, String>) {
    match outcome {
        Ok(firsts) => {
            for (job, first) in jobs.into_iter().zip(firsts) {
                let _ = job.done.send(Ok(first));
            }
        }
        Err(message) => {
            for job in jobs {
                let _ = job.done.send(Err(message.clone()));
            }
        }
    }
}

async fn commit(db: &DatabaseConnection, marks: &mut Marks, rules: &TimingRules, events: &[&NewEvent]) -> Result<Vec<bool>, sea_orm::DbErr> {
    let txn = db.begin().await?;
    let applied = store::apply(&txn, marks, rules, events, Rows::Insert).await?;
    txn.commit().await?;
    Ok(applied.remember(marks))
}

/// Moves the click log into the database.
///
/// On SQLite a batch of lines is one transaction: the rows, what they imply
/// and the position reached. On PostgreSQL the rows go first, by `COPY` in
/// a transaction of their own that records how far rows are stored
/// (`rows_key`); the second transaction applies what they imply and
/// records the loaded position (`key`). Lines between the two positions
/// (the server died in between) get only the second step, so each line is
/// still stored and applied exactly once.
struct Loader {
    db: DatabaseConnection,
    log: EventLog,
    /// The `settings` row that holds how far this server's log is loaded.
    key: String,
    /// The `settings` row that holds how far its rows are stored (PostgreSQL).
    rows_key: String,
    marks: Marks,
    at: Position,
    rows_at: Option<Position>,
    buffers: Buffers,
    rules: TimingRules,
}

/// The loader's reusable buffers: lines read from the log, rows for `COPY`.
#[derive(Default)]
struct Buffers {
    lines: Vec<u8>,
    rows: Vec<u8>,
}

impl Loader {
    /// Where to go on from: read at start and after an error, when a commit
    /// may have succeeded although its answer was lost.
    async fn read_positions(&mut self) -> anyhow::Result<()> {
        self.at = match self.stored(&self.key).await? {
            Some(at) => at,
            None => Position { segment: self.log.first_segment()?, offset: 0 },
        };
        // Segments before it were loaded; a crash may have kept them on disk.
        self.log.remove_before(self.at.segment)?;
        self.rows_at = self.stored(&self.rows_key).await?;
        Ok(())
    }

    /// The position a `settings` row holds, if any.
    async fn stored(&self, key: &str) -> anyhow::Result<Option<Position>> {
        let row = setting::Entity::find_by_id(key.to_owned()).one(&self.db).await?;
        Ok(row.and_then(|row| Position::decode(&row.value)))
    }

    /// The pool to `COPY` rows through: PostgreSQL's.
    fn copy_pool(&self) -> Option<PgPool> {
        matches!(self.db, DatabaseConnection::SqlxPostgresPoolConnection(_)).then(|| self.db.get_postgres_connection_pool().clone())
    }

    fn save(&self, at: Position) -> sea_orm::Insert<setting::ActiveModel> {
        setting::Entity::insert(setting::ActiveModel { key: Set(self.key.clone()), value: Set(at.encode()) })
            .on_conflict(OnConflict::column(setting::Column::Key).update_column(setting::Column::Value).to_owned())
    }

    /// Loads the next lines of the log; returns how much progress it made.
    async fn load_some(&mut self) -> anyhow::Result<usize> {
        // Checked before reading: once a newer segment exists, nothing more
        // is written to this one, so reading it to the end finishes it.
        let closed = self.log.is_closed(self.at.segment)?;
        // Lines whose rows are stored but not yet applied come first, alone.
        let stored_ahead = self.rows_at.filter(|rows| rows.segment == self.at.segment && rows.offset > self.at.offset);
        let (events, end) = self.log.read(self.at, LOAD_BATCH, stored_ahead.map(|rows| rows.offset), &mut self.buffers.lines)?;
        if end > self.at.offset {
            let next = Position { segment: self.at.segment, offset: end };
            let rows = match (stored_ahead, self.copy_pool()) {
                (Some(_), _) => Rows::Stored,
                (None, Some(pool)) => {
                    super::copy::store_rows(&pool, &events, &self.rows_key, next, &mut self.buffers.rows).await?;
                    self.rows_at = Some(next);
                    Rows::Stored
                }
                (None, None) => Rows::Insert,
            };
            let txn = self.db.begin().await?;
            let refs: Vec<&NewEvent> = events.iter().collect();
            let applied = store::apply(&txn, &mut self.marks, &self.rules, &refs, rows).await?;
            self.save(next).exec_without_returning(&txn).await?;
            txn.commit().await?;
            applied.remember(&mut self.marks);
            self.at = next;
            return Ok(events.len().max(1));
        }
        if closed {
            let next = Position { segment: self.at.segment + 1, offset: 0 };
            self.save(next).exec_without_returning(&self.db).await?;
            self.at = next;
            self.log.remove_before(next.segment)?;
            return Ok(1);
        }
        Ok(0)
    }

    /// Loads until the server stops or its recorder is gone.
    async fn run(mut self, wake: Arc<Notify>, loaded: watch::Sender<Position>, stopped: watch::Receiver<bool>) {
        while !*stopped.borrow() && !loaded.is_closed() {
            match self.load_some().await {
                Ok(0) => {
                    let _ = loaded.send(self.at);
                    tokio::select! {
                        _ = wake.notified() => {}
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    }
                    tokio::time::sleep(GATHER).await;
                }
                Ok(lines) => {
                    let _ = loaded.send(self.at);
                    if lines < LOAD_BATCH / 5 {
                        tokio::time::sleep(GATHER).await;
                    }
                }
                Err(error) => {
                    // The lines stay in the log; they are loaded when the database is back.
                    tracing::warn!(%error, "loading the click log into the database failed; retrying");
                    self.marks = Marks::default();
                    loop {
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        if *stopped.borrow() || loaded.is_closed() || self.read_positions().await.is_ok() {
                            break;
                        }
                    }
                }
            }
        }
    }
}

/// Nice value of the loader's thread and of the database connection it
/// opens (SQLite runs each connection on a thread of its own, which inherits
/// it). Redirects only append to the log, so under a burst of clicks the
/// cores answer them first and the loader catches up when the burst passes;
/// when the machine is idle the lower priority changes nothing.
const LOADER_NICE: i32 = 10;

/// Runs the loader on a thread of its own, at a lower CPU priority, with its
/// own runtime and database connection (a connection belongs to the runtime
/// that opened it).
fn spawn_loader(mut loader: Loader, config: Arc<Config>, wake: Arc<Notify>, loaded: watch::Sender<Position>, stopped: watch::Receiver<bool>) -> anyhow::Result<()> {
    std::thread::Builder::new().name("click-loader".into()).spawn(move || {
        lower_priority(LOADER_NICE);
        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(runtime) => runtime,
            Err(error) => return tracing::error!(%error, "the click-log loader could not start; clicks stay in the log until a restart"),
        };
        runtime.block_on(async move {
            loop {
                if *stopped.borrow() || loaded.is_closed() {
                    return;
                }
                match crate::db::connect_with(&config, 1).await {
                    Ok(db) => {
                        loader.db = db;
                        break;
                    }
                    Err(error) => {
                        tracing::warn!(error = %format!("{error:#}"), "the click-log loader cannot reach the database; retrying");
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                }
            }
            loader.run(wake, loaded, stopped).await;
        });
    })?;
    Ok(())
}

#[cfg(target_os = "linux")]
fn lower_priority(nice: i32) {
    // On Linux a nice value belongs to one thread: this one, and the threads it starts.
    if let Err(error) = rustix::process::setpriority_process(Some(rustix::thread::gettid()), nice) {
        tracing::debug!(%error, "could not lower the click-log loader's priority");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority(_nice: i32) {}
