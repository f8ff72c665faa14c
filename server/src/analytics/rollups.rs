//! Rollups: each announcement's dashboard figures, stored, and recomputed
//! only when what they are made of has changed. A signature of the data —
//! the newest event, delivery counts, who commented under their name,
//! reading times and the minimum group size — decides: reading it takes a
//! handful of indexed lookups, where the figures take a scan of the
//! announcement's events. A background task keeps every recent
//! announcement's rollup current as events arrive, so a dashboard and its
//! baseline (the figures of up to fifty earlier announcements) read rows.
//!
//! Comments and quick reactions may be anonymous, so nothing stored here
//! depends on them: their figures are not in the rollup (they are read on
//! the spot, see [`figures::add_feedback`]) nor in the signature, so an
//! anonymous post starts no recomputation, moves no row and writes no log
//! line. Nothing here keeps a time either (see docs/anonymity.md).

use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio::sync::watch;
use tracing::Instrument;

use super::figures::{self, Figures};
use crate::entities::{analytics_rollup as rollup, announcement, read_time, tracking_event as event};
use crate::error::{AppError, Result};

/// How often the background task looks for changed announcements.
const REFRESH_EVERY: Duration = Duration::from_secs(5);
/// An announcement whose figures took `d` to compute is recomputed in the
/// background at most once per `d × COST_FACTOR`: the figures scan all of
/// its events, and during a burst of clicks on a large announcement that
/// scan every five seconds took more of the server than the clicks did.
/// The background work stays under 1/COST_FACTOR of a core; a dashboard
/// being viewed still recomputes on the spot when its data changed.
const COST_FACTOR: u32 = 50;
/// Announcements that started longer ago than this are not watched (their rollups stay as they are until viewed).
const WATCH_DAYS: i64 = 120;

/// What the figures of `model` are made of, in one string. It holds no
/// time: a stored signature must not say when its data last changed.
pub async fn signature(db: &DatabaseConnection, model: &announcement::Model, min_group: u64) -> Result<String> {
    let id = model.id;
    let newest_event: Option<i64> = event::Entity::find()
        .select_only()
        .expr(Expr::col(event::Column::Id).max())
        .filter(event::Column::AnnouncementId.eq(id))
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    let delivery = crate::spotlights::status::delivery(db, id).await?;
    // Named commenters count in the breakdowns' activity; anonymous comments count nowhere here.
    let commenters = figures::named_commenters(db, id).await?;
    let reading: Option<(i64, Option<i64>)> = read_time::Entity::find()
        .select_only()
        .expr(Expr::col(read_time::Column::Id).count())
        .expr(Expr::col(read_time::Column::Seconds).sum())
        .filter(read_time::Column::ItemKind.eq("announcement"))
        .filter(read_time::Column::ItemId.eq(id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(format!(
        "v2|{}|{}|q{}s{}f{}b{}c{}|n{:?}|r{:?}|g{min_group}",
        model.status,
        newest_event.unwrap_or(0),
        delivery.queued,
        delivery.sent,
        delivery.failed,
        delivery.bounced,
        delivery.cancelled,
        commenters,
        reading.unwrap_or((0, None)),
    ))
}

async fn titles(db: &DatabaseConnection, id: i32) -> Result<Vec<(i32, String)>> {
    Ok(crate::spotlights::compose::featured_items(db, id).await?.into_iter().map(|item| (item.collateral_id, item.title)).collect())
}

async fn stored(db: &DatabaseConnection, id: i32) -> Result<Option<(String, Figures)>> {
    let Some(row) = rollup::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    match serde_json::from_str(&row.figures) {
        Ok(figures) => Ok(Some((row.signature, figures))),
        // Written by an older Herald: recompute.
        Err(_) => Ok(None),
    }
}

async fn compute_and_store(db: &DatabaseConnection, model: &announcement::Model, signature: String, min_group: u64) -> Result<Figures> {
    let mut figures = figures::without_feedback(db, model, &titles(db, model.id).await?, min_group).await?;
    let json = serde_json::to_string(&figures).map_err(|error| AppError::Internal(error.into()))?;
    rollup::Entity::insert(rollup::ActiveModel { announcement_id: Set(model.id), signature: Set(signature), figures: Set(json) })
        .on_conflict(OnConflict::column(rollup::Column::AnnouncementId).update_columns([rollup::Column::Signature, rollup::Column::Figures]).to_owned())
        .exec_without_returning(db)
        .await?;
    figures::add_feedback(db, &mut figures, model.id).await?;
    Ok(figures)
}

/// The announcement's figures as of now: the rollup when it is current, else recomputed (and stored).
pub async fn current(db: &DatabaseConnection, model: &announcement::Model, min_group: u64) -> Result<Figures> {
    let signature = signature(db, model, min_group).await?;
    match stored(db, model.id).await? {
        Some((seen, mut figures)) if seen == signature => {
            figures::add_feedback(db, &mut figures, model.id).await?;
            Ok(figures)
        }
        _ => compute_and_store(db, model, signature, min_group).await,
    }
}

/// The figures of an earlier announcement for a baseline: the rollup as the
/// background task last left it (seconds old; longer for a very large
/// announcement still being clicked), computed only when there is none.
pub async fn for_baseline(db: &DatabaseConnection, model: &announcement::Model, min_group: u64) -> Result<Figures> {
    match stored(db, model.id).await? {
        Some((_, mut figures)) => {
            figures::add_feedback(db, &mut figures, model.id).await?;
            Ok(figures)
        }
        None => compute_and_store(db, model, signature(db, model, min_group).await?, min_group).await,
    }
}

/// When each announcement may next be recomputed in the background.
type NotBefore = std::collections::HashMap<i32, Instant>;

/// Brings every watched announcement's rollup up to date, except those
/// recomputed too recently for what they cost; returns how many were recomputed.
async fn refresh(db: &DatabaseConnection, min_group: u64, not_before: &mut NotBefore) -> Result<usize> {
    let since = Utc::now() - chrono::Duration::days(WATCH_DAYS);
    let watched = announcement::Entity::find()
        .filter(announcement::Column::Status.is_in(["sending", "paused", "sent"]))
        .filter(announcement::Column::StartedAt.gte(since))
        .order_by_desc(announcement::Column::StartedAt)
        .all(db)
        .await?;
    let now = Instant::now();
    not_before.retain(|_, at| *at > now);
    let mut recomputed = 0;
    for model in watched {
        if not_before.contains_key(&model.id) {
            continue;
        }
        let signature = signature(db, &model, min_group).await?;
        let current = rollup::Entity::find_by_id(model.id).select_only().column(rollup::Column::Signature).into_tuple::<String>().one(db).await?;
        if current.as_deref() != Some(signature.as_str()) {
            let started = Instant::now();
            compute_and_store(db, &model, signature, min_group).await?;
            not_before.insert(model.id, Instant::now() + started.elapsed() * COST_FACTOR);
            recomputed += 1;
        }
    }
    Ok(recomputed)
}

/// One pass of the background task, from scratch: what it would do next
/// (tests drive it with this instead of waiting for it).
pub async fn refresh_all(db: &DatabaseConnection, min_group: u64) -> Result<usize> {
    refresh(db, min_group, &mut NotBefore::new()).await
}

/// Runs [`refresh`] every few seconds until the server stops.
pub fn start(db: DatabaseConnection, min_group: u64, mut stop: watch::Receiver<bool>) {
    let task = async move {
        let mut not_before = NotBefore::new();
        while !*stop.borrow() {
            // No line for a successful refresh: a dated line per change is
            // what dated anonymous comments before they stopped counting here.
            if let Err(error) = refresh(&db, min_group, &mut not_before).await {
                tracing::warn!(%error, "could not refresh the analytics rollups");
            }
            tokio::select! {
                _ = tokio::time::sleep(REFRESH_EVERY) => {}
                changed = stop.changed() => if changed.is_err() { break },
            }
        }
    };
    tokio::spawn(task.instrument(tracing::info_span!("analytics_rollups")));
}
