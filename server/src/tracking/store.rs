//! Writing tracking events to the database: the rows themselves and what
//! follows from them, in the caller's transaction. Used by the recorder for
//! page events and by the click-log loader for clicks and opens.

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, Statement};

use super::classify::Verdict;
use super::timing::{self, RecentClicks, TimingRules};
use super::events::EventKind;
use super::recorder::NewEvent;
use crate::entities::{collateral, portal_view, recipient};

/// Remembered "first open/visit/click already set" marks before the set is cleared.
const MARKS_REMEMBERED: usize = 200_000;

/// What a writer remembers so it need not ask the database again:
/// recipients whose first open/visit/click is set, and the recent clicks of
/// recipients still in the scanner window (see [`super::timing`]).
#[derive(Default)]
pub struct Marks {
    set: HashSet<(i32, u8)>,
    recent: RecentClicks,
}

impl Marks {
    fn contains(&self, recipient_id: i32, mark: Mark) -> bool {
        self.set.contains(&(recipient_id, mark as u8))
    }

    fn insert(&mut self, recipient_id: i32, mark: Mark) {
        if self.set.len() >= MARKS_REMEMBERED {
            self.set.clear();
        }
        self.set.insert((recipient_id, mark as u8));
    }

    fn forget(&mut self, recipient_id: i32, mark: Mark) {
        self.set.remove(&(recipient_id, mark as u8));
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mark {
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

/// What a batch changed besides its rows, for [`Marks`] once it committed.
pub struct Applied {
    /// Per event: this was the recipient's first human visit.
    pub firsts: Vec<bool>,
    set: Vec<(i32, Mark)>,
    reclassified: Vec<i32>,
}

impl Applied {
    pub fn remember(self, marks: &mut Marks) -> Vec<bool> {
        for (recipient_id, mark) in self.set {
            marks.insert(recipient_id, mark);
        }
        for recipient_id in self.reclassified {
            marks.forget(recipient_id, Mark::Clicked);
        }
        self.firsts
    }
}

/// Whether [`apply`] inserts the events' rows or finds them stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rows {
    Insert,
    /// Already committed with the verdicts they were logged with (the
    /// PostgreSQL loader's `COPY`); a timing rule reclassifies them in place.
    Stored,
}

/// Writes one batch in the caller's transaction: the rows, the recipients'
/// first open/visit/click, the timing rules, once-a-day views, "most
/// clicked" counters and webhook deliveries.
pub async fn apply(txn: &DatabaseTransaction, marks: &mut Marks, rules: &TimingRules, events: &[&NewEvent], rows: Rows) -> Result<Applied, sea_orm::DbErr> {
    let mut verdicts: Vec<Verdict> = events.iter().map(|event| event.client.verdict.clone()).collect();
    let reclassified = timing::judge(txn, &mut marks.recent, rules, events, &mut verdicts, rows == Rows::Stored).await?;
    let mut keep = Vec::with_capacity(events.len());
    for event in events {
        // Once-a-day views decide whether their row is written, so they
        // are never stored ahead (they do not go to the click log).
        debug_assert!(!(event.once_per_day && rows == Rows::Stored));
        keep.push(!event.once_per_day || first_view_today(txn, event).await?);
    }
    if rows == Rows::Insert {
        insert_rows(txn, events.iter().zip(&verdicts).zip(&keep).filter(|(_, keep)| **keep).map(|((event, verdict), _)| (*event, verdict))).await?;
    }

    let mut firsts = vec![false; events.len()];
    let mut set: Vec<(i32, Mark)> = Vec::new();
    for (index, (event, verdict)) in events.iter().zip(&verdicts).enumerate() {
        let (Some(recipient_id), Some(mark)) = (event.recipient_id, Mark::of(event.kind)) else { continue };
        // Approximate opens are not certain reads: they set no first open.
        if verdict.automated || verdict.is_approximate() || marks.contains(recipient_id, mark) || set.contains(&(recipient_id, mark)) {
            continue;
        }
        set.push((recipient_id, mark));
        // Conditional on the mark being empty, so only one request ever sees "first".
        let first = recipient::Entity::update_many()
            .col_expr(mark.column(), Expr::value(event.occurred_at))
            .filter(recipient::Column::Id.eq(recipient_id))
            .filter(mark.column().is_null())
            .exec(txn)
            .await?
            .rows_affected
            == 1;
        firsts[index] = first && mark == Mark::Visited;
    }
    for recipient_id in &reclassified {
        recount_first_click(txn, *recipient_id).await?;
    }
    count_collateral_opens(txn, events, &verdicts).await?;
    announce(txn, events, &verdicts, &keep).await?;
    Ok(Applied { firsts, set, reclassified })
}

/// `(?, …), (?, …)` for SQLite, `($1, …), ($16, …)` for PostgreSQL.
fn placeholders(backend: sea_orm::DbBackend, rows: usize) -> String {
    let mut out = String::with_capacity(rows * 64);
    for row in 0..rows {
        if row > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for column in 0..COLUMN_COUNT {
            if column > 0 {
                out.push_str(", ");
            }
            match backend {
                sea_orm::DbBackend::Postgres => out.push_str(&format!("${}", row * COLUMN_COUNT + column + 1)),
                _ => out.push('?'),
            }
        }
        out.push(')');
    }
    out
}

pub(super) const COLUMNS: &str =
    "announcement_id, collateral_id, recipient_id, user_id, link_id, short_link_id, kind, channel, user_agent, ua_class, automated, bot_reason, referrer_host, visitor_hash, occurred_at, rule";
const COLUMN_COUNT: usize = 16;

/// Inserts the rows as bound parameters in statements of 100, 10 or 1
/// rows: three statement texts, each prepared once per connection however
/// the batches vary (a statement per batch size was re-parsed every time).
/// Passing a batch as one JSON parameter was slower on both databases.
async fn insert_rows<'a>(db: &impl ConnectionTrait, rows: impl Iterator<Item = (&'a NewEvent, &'a Verdict)>) -> Result<(), sea_orm::DbErr> {
    let rows: Vec<(&NewEvent, &Verdict)> = rows.collect();
    let backend = db.get_database_backend();
    let mut rest = &rows[..];
    while !rest.is_empty() {
        let size = [100, 10, 1].into_iter().find(|size| *size <= rest.len()).unwrap_or(1);
        let (chunk, tail) = rest.split_at(size);
        let sql = format!("INSERT INTO tracking_events ({COLUMNS}) VALUES {}", placeholders(backend, size));
        let mut values: Vec<sea_orm::Value> = Vec::with_capacity(size * COLUMN_COUNT);
        for (event, verdict) in chunk {
            values.extend([
                event.announcement_id.into(),
                event.collateral_id.into(),
                event.recipient_id.into(),
                event.user_id.into(),
                event.link_id.into(),
                event.short_link_id.into(),
                event.kind.as_str().into(),
                event.channel.as_str().into(),
                event.client.user_agent.as_str().into(),
                verdict.ua_class.to_string().into(),
                verdict.automated.into(),
                verdict.reason.as_ref().map(|reason| reason.to_string()).into(),
                event.client.referrer_host.clone().into(),
                event.client.visitor_hash.clone().into(),
                event.occurred_at.into(),
                verdict.rule.map(|rule| rule.as_str()).into(),
            ]);
        }
        db.execute(Statement::from_sql_and_values(backend, sql, values)).await?;
        rest = tail;
    }
    Ok(())
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
/// The recipient is named only when an HR lead allows individual-level tracking.
async fn announce(txn: &DatabaseTransaction, events: &[&NewEvent], verdicts: &[Verdict], keep: &[bool]) -> Result<(), sea_orm::DbErr> {
    let mut individual = None;
    for ((event, verdict), kept) in events.iter().zip(verdicts).zip(keep) {
        let name = match event.kind {
            EventKind::Click => "click",
            EventKind::Open => "open",
            EventKind::Visit => "visit",
            _ => continue,
        };
        if !kept || !crate::webhooks::subscriptions::may_want(name) {
            continue;
        }
        let recipient_id = match (event.recipient_id, individual) {
            (None, _) | (_, Some(false)) => None,
            (Some(id), Some(true)) => Some(id),
            (Some(id), None) => {
                let allowed = crate::analytics::individual::enabled(txn).await.map_err(|error| sea_orm::DbErr::Custom(error.to_string()))?;
                individual = Some(allowed);
                allowed.then_some(id)
            }
        };
        let payload = serde_json::json!({
            "announcement_id": event.announcement_id,
            "collateral_id": event.collateral_id,
            "recipient_id": recipient_id,
            "short_link_id": event.short_link_id,
            "channel": event.channel,
            "automated": verdict.automated,
            "bot_reason": verdict.reason,
            "rule": verdict.rule,
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
