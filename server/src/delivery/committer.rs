//! Group commit for handovers, and the one writer of this server's outbox
//! changes. Every sender must record `sending → handover` before each
//! message's final dot; on SQLite, many senders committing one row each
//! would queue on the single write lock (and sleep in its busy handler, a
//! millisecond at least). One task takes whatever handovers are waiting and
//! commits them together, answering each sender as soon as that commit is
//! durable. The senders' other outbox writes (claiming a batch, recording
//! it sent) run on the same task, between the groups, so they never make a
//! handover wait for the lock either.

use std::future::Future;
use std::pin::Pin;

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use tokio::sync::{mpsc, oneshot};


/// Most handovers committed in one transaction.
const GROUP: usize = 64;

type Work = Box<dyn FnOnce(DatabaseConnection) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

enum Request {
    HandOver(i32, oneshot::Sender<Result<(), String>>),
    Write(Work),
}

#[derive(Clone)]
pub struct HandoverCommitter {
    requests: mpsc::Sender<Request>,
}

impl HandoverCommitter {
    pub fn spawn(db: DatabaseConnection, worker: String) -> HandoverCommitter {
        let (requests, mut incoming) = mpsc::channel::<Request>(1024);
        tokio::spawn(async move {
            let mut waiting: Vec<Request> = Vec::with_capacity(GROUP);
            while incoming.recv_many(&mut waiting, GROUP).await > 0 {
                let mut group = Vec::new();
                let mut writes = Vec::new();
                for request in waiting.drain(..) {
                    match request {
                        Request::HandOver(id, reply) => group.push((id, reply)),
                        Request::Write(work) => writes.push(work),
                    }
                }
                // Handovers first: a connection is waiting on each of them.
                if !group.is_empty() {
                    hand_over_group(&db, &worker, group).await;
                }
                for work in writes {
                    work(db.clone()).await;
                }
            }
        });
        HandoverCommitter { requests }
    }

    /// Resolves once the message is durably in `handover` (or cannot be).
    pub async fn hand_over(&self, id: i32) -> Result<(), String> {
        let (reply, answer) = oneshot::channel();
        self.requests.send(Request::HandOver(id, reply)).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Runs another outbox write on the committer's task, in turn with the handovers.
    pub async fn write<T, F, Fut>(&self, work: F) -> Result<T, String>
    where
        T: Send + 'static,
        F: FnOnce(DatabaseConnection) -> Fut + Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let work: Work = Box::new(move |db| {
            Box::pin(async move {
                let _ = reply.send(work(db).await);
            })
        });
        self.requests.send(Request::Write(work)).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())
    }
}

fn stopped() -> String {
    "the handover committer has stopped".to_owned()
}

async fn hand_over_group(db: &DatabaseConnection, worker: &str, group: Vec<(i32, oneshot::Sender<Result<(), String>>)>) {
    let ids: Vec<i32> = group.iter().map(|(id, _)| *id).collect();
    match commit(db, worker, &ids).await {
        Ok(mut handed_over) => {
            for (id, reply) in group {
                // Each message moved goes to one sender only: two senders of this
                // server can hold one message when its lease ran out under the first.
                let result = if handed_over.remove(&id) { Ok(()) } else { Err("another worker has taken this message over".to_owned()) };
                let _ = reply.send(result);
            }
        }
        Err(err) => {
            for (_, reply) in group {
                let _ = reply.send(Err(err.clone()));
            }
        }
    }
}

/// Moves the messages this worker still holds to `handover`; returns those
/// this statement moved (not ones already in `handover`: another sender has them).
async fn commit(db: &DatabaseConnection, worker: &str, ids: &[i32]) -> Result<std::collections::HashSet<i32>, String> {
    let backend = db.get_database_backend();
    let (p1, p2) = if backend == DatabaseBackend::Postgres { ("$1", "$2") } else { ("?1", "?2") };
    let list = ids.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "UPDATE outbox SET status = 'handover', sent_at = {p1} WHERE id IN ({list}) AND status = 'sending' AND locked_by = {p2} RETURNING id"
    );
    let values: Vec<sea_orm::Value> = vec![chrono::Utc::now().into(), worker.into()];
    let rows = db.query_all(Statement::from_sql_and_values(backend, sql, values)).await.map_err(|err| err.to_string())?;
    Ok(rows.iter().filter_map(|row| row.try_get::<i32>("", "id").ok()).collect())
}
