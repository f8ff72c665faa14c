//! The outbox worker: a few sender tasks per server, each with its own SMTP
//! connection, claiming small batches of due messages, pacing themselves to
//! the configured rate, and retrying with exponential backoff. A scheduler
//! task ([`super::scheduler`]) starts scheduled announcements when their time comes.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use lettre::address::Envelope;
use lettre::message::Mailbox;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tokio::sync::{watch, Mutex, Notify};

use super::gate::{Commit, Gate, Journal};
use super::committer::HandoverCommitter;
use super::journal::HandoverJournal;
use super::message::{self, Outgoing};
use super::smtp::{self, SendError, SmtpSettings};
use super::pacer::Pacer;
use super::writer::MessageWriter;
use super::{files, outbox};
use crate::config::Config;
use crate::entities::{outbox as outbox_row, recipient};
use crate::spotlights::service;
use crate::tracking::TokenKey;

/// Messages a sender claims at once: small, so a paused blast stops quickly
/// and other servers get their share.
const BATCH: u64 = 20;
/// A connection unused for this long is checked with NOOP before reuse.
const STALE_AFTER: Duration = Duration::from_secs(5);
/// The longest an SMTP conversation may stall before it is abandoned and retried.
const SMTP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a read announcement status is trusted.
const STATUS_TTL: Duration = Duration::from_millis(250);

pub enum Transport {
    Smtp(SmtpSettings),
    Files(PathBuf),
}

pub struct OutboxWorker {
    db: DatabaseConnection,
    config: Arc<Config>,
    id: String,
    wake: Arc<Notify>,
    pacer: Pacer,
    transport: Transport,
    from: Mailbox,
    host: String,
    writer: MessageWriter,
    journal: HandoverJournal,
    committer: HandoverCommitter,
    /// Recently read announcement statuses.
    statuses: Mutex<HashMap<i32, (String, Instant)>>,
}

impl OutboxWorker {
    pub fn new(db: DatabaseConnection, config: Arc<Config>, key: TokenKey, wake: Arc<Notify>) -> anyhow::Result<OutboxWorker> {
        let transport = match &config.mail.smtp_url {
            Some(url) => {
                let settings = SmtpSettings::from_url(url)?;
                Transport::Smtp(match &config.mail.smtp_ca_file {
                    Some(path) => settings.with_root_certificate(path)?,
                    None => settings,
                })
            }
            None => Transport::Files(config.outbox_dir()),
        };
        let from: Mailbox = config.mail.from.parse().map_err(|err| anyhow::anyhow!("mail_from is not valid: {err}"))?;
        let host = config.host().to_owned();
        // Stable across restarts: a restarted server recognises its own handovers.
        let id = super::journal::server_id(&config.data_dir)?;
        let journal = HandoverJournal::open(&config.data_dir.join("outbox-journal"))?;
        let committer = HandoverCommitter::spawn(db.clone(), id.clone());
        let writer = MessageWriter::new(db.clone(), key, config.public_base(), &config.mail.organisation, config.clock.clone());
        Ok(OutboxWorker {
            pacer: Pacer::new(config.mail.rate_per_second),
            db,
            id,
            wake,
            transport,
            from,
            host,
            config,
            writer,
            committer,
            journal,
            statuses: Mutex::new(HashMap::new()),
        })
    }

    /// Settles what a crash left in handover, then starts the sender tasks
    /// and the scheduler; they stop when `stop` turns true.
    pub async fn start(self, stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        let journaled = self.journal.entries()?;
        let (sent, requeued) = outbox::recover(&self.db, &self.id, &journaled).await?;
        if sent + requeued > 0 {
            tracing::info!(sent, requeued, "settled messages that were being handed over when Herald stopped");
        }
        self.journal.clear()?;
        self.spawn(stop);
        Ok(())
    }

    fn spawn(self, stop: watch::Receiver<bool>) {
        let worker = Arc::new(self);
        for _ in 0..worker.config.mail.concurrency {
            tokio::spawn(worker.clone().run_sender(stop.clone()));
        }
        tokio::spawn(super::scheduler::run(worker.db.clone(), worker.host.clone(), worker.config.clock.clone(), worker.wake.clone(), stop));
    }

    async fn run_sender(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        let gate = Gate::default();
        let mut connection: Option<Connection> = None;
        let lease = chrono::Duration::seconds(self.config.mail.lease_seconds);
        // While busy, claim straight away; when idle, look before claiming.
        let mut busy = false;
        // Announcements this sender worked on since it last checked whether they are complete.
        let mut unchecked = BTreeSet::new();
        while !*stop.borrow() {
            let woken = self.wake.notified();
            match self.claim(lease, !busy).await {
                Ok(batch) if !batch.is_empty() => {
                    busy = true;
                    // A full batch means more is waiting: the completion check can wait.
                    let last = batch.len() < BATCH as usize;
                    let mut done = Delivered::default();
                    let people = Arc::new(self.recipients_of(&batch).await);
                    // Each message is written (rendered, MIME-encoded) on
                    // another task while the one before it is on the wire:
                    // the connection never waits for the CPU work.
                    let mut messages = batch.into_iter();
                    let mut next = messages.next().map(|message| self.clone().write_soon(message, people.clone()));
                    while let Some(writing) = next.take() {
                        let Ok(written) = writing.await else { break };
                        next = messages.next().map(|message| self.clone().write_soon(message, people.clone()));
                        if *stop.borrow() {
                            break;
                        }
                        let message = &written.message;
                        unchecked.extend(message.announcement_id);
                        if !self.still_sending(message).await {
                            if let Err(err) = outbox::release(&self.db, message.id, &self.id).await {
                                tracing::warn!(message = message.id, error = %err, "could not give a message back to the queue");
                            }
                            continue;
                        }
                        self.deliver(&gate, &mut connection, written, &mut done).await;
                    }
                    self.record_delivered(done).await;
                    if last {
                        self.check_complete(std::mem::take(&mut unchecked)).await;
                    }
                }
                Ok(_) => {
                    busy = false;
                    self.check_complete(std::mem::take(&mut unchecked)).await;
                    tokio::select! {
                        _ = woken => {}
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                        _ = stop.changed() => {}
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %err, "could not claim messages from the outbox");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
        if let Some(mut connection) = connection {
            let _ = connection.smtp.quit().await;
        }
    }

    /// Claims the next batch, through the committer (see there why).
    async fn claim(&self, lease: chrono::Duration, look_first: bool) -> Result<Vec<outbox_row::Model>, String> {
        let worker = self.id.clone();
        // The injected clock: tests move it to open recipients' sending windows.
        let now = self.config.clock.now();
        let claimed = self.committer.write(move |db| async move { outbox::claim(&db, &worker, now, lease, BATCH, look_first).await.map_err(|err| err.to_string()) });
        claimed.await.and_then(|result| result)
    }

    /// Starts writing `message` on a task of its own.
    fn write_soon(self: Arc<Self>, message: outbox_row::Model, people: Arc<HashMap<i32, recipient::Model>>) -> tokio::task::JoinHandle<Written> {
        tokio::spawn(async move {
            let content = self.write(&message, &people).await;
            Written { message, content }
        })
    }

    /// The message as it goes on the wire: its envelope and its bytes.
    async fn write(&self, message: &outbox_row::Model, people: &HashMap<i32, recipient::Model>) -> Result<(Envelope, Vec<u8>), String> {
        let (email, title) = self.writer.compose(message, people).await?;
        let built = message::build(Outgoing {
            from: &self.from,
            to_email: &message.to_email,
            to_name: &message.to_name,
            message_id: &message.message_id,
            list: message.announcement_id.zip(title.as_deref()).map(|(id, title)| (title, id)),
            host: &self.host,
            email: &email,
        })?;
        Ok((built.envelope().clone(), built.formatted()))
    }

    async fn deliver(&self, gate: &Gate, connection: &mut Option<Connection>, written: Written, done: &mut Delivered) {
        let Written { message, content } = written;
        let (envelope, bytes) = match content {
            Ok(content) => content,
            Err(reason) => return self.failed(&message, SendError::Permanent(reason)).await,
        };
        self.pacer.wait().await;
        match &self.transport {
            Transport::Files(dir) => {
                let name = files::file_name(message.id, message.announcement_id);
                match files::write(dir, &name, bytes).await {
                    // Recorded with the batch; a crash before that writes the same file again.
                    Ok(_) => done.written.push(message.id),
                    Err(err) => self.failed(&message, SendError::Transient(format!("writing {name}: {err}"))).await,
                }
            }
            Transport::Smtp(settings) => {
                let reusable = match connection.as_mut() {
                    Some(open) if !open.smtp.has_broken() => open.last_used.elapsed() < STALE_AFTER || open.smtp.test_connected().await,
                    _ => false,
                };
                if !reusable {
                    *connection = None;
                    let connected = tokio::time::timeout(SMTP_TIMEOUT, async {
                        let mut smtp = settings.connect(gate.clone()).await?;
                        let pipelining = smtp::supports_pipelining(&mut smtp, &settings.hello).await;
                        Ok::<_, SendError>(Connection { smtp, pipelining, last_used: Instant::now() })
                    })
                    .await;
                    match connected.unwrap_or_else(|_| Err(SendError::Transient("timed out connecting to the SMTP server".into()))) {
                        Ok(open) => *connection = Some(open),
                        Err(err) => return self.failed(&message, err).await,
                    }
                }
                let Some(open) = connection.as_mut() else { return };
                let sending = smtp::send(&mut open.smtp, open.pipelining, gate, &envelope, &bytes, self.commit(message.id), self.journal_entry(message.id));
                let result = tokio::time::timeout(SMTP_TIMEOUT, sending)
                    .await
                    .unwrap_or_else(|_| Err(SendError::Transient("the SMTP server stopped answering".into())));
                open.last_used = Instant::now();
                match result {
                    // Recorded with the batch; the journal already vouches for it.
                    Ok(_) => done.accepted.push(message.id),
                    Err(err) => {
                        if let Some(mut open) = connection.take() {
                            open.smtp.abort().await;
                        }
                        self.failed(&message, err).await;
                    }
                }
            }
        }
    }

    async fn check_complete(&self, announcements: BTreeSet<i32>) {
        for id in announcements {
            if let Err(err) = service::complete_if_done(&self.db, id).await {
                tracing::warn!(announcement = id, error = %err, "could not check whether the announcement is complete");
            }
        }
    }

    /// The recipients of a claimed batch, in one query.
    async fn recipients_of(&self, batch: &[outbox_row::Model]) -> HashMap<i32, recipient::Model> {
        let ids: Vec<i32> = batch.iter().filter_map(|m| m.recipient_id).collect();
        if ids.is_empty() {
            return HashMap::new();
        }
        match recipient::Entity::find().filter(recipient::Column::Id.is_in(ids)).all(&self.db).await {
            Ok(rows) => rows.into_iter().map(|r| (r.id, r)).collect(),
            Err(err) => {
                tracing::warn!(error = %err, "could not load the batch's recipients; each is loaded on its own");
                HashMap::new()
            }
        }
    }

    /// One update for the batch's successes. If it fails (or Herald stops
    /// first), nothing is lost: handed-over messages are in the journal and
    /// written files are simply written again.
    async fn record_delivered(&self, done: Delivered) {
        for (ids, from) in [(done.accepted, "handover"), (done.written, "sending")] {
            if ids.is_empty() {
                continue;
            }
            let (worker, count) = (self.id.clone(), ids.len());
            let recorded = self.committer.write(move |db| async move { outbox::mark_all_sent(&db, &ids, &worker, from).await.map_err(|err| err.to_string()) });
            if let Err(err) = recorded.await.and_then(|result| result) {
                tracing::warn!(messages = count, error = %err, "delivered but not yet recorded as sent");
            }
        }
    }

    /// Whether a claimed announcement message should still go out: a pause or
    /// cancel takes effect within a quarter of a second, not after the batch.
    async fn still_sending(&self, message: &outbox_row::Model) -> bool {
        let Some(id) = message.announcement_id.filter(|_| message.kind == "announcement") else { return true };
        {
            let statuses = self.statuses.lock().await;
            if let Some((status, at)) = statuses.get(&id) {
                if at.elapsed() < STATUS_TTL {
                    return status == "sending";
                }
            }
        }
        let status = match service::find(&self.db, id).await {
            Ok(model) => model.status,
            Err(_) => return true,
        };
        let sending = status == "sending";
        self.statuses.lock().await.insert(id, (status, Instant::now()));
        sending
    }

    /// The database commit the gate runs just before the end of the message
    /// (grouped with other senders' by the committer).
    fn commit(&self, id: i32) -> Commit {
        let committer = self.committer.clone();
        Box::pin(async move { committer.hand_over(id).await })
    }

    /// The journal line written in the same poll as the final dot.
    fn journal_entry(&self, id: i32) -> Journal {
        let journal = self.journal.clone();
        Box::new(move || journal.record(id))
    }

    async fn failed(&self, message: &outbox_row::Model, err: SendError) {
        let retry_at = match &err {
            SendError::Transient(_) if message.attempts < self.config.mail.max_attempts => {
                Some(Utc::now() + outbox::backoff(self.config.mail.retry_base_seconds, message.attempts))
            }
            _ => None,
        };
        tracing::info!(message = message.id, to = %message.to_email, reply = err.message(), retry = retry_at.is_some(), "delivery attempt failed");
        if let Err(db_err) = outbox::reschedule(&self.db, message, &self.id, err.message(), retry_at).await {
            tracing::warn!(message = message.id, error = %db_err, "could not record the failed attempt; the lease will expire and it will be retried");
        }
    }
}

/// A claimed message and what it says, or why it cannot be written.
struct Written {
    message: outbox_row::Model,
    content: Result<(Envelope, Vec<u8>), String>,
}

/// A sender's SMTP connection, kept open between messages.
struct Connection {
    smtp: AsyncSmtpConnection,
    pipelining: bool,
    last_used: Instant,
}

/// What a batch delivered, recorded in one update at its end.
#[derive(Default)]
struct Delivered {
    /// Accepted by the SMTP server (now in `handover`).
    accepted: Vec<i32>,
    /// Written as `.eml` files (still `sending`).
    written: Vec<i32>,
}

