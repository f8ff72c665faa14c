//! Group commit for handovers. Every sender must record `sending → handover`
//! before each message's final dot; on SQLite, many senders committing one
//! row each would queue on the single write lock (and sleep in its busy
//! handler). One task takes whatever handovers are waiting and commits them
//! together, answering each sender as soon as that commit is durable.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use tokio::sync::{mpsc, oneshot};

use crate::entities::outbox;

/// Most handovers committed in one transaction.
const GROUP: usize = 64;

type Request = (i32, oneshot::Sender<Result<(), String>>);

#[derive(Clone)]
pub struct HandoverCommitter {
    requests: mpsc::Sender<Request>,
}

impl HandoverCommitter {
    pub fn spawn(db: DatabaseConnection, worker: String) -> HandoverCommitter {
        let (requests, mut incoming) = mpsc::channel::<Request>(1024);
        tokio::spawn(async move {
            let mut group: Vec<Request> = Vec::with_capacity(GROUP);
            while incoming.recv_many(&mut group, GROUP).await > 0 {
                let ids: Vec<i32> = group.iter().map(|(id, _)| *id).collect();
                match commit(&db, &worker, &ids).await {
                    Ok(handed_over) => {
                        for (id, reply) in group.drain(..) {
                            let result = if handed_over.contains(&id) { Ok(()) } else { Err("another worker has taken this message over".to_owned()) };
                            let _ = reply.send(result);
                        }
                    }
                    Err(err) => {
                        for (_, reply) in group.drain(..) {
                            let _ = reply.send(Err(err.clone()));
                        }
                    }
                }
            }
        });
        HandoverCommitter { requests }
    }

    /// Resolves once the message is durably in `handover` (or cannot be).
    pub async fn hand_over(&self, id: i32) -> Result<(), String> {
        let (reply, answer) = oneshot::channel();
        self.requests.send((id, reply)).await.map_err(|_| "the handover committer has stopped".to_owned())?;
        answer.await.map_err(|_| "the handover committer has stopped".to_owned())?
    }
}

/// Moves the messages this worker still holds to `handover`; returns those it moved.
async fn commit(db: &DatabaseConnection, worker: &str, ids: &[i32]) -> Result<Vec<i32>, String> {
    let moved = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("handover"))
        .col_expr(outbox::Column::SentAt, Expr::value(chrono::Utc::now()))
        .filter(outbox::Column::Id.is_in(ids.to_vec()))
        .filter(outbox::Column::Status.eq("sending"))
        .filter(outbox::Column::LockedBy.eq(worker))
        .exec(db)
        .await
        .map_err(|err| err.to_string())?;
    if moved.rows_affected == ids.len() as u64 {
        return Ok(ids.to_vec());
    }
    // Some were not ours any more: another worker took them over, or a
    // cancel caught them. Find which.
    outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Id)
        .filter(outbox::Column::Id.is_in(ids.to_vec()))
        .filter(outbox::Column::Status.eq("handover"))
        .filter(outbox::Column::LockedBy.eq(worker))
        .into_tuple::<i32>()
        .all(db)
        .await
        .map_err(|err| err.to_string())
}
