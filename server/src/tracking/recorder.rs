//! The durable, fast write path for tracking events: group commit.
//!
//! A request hands its event to the recorder and waits. One task takes every
//! event waiting at that moment and writes them in a single transaction, then
//! answers each request; while it commits, the next batch gathers. So a
//! redirect never waits on a transaction of its own, yet is only answered
//! (302) after its click is committed: a `kill -9` can lose a request that
//! had not been answered, never a click whose redirect was sent.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
    Statement, TransactionTrait,
};
use tokio::sync::{mpsc, oneshot};

use super::classify::Verdict;
use super::events::EventKind;
use crate::entities::{collateral, outbox, portal_view, recipient, tracking_event};
use crate::error::{AppError, Result};

/// Most events written in one transaction.
const MAX_BATCH: usize = 2_000;
/// Requests that may wait for the recorder before new ones are turned away.
const QUEUE: usize = 20_000;
/// Clicks this soon after delivery are checked for a scanner's burst…
const SCAN_AFTER_DELIVERY_SECONDS: i64 = 120;
/// …which is two or more different links of one message within this window.
const BURST_SECONDS: i64 = 10;
pub const BURST_REASON: &str = "link burst";
/// Remembered "first open/visit/click already set" marks before the set is cleared.
const MARKS_REMEMBERED: usize = 200_000;

/// One event as a handler saw it.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub kind: EventKind,
    pub channel: String,
    pub announcement_id: Option<i32>,
    pub collateral_id: Option<i32>,
    pub recipient_id: Option<i32>,
    pub user_id: Option<i32>,
    pub link_id: Option<i32>,
    pub short_link_id: Option<i32>,
    pub client: super::Client,
    pub occurred_at: DateTime<Utc>,
    /// Count once per employee, item and day (portal views): a repeat is dropped.
    pub once_per_day: bool,
}

struct Job {
    event: NewEvent,
    done: oneshot::Sender<Result<bool, String>>,
}

/// Cheap to clone; every clone feeds the same writer task.
#[derive(Clone)]
pub struct Recorder {
    jobs: mpsc::Sender<Job>,
}

impl Recorder {
    pub fn start(db: DatabaseConnection) -> Recorder {
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(db, queue));
        Recorder { jobs }
    }

    /// Stores the event; returns once it is committed. `true` means this was
    /// the recipient's first (human) visit of their spotlight page.
    pub async fn record(&self, event: NewEvent) -> Result<bool> {
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
}

async fn write_batches(db: DatabaseConnection, mut queue: mpsc::Receiver<Job>) {
    let mut marks = Marks::default();
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let events: Vec<&NewEvent> = batch.iter().map(|job| &job.event).collect();
        let outcome = commit(&db, &mut marks, &events).await;
        match outcome {
            Ok(firsts) => {
                for (job, first) in batch.drain(..).zip(firsts) {
                    let _ = job.done.send(Ok(first));
                }
            }
            Err(error) => {
                // The transaction rolled back; the marks it set may not exist.
                marks = Marks::default();
                let message = error.to_string();
                for job in batch.drain(..) {
                    let _ = job.done.send(Err(message.clone()));
                }
            }
        }
    }
}

/// Recipients whose first open/visit/click is known to be set, so the
/// recorder need not ask the database again.
#[derive(Default)]
struct Marks(HashSet<(i32, u8)>);

impl Marks {
    fn contains(&self, recipient_id: i32, mark: Mark) -> bool {
        self.0.contains(&(recipient_id, mark as u8))
    }

    fn insert(&mut self, recipient_id: i32, mark: Mark) {
        if self.0.len() >= MARKS_REMEMBERED {
            self.0.clear();
        }
        self.0.insert((recipient_id, mark as u8));
    }

    fn forget(&mut self, recipient_id: i32, mark: Mark) {
        self.0.remove(&(recipient_id, mark as u8));
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Mark {
    Opened,
    Visited,
    Clicked,
}

impl Mark {
    fn of(kind: EventKind) -> Option<Mark> {
        match kind {
            EventKind::Open => Some(Mark::Opened),
            EventKind::Click => Some(Mark::Clicked),
            EventKind::Visit | EventKind::Asset | EventKind::Download => Some(Mark::Visited),
            EventKind::View => None,
        }
    }

    fn column(self) -> recipient::Column {
        match self {
            Mark::Opened => recipient::Column::FirstOpenedAt,
            Mark::Visited => recipient::Column::FirstVisitedAt,
            Mark::Clicked => recipient::Column::FirstClickedAt,
        }
    }
}

/// Writes one batch; returns, per event, whether it was a first visit.
async fn commit(db: &DatabaseConnection, marks: &mut Marks, events: &[&NewEvent]) -> Result<Vec<bool>, sea_orm::DbErr> {
    let txn = db.begin().await?;
    let mut verdicts: Vec<Verdict> = events.iter().map(|event| event.client.verdict.clone()).collect();
    let reclassified = detect_bursts(&txn, events, &mut verdicts).await?;
    let mut keep = Vec::with_capacity(events.len());
    for event in events {
        keep.push(!event.once_per_day || first_view_today(&txn, event).await?);
    }

    let rows = events.iter().zip(&verdicts).zip(&keep).filter(|(_, keep)| **keep).map(|((event, verdict), _)| tracking_event::ActiveModel {
        announcement_id: Set(event.announcement_id),
        collateral_id: Set(event.collateral_id),
        recipient_id: Set(event.recipient_id),
        user_id: Set(event.user_id),
        link_id: Set(event.link_id),
        short_link_id: Set(event.short_link_id),
        kind: Set(event.kind.as_str().into()),
        channel: Set(event.channel.clone()),
        user_agent: Set(event.client.user_agent.clone()),
        ua_class: Set(verdict.ua_class.into()),
        automated: Set(verdict.automated),
        bot_reason: Set(verdict.reason.map(str::to_owned)),
        referrer_host: Set(event.client.referrer_host.clone()),
        visitor_hash: Set(event.client.visitor_hash.clone()),
        occurred_at: Set(event.occurred_at),
        ..Default::default()
    });
    if keep.iter().any(|kept| *kept) {
        tracking_event::Entity::insert_many(rows).exec_without_returning(&txn).await?;
    }

    let mut firsts = vec![false; events.len()];
    let mut set_now: HashSet<(i32, Mark)> = HashSet::new();
    for (index, (event, verdict)) in events.iter().zip(&verdicts).enumerate() {
        let (Some(recipient_id), Some(mark)) = (event.recipient_id, Mark::of(event.kind)) else { continue };
        if verdict.automated || marks.contains(recipient_id, mark) || !set_now.insert((recipient_id, mark)) {
            continue;
        }
        // Conditional on the mark being empty, so only one request ever sees "first".
        let first = recipient::Entity::update_many()
            .col_expr(mark.column(), Expr::value(event.occurred_at))
            .filter(recipient::Column::Id.eq(recipient_id))
            .filter(mark.column().is_null())
            .exec(&txn)
            .await?
            .rows_affected
            == 1;
        firsts[index] = first && mark == Mark::Visited;
    }
    for recipient_id in &reclassified {
        recount_first_click(&txn, *recipient_id).await?;
    }
    count_collateral_opens(&txn, events, &verdicts).await?;
    announce(&txn, events, &verdicts, &keep).await?;
    txn.commit().await?;

    for (recipient_id, mark) in set_now {
        marks.insert(recipient_id, mark);
    }
    for recipient_id in reclassified {
        marks.forget(recipient_id, Mark::Clicked);
    }
    Ok(firsts)
}

/// Claims the employee's view of the item for today; `false` if it was already counted.
async fn first_view_today(txn: &DatabaseTransaction, event: &NewEvent) -> Result<bool, sea_orm::DbErr> {
    let (item_kind, item_id) = match (event.announcement_id, event.collateral_id) {
        (Some(id), _) => ("announcement", id),
        (None, Some(id)) => ("collateral", id),
        (None, None) => return Ok(false),
    };
    let Some(user_id) = event.user_id else { return Ok(false) };
    let inserted = portal_view::Entity::insert(portal_view::ActiveModel {
        user_id: Set(user_id),
        item_kind: Set(item_kind.to_owned()),
        item_id: Set(item_id),
        day: Set(event.occurred_at.format("%Y-%m-%d").to_string()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([portal_view::Column::UserId, portal_view::Column::ItemKind, portal_view::Column::ItemId, portal_view::Column::Day])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(inserted == 1)
}

/// Marks clicks as a scanner's when one message's links are hit in a burst
/// right after delivery; earlier clicks of the burst are reclassified too.
/// Returns the recipients whose first-click time must be recounted.
async fn detect_bursts(txn: &DatabaseTransaction, events: &[&NewEvent], verdicts: &mut [Verdict]) -> Result<Vec<i32>, sea_orm::DbErr> {
    let clicked: HashSet<i32> = events.iter().filter(|e| e.kind == EventKind::Click).filter_map(|e| e.recipient_id).collect();
    if clicked.is_empty() {
        return Ok(Vec::new());
    }
    let now = Utc::now();
    let fresh: HashSet<i32> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::RecipientId)
        .filter(outbox::Column::RecipientId.is_in(clicked.iter().copied()))
        .filter(outbox::Column::SentAt.gte(now - Duration::seconds(SCAN_AFTER_DELIVERY_SECONDS)))
        .into_tuple::<Option<i32>>()
        .all(txn)
        .await?
        .into_iter()
        .flatten()
        .collect();
    if fresh.is_empty() {
        return Ok(Vec::new());
    }
    let window_start = now - Duration::seconds(BURST_SECONDS);
    let earlier: Vec<(i64, i32, Option<i32>, bool)> = tracking_event::Entity::find()
        .select_only()
        .columns([tracking_event::Column::Id, tracking_event::Column::RecipientId, tracking_event::Column::LinkId, tracking_event::Column::Automated])
        .filter(tracking_event::Column::RecipientId.is_in(fresh.iter().copied()))
        .filter(tracking_event::Column::Kind.eq(EventKind::Click.as_str()))
        .filter(tracking_event::Column::OccurredAt.gte(window_start))
        .into_tuple()
        .all(txn)
        .await?;
    let mut links: HashMap<i32, HashSet<Option<i32>>> = HashMap::new();
    for (_, recipient_id, link_id, _) in &earlier {
        links.entry(*recipient_id).or_default().insert(*link_id);
    }
    for event in events.iter().filter(|e| e.kind == EventKind::Click) {
        if let Some(recipient_id) = event.recipient_id.filter(|id| fresh.contains(id)) {
            links.entry(recipient_id).or_default().insert(event.link_id);
        }
    }
    let bursting: HashSet<i32> = links.into_iter().filter(|(_, hit)| hit.len() >= 2).map(|(id, _)| id).collect();
    for (event, verdict) in events.iter().zip(verdicts.iter_mut()) {
        if event.kind == EventKind::Click && event.recipient_id.is_some_and(|id| bursting.contains(&id)) && !verdict.automated {
            *verdict = Verdict { ua_class: verdict.ua_class, automated: true, reason: Some(BURST_REASON) };
        }
    }
    let earlier_human: Vec<i64> = earlier.iter().filter(|(_, r, _, automated)| bursting.contains(r) && !automated).map(|(id, ..)| *id).collect();
    if !earlier_human.is_empty() {
        tracking_event::Entity::update_many()
            .col_expr(tracking_event::Column::Automated, Expr::value(true))
            .col_expr(tracking_event::Column::BotReason, Expr::value(BURST_REASON))
            .filter(tracking_event::Column::Id.is_in(earlier_human))
            .exec(txn)
            .await?;
    }
    Ok(bursting.into_iter().collect())
}

/// A recipient's first click is the first human one; after a burst was
/// reclassified it may be later, or none.
async fn recount_first_click(txn: &DatabaseTransaction, recipient_id: i32) -> Result<(), sea_orm::DbErr> {
    let backend = txn.get_database_backend();
    let placeholder = if backend == sea_orm::DbBackend::Postgres { "$1" } else { "?" };
    let sql = format!(
        "UPDATE recipients SET first_clicked_at = (SELECT MIN(e.occurred_at) FROM tracking_events e \
         WHERE e.recipient_id = recipients.id AND e.kind = 'click' AND e.automated = FALSE) WHERE id = {placeholder}"
    );
    txn.execute(Statement::from_sql_and_values(backend, sql, [recipient_id.into()])).await?;
    Ok(())
}

/// Queues the events webhooks subscribe to, in the same transaction (a
/// no-op without subscribers).
async fn announce(txn: &DatabaseTransaction, events: &[&NewEvent], verdicts: &[Verdict], keep: &[bool]) -> Result<(), sea_orm::DbErr> {
    for ((event, verdict), kept) in events.iter().zip(verdicts).zip(keep) {
        let name = match event.kind {
            EventKind::Click => "click",
            EventKind::Open => "open",
            EventKind::Visit => "visit",
            _ => continue,
        };
        if !kept {
            continue;
        }
        let payload = serde_json::json!({
            "announcement_id": event.announcement_id,
            "collateral_id": event.collateral_id,
            "recipient_id": event.recipient_id,
            "short_link_id": event.short_link_id,
            "channel": event.channel,
            "automated": verdict.automated,
            "bot_reason": verdict.reason,
            "user_agent_class": verdict.ua_class,
            "referrer_host": event.client.referrer_host,
            "occurred_at": event.occurred_at,
        });
        crate::webhooks::enqueue(txn, name, payload).await.map_err(|error| sea_orm::DbErr::Custom(error.to_string()))?;
    }
    Ok(())
}

/// Library items opened by people from a spotlight feed the "most clicked"
/// sort; the search index follows through the change log.
async fn count_collateral_opens(txn: &DatabaseTransaction, events: &[&NewEvent], verdicts: &[Verdict]) -> Result<(), sea_orm::DbErr> {
    let mut opens: HashMap<i32, i64> = HashMap::new();
    for (event, verdict) in events.iter().zip(verdicts) {
        if let (EventKind::Asset, Some(collateral_id), false) = (event.kind, event.collateral_id, verdict.automated) {
            *opens.entry(collateral_id).or_default() += 1;
        }
    }
    for (collateral_id, count) in opens {
        collateral::Entity::update_many()
            .col_expr(collateral::Column::Clicks, Expr::col(collateral::Column::Clicks).add(count))
            .filter(collateral::Column::Id.eq(collateral_id))
            .exec(txn)
            .await?;
        crate::library::service::record_change(txn, collateral_id).await.map_err(|error| sea_orm::DbErr::Custom(error.to_string()))?;
    }
    Ok(())
}
